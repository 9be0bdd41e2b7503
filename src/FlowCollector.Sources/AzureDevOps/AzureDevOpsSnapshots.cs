using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>What the source knows about one pull request after reading it: the list entry, its commits, threads and linked work items.</summary>
internal sealed record AdoPullRequestSnapshot(
    AdoPullRequest PullRequest,
    string WebUrl,
    IReadOnlyList<AdoCommitRef> Commits,
    IReadOnlyList<AdoThread> Threads,
    IReadOnlyList<AdoWorkItem> WorkItems);

/// <summary>A build (pipeline run) with its timeline records (empty when not read).</summary>
internal sealed record AdoBuildSnapshot(AdoBuild Build, string WebUrl, IReadOnlyList<AdoTimelineRecord> Timeline);

/// <summary>
/// One deployment: the environment deployment records of one run, stage attempt and environment folded together (a
/// stage with several deployment jobs writes one record per job), or a stage mapped by name when the run has none.
/// </summary>
internal sealed record AdoDeploymentSnapshot(
    string Id,
    string Environment,
    int BuildId,
    int DefinitionId,
    string? Pipeline,
    string? Stage,
    string? Sha,
    DateTimeOffset? Queued,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string Result,
    string? Url)
{
    /// <summary>Azure DevOps results that mean "this did not deploy": such records are no deployment at all.</summary>
    internal static readonly string[] NotDeployedResults = ["skipped", "canceled", "cancelled", "abandoned"];

    public bool Succeeded => Result is "succeeded" or "succeededWithIssues";

    public bool Deployed => !NotDeployedResults.Contains(Result, StringComparer.OrdinalIgnoreCase);
}

/// <summary>The commits a deployment brings to its environment, and how its run relates to the previous successful one there.</summary>
internal sealed record AdoChangeSet(int? BaselineBuildId, DeploymentComparison Comparison, IReadOnlyList<string> Shas);
