using System.Collections.Concurrent;

namespace FlowCollector.Worker.Health;

/// <summary>
/// The latest outcome of each target, for readiness: a target is unhealthy once it has been failing
/// (no success since its first failure) for longer than <see cref="HealthOptions.MaxFailureDuration"/>.
/// </summary>
public sealed class TargetHealthRegistry
{
    private readonly ConcurrentDictionary<string, TargetHealth> targets = new(StringComparer.Ordinal);

    public void Succeeded(string target, DateTimeOffset at) =>
        this.targets[target] = new TargetHealth(at, null, null);

    public void Failed(string target, DateTimeOffset at, string error) =>
        this.targets.AddOrUpdate(
            target,
            _ => new TargetHealth(null, at, error),
            (_, current) => current with { FailingSince = current.FailingSince ?? at, LastError = error });

    /// <summary>Targets failing for longer than <paramref name="limit"/> at <paramref name="now"/>, with their last error.</summary>
    public IReadOnlyList<(string Target, TimeSpan FailingFor, string Error)> FailingLongerThan(TimeSpan limit, DateTimeOffset now) =>
        this.targets
            .Where(kv => kv.Value.FailingSince is { } since && now - since > limit)
            .Select(kv => (kv.Key, now - kv.Value.FailingSince!.Value, kv.Value.LastError ?? ""))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ToList();

    private sealed record TargetHealth(DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, string? LastError);
}
