using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.GitHub.Mapping;

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

/// <summary>One deployment as a list shows it, whichever API listed it (its statuses come separately).</summary>
internal sealed record DeploymentListing(long Id, string Sha, string Environment, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A deployment with all its statuses, in any order (REST lists them newest first, GraphQL in its own order).</summary>
internal sealed record DeploymentSnapshot(long Id, string Sha, string Environment, DateTimeOffset CreatedAt, IReadOnlyList<DeploymentStatusSnapshot> Statuses)
{
    internal static readonly string[] FinalStates = ["success", "failure", "error"];

    /// <summary>The first <c>in_progress</c> status.</summary>
    public DeploymentStatusSnapshot? FirstInProgress => Chronological.FirstOrDefault(s => s.State == "in_progress");

    /// <summary>The first final status; a later <c>inactive</c> (superseded) or a second final status never moves it.</summary>
    public DeploymentStatusSnapshot? FirstFinal => Chronological.FirstOrDefault(s => FinalStates.Contains(s.State));

    public bool Succeeded => FirstFinal?.State == "success";

    /// <summary>
    /// Oldest first. Times have whole seconds and GraphQL gives statuses no numeric id, so ties within a second are
    /// broken by the lifecycle (waiting/queued/pending, in_progress, failure/error, success, inactive), then by state
    /// and URL: the same order whichever API listed them and in whatever order. A failure and a success reported in
    /// the same second count as a failure.
    /// </summary>
    private IEnumerable<DeploymentStatusSnapshot> Chronological =>
        Statuses
            .OrderBy(s => s.CreatedAt)
            .ThenBy(s => Lifecycle(s.State))
            .ThenBy(s => s.State, StringComparer.Ordinal)
            .ThenBy(s => s.TargetUrl, StringComparer.Ordinal);

    internal static int Lifecycle(string state) => state switch
    {
        "in_progress" => 1,
        "failure" or "error" => 2,
        "success" => 3,
        "inactive" => 4,
        _ => 0, // waiting, queued, pending and anything newer come before a deployment starts
    };
}

/// <summary>
/// The commits a deployment brings to its environment relative to <see cref="BaseSha"/> (the previous successful
/// deployment there), in the compare API's chronological order. No base: only the deployed SHA, comparison unknown.
/// </summary>
internal sealed record ChangeSet(string? BaseSha, DeploymentComparison Comparison, IReadOnlyList<string> Shas);
