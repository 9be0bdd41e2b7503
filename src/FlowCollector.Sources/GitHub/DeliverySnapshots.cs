using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.GitHub;

/// <summary>
/// One workflow run as the runs list shows it: its latest attempt only. <see cref="CreatedAt"/> is the run's
/// creation (the first attempt's queue time); <see cref="StartedAt"/> is <c>run_started_at</c> of the latest attempt.
/// </summary>
internal sealed record WorkflowRunSnapshot(
    long Id,
    int Attempt,
    string Workflow,
    string HeadSha,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset UpdatedAt,
    string Status,
    string? Conclusion,
    string? HtmlUrl);

/// <summary>One status of a deployment (<c>queued</c>, <c>in_progress</c>, <c>success</c>, <c>failure</c>, <c>error</c>, <c>inactive</c>, …).</summary>
internal sealed record DeploymentStatusSnapshot(string State, DateTimeOffset CreatedAt, string? TargetUrl);

/// <summary>A deployment with all its statuses in the API's order (newest first).</summary>
internal sealed record DeploymentSnapshot(long Id, string Sha, string Environment, DateTimeOffset CreatedAt, IReadOnlyList<DeploymentStatusSnapshot> Statuses)
{
    internal static readonly string[] FinalStates = ["success", "failure", "error"];

    /// <summary>The first <c>in_progress</c> status.</summary>
    public DeploymentStatusSnapshot? FirstInProgress => this.Chronological.FirstOrDefault(s => s.State == "in_progress");

    /// <summary>The first final status; a later <c>inactive</c> (superseded) or a second final status never moves it.</summary>
    public DeploymentStatusSnapshot? FirstFinal => this.Chronological.FirstOrDefault(s => FinalStates.Contains(s.State));

    public bool Succeeded => this.FirstFinal?.State == "success";

    // Oldest first; statuses of the same second keep the API's order (reversed: it lists newest first).
    private IEnumerable<DeploymentStatusSnapshot> Chronological => this.Statuses.Reverse().OrderBy(s => s.CreatedAt);
}

/// <summary>
/// The commits a deployment brings to its environment relative to <see cref="BaseSha"/> (the previous successful
/// deployment there), in the compare API's chronological order. No base: only the deployed SHA, comparison unknown.
/// </summary>
internal sealed record ChangeSet(string? BaseSha, DeploymentComparison Comparison, IReadOnlyList<string> Shas);
