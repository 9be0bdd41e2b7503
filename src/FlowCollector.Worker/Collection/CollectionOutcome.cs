using FlowCollector.Domain.Statistics;
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
    public bool Succeeded => Result == CollectionResult.Success;

    /// <summary>The value stream the target was measured with (null when the run failed before choosing it).</summary>
    public StreamAssignment? Stream { get; init; }

    /// <summary>The finished deployments this run read, with the changes each carried.</summary>
    public IReadOnlyList<AttributedDeployment> Deployments { get; init; } = [];

    /// <summary>The incidents this run read (opened or resolved in its window).</summary>
    public IReadOnlyList<IncidentFacts> Incidents { get; init; } = [];

    /// <summary>The window this run read: from the watermark (minus overlap) or the backfill start, to the run's time.</summary>
    public (DateTimeOffset From, DateTimeOffset To)? Window { get; init; }

    /// <summary>The target's changes that arrived in the last 56 days with their waits (the constraint's input).</summary>
    public IReadOnlyList<ArrivedChangeWaits> ArrivedWaits { get; init; } = [];

    /// <summary>The changes waiting at the end of the run, by stage.</summary>
    public IReadOnlyList<WaitingItem> Waiting { get; init; } = [];
}

public enum CollectionResult
{
    Success,
    Failure,
    Cancelled,
}
