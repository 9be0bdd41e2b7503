using System.Collections.Concurrent;

namespace FlowCollector.Worker.Health;

/// <summary>
/// The latest outcome of each target, for readiness: a target is unhealthy once it has been failing
/// (no success since its first failure) for longer than <see cref="HealthOptions.MaxFailureDuration"/>.
/// </summary>
public sealed class TargetHealthRegistry
{
    private readonly ConcurrentDictionary<string, TargetHealth> targets = new(StringComparer.Ordinal);
    private long lastReconcile = DateTimeOffset.MinValue.UtcTicks;

    public void Succeeded(string target, DateTimeOffset at) =>
        targets[target] = new TargetHealth(at, null, null);

    public void Failed(string target, DateTimeOffset at, string error) =>
        targets.AddOrUpdate(
            target,
            _ => new TargetHealth(null, at, error),
            (_, current) => current with { FailingSince = current.FailingSince ?? at, LastError = error });

    /// <summary>
    /// What the shared state store says of a target this process saw failing: another replica collected it at
    /// <paramref name="lastSuccess"/>. With no error after it the target is healthy; with one, it has been failing only
    /// since that success (an upper bound of how long: the store keeps the last success, not the first failure after it).
    /// </summary>
    public void SucceededElsewhere(string target, DateTimeOffset lastSuccess, bool failedSince) =>
        targets.AddOrUpdate(
            target,
            _ => new TargetHealth(lastSuccess, failedSince ? lastSuccess : null, null),
            (_, current) => current.LastSuccess is { } known && known >= lastSuccess
                ? current
                : failedSince
                    ? current with { LastSuccess = lastSuccess, FailingSince = current.FailingSince is { } since && since > lastSuccess ? since : lastSuccess }
                    : new TargetHealth(lastSuccess, null, null));

    /// <summary>
    /// True at most once per <paramref name="interval"/>: readiness probes come every few seconds, and asking the state
    /// store about every failing target each time would put that load on the database for nothing new.
    /// </summary>
    public bool ShouldReconcile(DateTimeOffset now, TimeSpan interval)
    {
        var last = Interlocked.Read(ref lastReconcile);
        return now.UtcTicks - last >= interval.Ticks && Interlocked.CompareExchange(ref lastReconcile, now.UtcTicks, last) == last;
    }

    /// <summary>Targets failing for longer than <paramref name="limit"/> at <paramref name="now"/>, with their last error.</summary>
    public IReadOnlyList<(string Target, TimeSpan FailingFor, string Error)> FailingLongerThan(TimeSpan limit, DateTimeOffset now) =>
        targets
            .Where(kv => kv.Value.FailingSince is { } since && now - since > limit)
            .Select(kv => (kv.Key, now - kv.Value.FailingSince!.Value, kv.Value.LastError ?? ""))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ToList();

    private sealed record TargetHealth(DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, string? LastError);
}
