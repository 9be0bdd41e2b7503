using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Collection;

/// <summary>How collection runs behave across targets. Bound from <c>Collection</c>.</summary>
public sealed class CollectionOptions
{
    public const string SectionName = "Collection";

    /// <summary>At most this many targets are collected at the same time (default 4). Bounds memory and API concurrency.</summary>
    public int MaxConcurrentTargets { get; set; } = 4;

    /// <summary>On shutdown, a running collection gets this long to finish (default 20 s); after that it is abandoned without advancing its watermark.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A merged change that has not reached the end of the environment path after this long (default 90 days) is
    /// forgotten: its stages so far stay written, but a much later deployment no longer completes it. Bounds the state
    /// kept for repositories whose changes are never deployed.
    /// </summary>
    public TimeSpan PendingMaxAge { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// A source that can probe for changes (GitHub: conditional requests, free when answered 304) reads a target in full
    /// only when the probe saw a change, and at least this often anyway (default 6 hours, 0 to 30 days; 0: read in full
    /// every run, no probe), so anything a probe cannot see (a workflow run older than the newest page) is never stale
    /// for longer.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How often organisations (<c>Sources:GitHub:Organizations</c>) and projects (<c>Sources:AzureDevOps:Projects</c>) are
    /// listed again (default 1 hour, 1 minute to 7 days), so new repositories are collected and archived or excluded ones
    /// dropped without a restart. Costs about one request per 100 repositories of each organisation or project.
    /// </summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the changes waiting now are summed per organisation, team and stage into <c>queue_rollup</c> points
    /// (default 15 minutes, 1 minute to 1 day; 0: never), which the boards read instead of every repository's snapshots.
    /// </summary>
    public TimeSpan QueueRollupInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Range rules with messages that name the key and the value (the generated validator's messages name neither).</summary>
internal sealed class CollectionOptionsValidator : IValidateOptions<CollectionOptions>
{
    public ValidateOptionsResult Validate(string? name, CollectionOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.MaxConcurrentTargets is < 1 or > 64)
        {
            result.AddError($"Collection:MaxConcurrentTargets is {options.MaxConcurrentTargets}; it must be between 1 and 64.");
        }

        if (options.ShutdownGrace < TimeSpan.Zero || options.ShutdownGrace > TimeSpan.FromMinutes(10))
        {
            result.AddError($"Collection:ShutdownGrace is {options.ShutdownGrace}; it must be between 00:00:00 and 00:10:00.");
        }

        if (options.PendingMaxAge < TimeSpan.FromDays(1) || options.PendingMaxAge > TimeSpan.FromDays(3650))
        {
            result.AddError($"Collection:PendingMaxAge is {options.PendingMaxAge}; it must be between 1.00:00:00 and 3650.00:00:00.");
        }

        if (options.ReconcileInterval < TimeSpan.Zero || options.ReconcileInterval > TimeSpan.FromDays(30))
        {
            result.AddError($"Collection:ReconcileInterval is {options.ReconcileInterval}; it must be between 00:00:00 (always read in full) and 30.00:00:00, e.g. 06:00:00.");
        }

        if (options.DiscoveryInterval < TimeSpan.FromMinutes(1) || options.DiscoveryInterval > TimeSpan.FromDays(7))
        {
            result.AddError($"Collection:DiscoveryInterval is {options.DiscoveryInterval}; it must be between 00:01:00 and 7.00:00:00.");
        }

        if (options.QueueRollupInterval != TimeSpan.Zero && (options.QueueRollupInterval < TimeSpan.FromMinutes(1) || options.QueueRollupInterval > TimeSpan.FromDays(1)))
        {
            result.AddError($"Collection:QueueRollupInterval is {options.QueueRollupInterval}; it must be 00:00:00 (no rollup) or between 00:01:00 and 1.00:00:00, e.g. 00:15:00.");
        }

        return result.Build();
    }
}
