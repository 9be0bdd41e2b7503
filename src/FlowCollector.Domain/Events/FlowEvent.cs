namespace FlowCollector.Domain.Events;

/// <summary>
/// One normalised fact from a system of record. <see cref="SubjectId"/> names what the fact is about:
/// the change (pull request number or id) for change events, the run id for pipeline events, the
/// deployment id for deployment events. Only this type crosses from sources into the engine.
/// </summary>
public sealed record FlowEvent
{
    public required FlowEventKind Kind { get; init; }

    public required RepositoryRef Repository { get; init; }

    public required string SubjectId { get; init; }

    /// <summary>When it happened, in UTC.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who did it (login or unique name); null when the system does not say.</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// True when <see cref="Actor"/> is a bot by its source's own rule (docs/metrics.md, "Who counts as a reviewer"): the
    /// engine trusts this flag and nothing else, so a name that means a bot on one system is not one on another.
    /// </summary>
    public bool ActorIsBot { get; init; }

    /// <summary>For <see cref="FlowEventKind.ReviewSubmitted"/>: the verdict.</summary>
    public ReviewState ReviewState { get; init; }

    /// <summary>For <see cref="FlowEventKind.ChangeOpened"/>: opened as a draft.</summary>
    public bool IsDraft { get; init; }

    /// <summary>
    /// A commit SHA: the merge commit, the commit authored, the run's or deployment's SHA; for
    /// <see cref="FlowEventKind.DeploymentIncludes"/>, one commit of the deployment's change set.
    /// </summary>
    public string? Sha { get; init; }

    /// <summary>Where the thing happened: the deployment environment.</summary>
    public string? Environment { get; init; }

    /// <summary>The pipeline (workflow / definition) name for run events.</summary>
    public string? Pipeline { get; init; }

    /// <summary>The attempt number of a run (1 for the first).</summary>
    public int Attempt { get; init; }

    /// <summary>The outcome of a finished run or deployment, normalised to lower case (<c>success</c>, <c>failure</c>, …).</summary>
    public string? Result { get; init; }

    /// <summary>A link a person can open (the pull request, the run).</summary>
    public string? Url { get; init; }

    /// <summary>For change events: the trunk (base) branch the change targets.</summary>
    public string? TargetBranch { get; init; }

    /// <summary>
    /// For deployment events: how the deployed SHA relates to the previous successful deployment to the same
    /// environment, when the source compared them. May be set on any event of the deployment (typically its
    /// <see cref="FlowEventKind.DeploymentFinished"/>); <see cref="DeploymentComparison.Unknown"/> when not compared.
    /// </summary>
    public DeploymentComparison Comparison { get; init; }

    /// <summary>
    /// For deployment events: what stands in for a deployment in a repository that has none (e.g. <c>release</c>: a
    /// published release); null for a real deployment. Written as the <c>fallback</c> tag.
    /// </summary>
    public string? Fallback { get; init; }

    /// <summary>
    /// For change events (set on <see cref="FlowEventKind.ChangeOpened"/>, allowed on any): the head (source) branch,
    /// without <c>refs/heads/</c>. With <see cref="Title"/> and <see cref="Labels"/> it tells whether the change is
    /// rework (<c>ValueStream.ReworkRules</c>).
    /// </summary>
    public string? SourceBranch { get; init; }

    /// <summary>For change events (see <see cref="SourceBranch"/>): the pull request's title, or a direct change's commit subject.</summary>
    public string? Title { get; init; }

    /// <summary>For change events (see <see cref="SourceBranch"/>): the change's labels; null (not an empty list) when it has none, so events stay cheap.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// For <see cref="FlowEventKind.StageStarted"/> and <see cref="FlowEventKind.StageFinished"/>: the stage, job or
    /// checkpoint inside the run (<see cref="SubjectId"/> is the run id, <see cref="Attempt"/> the run's attempt), e.g.
    /// <c>deploy</c>, <c>deploy/approval</c>, <c>build/job/Linux</c>.
    /// </summary>
    public string? Stage { get; init; }

    /// <summary>
    /// For stage events: <see cref="StageKind.Wait"/> when the record is time spent waiting (an approval, a
    /// check, an agent queue) rather than work; the run's wait time is the union of those records.
    /// </summary>
    public StageKind StageKind { get; init; }

    /// <summary>
    /// For run events: the whole run drives a deployment (GitHub: a deployment's status links to it), so it is not CI.
    /// For stage events: the stage deploys (a deployment job or environment, an approval or check, a stage mapped to an
    /// environment); a run's CI is the part before its first deploying stage (docs/metrics.md, "CI").
    /// </summary>
    public bool Deploys { get; init; }

    /// <summary>
    /// For deployment events: the pipeline run that performed the deployment, when the source can tell (GitHub: the
    /// run its statuses' log URL points at). That run deploys, so it is not CI.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>
    /// For deployment events: a stand-in read from a run still in progress (Azure DevOps: a finished deploying stage of
    /// its timeline; environment deployment records appear only once the whole run finished). It gives the change its
    /// deployment stages until a deployment of the same <see cref="RunId"/> and <see cref="Stage"/> that is not
    /// provisional arrives and replaces it; it is never a <c>deployment</c> point.
    /// </summary>
    public bool Provisional { get; init; }
}
