namespace FlowCollector.State;

/// <summary>
/// The last API budget a replica saw for one credential, so every replica sees what the credential has left.
/// </summary>
/// <param name="Credential">A fingerprint of the credential (<c>github:</c> + the first 16 hex digits of its SHA-256), never the secret.</param>
/// <param name="Source">The source it authenticates to, e.g. <c>github</c>.</param>
/// <param name="Remaining">Requests left in the current window, as the API last reported.</param>
/// <param name="ObservedAt">When it was reported.</param>
/// <param name="ObservedBy">The Quartz instance id of the replica that saw it.</param>
public sealed record ApiBudget(string Credential, string Source, int Remaining, DateTimeOffset ObservedAt, string ObservedBy);

/// <summary>The API budget per credential, shared by the replicas of a cluster (PostgreSQL only).</summary>
internal interface IApiBudgetStore
{
    /// <summary>Stores <paramref name="budget"/> unless a newer observation of the same credential is already stored.</summary>
    Task RecordAsync(ApiBudget budget, CancellationToken cancellationToken);

    Task<ApiBudget?> GetAsync(string credential, CancellationToken cancellationToken);
}
