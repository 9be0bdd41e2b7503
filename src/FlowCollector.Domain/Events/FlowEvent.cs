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

    /// <summary>True when <see cref="Actor"/> is a bot (by the source's own flag, a <c>[bot]</c> suffix or configuration).</summary>
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
}
