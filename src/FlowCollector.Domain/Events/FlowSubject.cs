namespace FlowCollector.Domain.Events;

/// <summary>What an event's <see cref="FlowEvent.SubjectId"/> names: the one rule by which the engine sorts events.</summary>
public enum FlowSubject
{
    /// <summary>A change (pull request or direct push) and its work items.</summary>
    Change,

    /// <summary>A pipeline run attempt, with the stages, jobs and checkpoints inside it.</summary>
    Run,

    /// <summary>A deployment and its change set.</summary>
    Deployment,

    /// <summary>An incident.</summary>
    Incident,
}

/// <summary>Sorts <see cref="FlowEventKind"/>s by subject, for the fold and for deciding what a read touched alike.</summary>
public static class FlowEventKinds
{
    public static FlowSubject SubjectOf(FlowEventKind kind) => kind switch
    {
        FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished
            or FlowEventKind.StageStarted or FlowEventKind.StageFinished => FlowSubject.Run,
        FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished
            or FlowEventKind.DeploymentIncludes => FlowSubject.Deployment,
        FlowEventKind.IncidentOpened or FlowEventKind.IncidentResolved => FlowSubject.Incident,
        _ => FlowSubject.Change,
    };
}
