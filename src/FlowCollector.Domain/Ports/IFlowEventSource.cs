using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.Ports;

/// <summary>
/// A system of record (GitHub, Azure DevOps) read incrementally, one repository at a time.
/// Implementations map their API models to <see cref="FlowEvent"/> at the boundary; nothing else leaves them.
/// </summary>
public interface IFlowEventSource
{
    /// <summary>The <c>source</c> tag value, e.g. <c>github</c>.</summary>
    string Source { get; }

    /// <summary>The repositories configured for this source by name, in configuration order.</summary>
    IReadOnlyList<RepositoryRef> ConfiguredRepositories { get; }

    /// <summary>
    /// Every repository to collect now: <see cref="ConfiguredRepositories"/> plus those found by listing whole
    /// organisations or projects (with their include/exclude rules), without duplicates, in a stable order. Called at
    /// start-up and again every discovery interval, so repositories created or archived later join or leave the
    /// schedule. Throws <see cref="SourceException"/> when an organisation or project cannot be listed.
    /// </summary>
    Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken) => Task.FromResult(ConfiguredRepositories);

    /// <summary>
    /// A name of the API budget reads of <paramref name="repository"/> spend (a fingerprint, never a secret), so budgets
    /// are recorded per credential — e.g. one per GitHub App installation. Null: the source has one credential.
    /// </summary>
    string? BudgetKey(RepositoryRef repository) => null;

    /// <summary>
    /// Reads everything that changed in <paramref name="repository"/> since <paramref name="since"/>
    /// (the caller has already subtracted its overlap window). Throws <see cref="SourceException"/> for
    /// an expected failure (bad credentials, repository not found, malformed payload) with a message a
    /// user can act on; nothing is half-returned.
    /// </summary>
    Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Checks that the credentials can read <paramref name="repository"/>; used by <c>validate</c>. Writes nothing.</summary>
    Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken);
}

/// <summary>
/// A source that can tell, cheaply, that nothing changed in a repository since an earlier read (conditional requests
/// answered 304 cost no rate limit). The caller keeps the validators with the watermark and stores new ones only after
/// the points of the read that followed were written, so a failed run never makes a change look already seen.
/// </summary>
public interface IChangeProbe
{
    /// <summary>
    /// Checks <paramref name="repository"/> against <paramref name="validators"/> (the opaque string a previous probe
    /// returned, null the first time). <see cref="ChangeProbeResult.Unchanged"/> is true only when every resource the
    /// probe watches is known to be unchanged.
    /// </summary>
    Task<ChangeProbeResult> ProbeAsync(RepositoryRef repository, string? validators, CancellationToken cancellationToken);
}

/// <summary>What a probe found.</summary>
/// <param name="Unchanged">True when nothing the source reads changed since <c>validators</c> were taken.</param>
/// <param name="Validators">The validators to keep for the next probe (opaque, no secrets).</param>
/// <param name="Usage">API cost of the probe.</param>
public sealed record ChangeProbeResult(bool Unchanged, string Validators, SourceUsage Usage);

/// <summary>What one read returned.</summary>
/// <param name="Events">The normalised events (any order; duplicates allowed — the engine folds them).</param>
/// <param name="HighWatermark">The newest update time among the items read, or null when nothing was read; the caller stores it only after the points are written.</param>
/// <param name="Usage">API cost of the read.</param>
public sealed record SourceReadResult(IReadOnlyList<FlowEvent> Events, DateTimeOffset? HighWatermark, SourceUsage Usage);

/// <summary>API requests made and the rate-limit budget left afterwards (null when the API did not say).</summary>
public sealed record SourceUsage(int Requests, int? RateLimitRemaining);

/// <summary>The outcome of a credential / reachability check of one target.</summary>
public sealed record TargetCheck(RepositoryRef Repository, bool Ok, string Message);

/// <summary>An expected failure of a source, with a message that names the target and the fix. Never contains a secret.</summary>
public sealed class SourceException : Exception
{
    public SourceException()
    {
    }

    public SourceException(string message)
        : base(message)
    {
    }

    public SourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
