namespace FlowCollector.Domain.ValueStream;

/// <summary>One evaluation of a <see cref="RepositoryFlow"/> (<see cref="RepositoryFlow.Evaluate"/>): each list as its own method returns it.</summary>
public sealed record FlowEvaluation(
    IReadOnlyList<ChangeTimeline> Timelines,
    IReadOnlyList<AttributedDeployment> Deployments,
    IReadOnlyList<PipelineRunFacts> Runs,
    IReadOnlyList<IncidentFacts> Incidents,
    IReadOnlyList<WaitingItem> Waiting,
    IReadOnlyList<PendingChange> Pending,
    IReadOnlyList<OpenChange> Open);
