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

    /// <summary>The repositories configured for this source, in configuration order.</summary>
    IReadOnlyList<RepositoryRef> ConfiguredRepositories { get; }

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
