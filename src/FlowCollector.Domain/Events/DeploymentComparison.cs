namespace FlowCollector.Domain.Events;

/// <summary>
/// How a deployed SHA relates to the previous successful deployment to the same environment (GitHub's compare
/// <c>status</c>; Azure DevOps: whether the run brought changes). When reports of one deployment disagree, the
/// highest value wins, so a deployment any report calls a rollback stays a rollback whatever the arrival order.
/// </summary>
public enum DeploymentComparison
{
    /// <summary>Not compared (no baseline, or the source cannot tell). Attribution uses the change set and the SHA.</summary>
    Unknown = 0,

    /// <summary>The deployed SHA descends from the baseline: the change set is the new commits (<c>ahead</c>).</summary>
    Ahead = 1,

    /// <summary>Neither descends from the other (a release branch, a force-push): the change set is the commits the baseline lacks.</summary>
    Diverged = 2,

    /// <summary>The same SHA as the baseline was deployed again (<c>identical</c>): a redeploy, which adds no changes.</summary>
    Identical = 3,

    /// <summary>The deployed SHA is an ancestor of the baseline (<c>behind</c>): a rollback, which adds no changes.</summary>
    Behind = 4,
}
