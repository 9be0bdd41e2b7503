namespace FlowCollector.Domain.Ports;

/// <summary>
/// Per-target memory between runs: watermarks, HTTP validators (ETags) and changes still waiting for
/// deployment. Embedded SQLite by default; a shared PostgreSQL store when several replicas run.
/// </summary>
public interface IStateStore
{
    /// <summary>Creates or migrates the schema. Safe to call from several processes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<TargetState?> GetTargetAsync(string targetKey, CancellationToken cancellationToken);

    Task SaveTargetAsync(TargetState state, CancellationToken cancellationToken);

    Task<string?> GetETagAsync(string targetKey, string resource, CancellationToken cancellationToken);

    Task SaveETagAsync(string targetKey, string resource, string etag, CancellationToken cancellationToken);

    /// <summary>
    /// One resource of every target that has it, by target key, in one query: what a job across targets (the queue
    /// rollup) reads instead of one request per target.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> GetResourceOfEveryTargetAsync(string resource, CancellationToken cancellationToken);

    /// <summary>Changes merged but not yet deployed, as opaque payloads keyed by change id.</summary>
    Task<IReadOnlyDictionary<string, string>> GetPendingChangesAsync(string targetKey, CancellationToken cancellationToken);

    /// <summary>Replaces the pending set for one target in one transaction.</summary>
    Task ReplacePendingChangesAsync(string targetKey, IReadOnlyDictionary<string, string> pending, CancellationToken cancellationToken);
}

/// <summary>What the collector remembers about one target.</summary>
/// <param name="TargetKey"><c>source:owner/name</c>.</param>
/// <param name="Watermark">Everything updated before this was collected and written; null before the first successful run.</param>
/// <param name="LastSuccess">End of the last run whose points were all acknowledged.</param>
/// <param name="LastAttempt">End of the last run, successful or not.</param>
/// <param name="LastError">The last failure's message (no secrets), null after a success.</param>
public sealed record TargetState(string TargetKey, DateTimeOffset? Watermark, DateTimeOffset? LastSuccess, DateTimeOffset? LastAttempt, string? LastError);
