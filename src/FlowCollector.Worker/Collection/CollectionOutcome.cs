using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Collection;

/// <summary>What one collection run of one target did.</summary>
public sealed record CollectionOutcome(
    string TargetKey,
    CollectionResult Result,
    string? Error,
    int EventsRead,
    int PointsWritten,
    int ApiRequests,
    IReadOnlyList<ChangeTimeline> Timelines)
{
    public bool Succeeded => this.Result == CollectionResult.Success;
}

public enum CollectionResult
{
    Success,
    Failure,
    Cancelled,
}
