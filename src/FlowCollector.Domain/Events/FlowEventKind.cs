namespace FlowCollector.Domain.Events;

/// <summary>The normalised, source-agnostic facts the value-stream engine understands (see docs/metrics.md).</summary>
public enum FlowEventKind
{
    /// <summary>A commit of the change was authored (author date, not commit date: rebases move the latter).</summary>
    CommitAuthored,

    /// <summary>The change (pull request) was opened. <see cref="FlowEvent.IsDraft"/> tells whether it was opened as a draft.</summary>
    ChangeOpened,

    /// <summary>A draft change was marked ready for review.</summary>
    ReadyForReview,

    /// <summary>A ready change was turned back into a draft.</summary>
    ConvertedToDraft,

    /// <summary>A reviewer (or team) was asked to review.</summary>
    ReviewRequested,

    /// <summary>A review was submitted; <see cref="FlowEvent.ReviewState"/> says which kind.</summary>
    ReviewSubmitted,

    /// <summary>A single review comment outside a submitted review (counts towards pickup only).</summary>
    ReviewCommented,

    /// <summary>The change was merged into the trunk; <see cref="FlowEvent.Sha"/> is the merge commit.</summary>
    ChangeMerged,

    /// <summary>The change was closed without being merged.</summary>
    ChangeClosed,

    /// <summary>Commits reached the trunk without a pull request (a direct change); <see cref="FlowEvent.Sha"/> is the head commit.</summary>
    DirectPush,

    /// <summary>A pipeline run (attempt) was queued.</summary>
    RunQueued,

    /// <summary>A pipeline run (attempt) started executing.</summary>
    RunStarted,

    /// <summary>A pipeline run (attempt) finished; <see cref="FlowEvent.Result"/> holds the outcome.</summary>
    RunFinished,

    /// <summary>
    /// A stage, job or checkpoint inside a run started: <see cref="FlowEvent.SubjectId"/> is the run, <see cref="FlowEvent.Stage"/>
    /// the record and <see cref="FlowEvent.StageKind"/> whether it is waiting (approvals, checks) or work.
    /// </summary>
    StageStarted,

    /// <summary>A stage, job or checkpoint inside a run finished (see <see cref="StageStarted"/>).</summary>
    StageFinished,

    /// <summary>A deployment to <see cref="FlowEvent.Environment"/> was queued.</summary>
    DeploymentQueued,

    /// <summary>A deployment started (its first <c>in_progress</c> status).</summary>
    DeploymentStarted,

    /// <summary>A deployment finished (<c>success</c> / <c>failure</c> / <c>error</c>).</summary>
    DeploymentFinished,

    /// <summary>An incident was opened.</summary>
    IncidentOpened,

    /// <summary>An incident was resolved.</summary>
    IncidentResolved,

    /// <summary>A work item linked to the change (its demand) was created.</summary>
    WorkItemCreated,

    /// <summary>A work item linked to the change was activated (work started).</summary>
    WorkItemActivated,

    /// <summary>
    /// One commit of a deployment's change set: <see cref="FlowEvent.SubjectId"/> is the deployment id and
    /// <see cref="FlowEvent.Sha"/> a commit reachable from the deployed SHA and not from the previous successful
    /// deployment to the same environment. Sources compute the set (GitHub compare API, Azure DevOps run changes)
    /// and send one event per commit; the engine cannot walk git. A rollback or a redeploy has no such events
    /// (its <see cref="FlowEvent.Comparison"/> says why). <see cref="FlowEvent.OccurredAt"/> is not used by the fold;
    /// sources set it to the deployment's creation.
    /// </summary>
    DeploymentIncludes,
}
