using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Reads;

/// <summary>
/// Everything one read of a repository produces (<see cref="RepositoryRead.Evaluate"/>): the caller writes
/// <see cref="Points"/>, then keeps <see cref="Pending"/>, <see cref="Watermark"/> and <see cref="ArrivedWaits"/>.
/// </summary>
/// <param name="Points">Every point to write, <c>collector_sync</c> last, team-tagged.</param>
/// <param name="Watermark">The watermark to save once the points are written.</param>
/// <param name="Timelines">The merged changes the read touched (their points are among <see cref="Points"/>).</param>
/// <param name="Waiting">The changes waiting now, by stage.</param>
public sealed record ReadEvaluation(IReadOnlyList<FlowPoint> Points, DateTimeOffset Watermark, IReadOnlyList<ChangeTimeline> Timelines, IReadOnlyList<WaitingItem> Waiting)
{
    /// <summary>The finished deployments the read reported, with the changes each carried.</summary>
    public IReadOnlyList<AttributedDeployment> Deployments { get; init; } = [];

    /// <summary>The incidents the read reported.</summary>
    public IReadOnlyList<IncidentFacts> Incidents { get; init; } = [];

    /// <summary>The constraint's ledger to keep (null: keep the stored one, as after an unchanged probe).</summary>
    public IReadOnlyList<ArrivedChangeWaits>? ArrivedWaits { get; init; }

    /// <summary>The incident ledger to keep once the points are written (null: keep the stored one).</summary>
    public IncidentLedger? IncidentLedger { get; init; }

    /// <summary>The point-time ledger to keep once the points are written (null: keep the stored one, as after an unchanged probe).</summary>
    public StabilisedPoints? PointTimes { get; init; }

    /// <summary>The changes to keep for the next read, each as its events, by change id (null: keep the stored ones).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FlowEvent>>? Pending { get; init; }

    /// <summary>The waiting-now counts to keep for the organisation's <c>queue_rollup</c> once the points are written.</summary>
    public QueueSnapshot? Queues { get; init; }

    /// <summary>The spans cut at their stage's end because a source reported times out of order (telemetry).</summary>
    public int SpansClamped => Timelines.Sum(t => t.Spans.Count(s => s.Clamped));
}
