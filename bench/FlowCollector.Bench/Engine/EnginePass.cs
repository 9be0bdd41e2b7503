using FlowCollector.Bench.Measurement;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Reads;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Bench.Engine;

/// <summary>
/// One pass of the engine as the worker's collector runs it (src/FlowCollector.Worker/Collection/TargetCollector.cs):
/// a <see cref="RepositoryFlow"/> per repository folds its events, then its merged timelines are computed and mapped
/// to <c>change_stage</c> points (<c>timelines.SelectMany(ChangeStagePoints.From).ToList()</c>). Each step is timed
/// and its allocations counted on this thread.
/// </summary>
internal sealed class EnginePass(bool wholeRead = false)
{
    // After every synthetic event (the stream starts 2025-01-06 and spans well under a year).
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ValueStreamDefinition Definition { get; } = ValueStreamDefinition.Default();

    public PassCost Run(IReadOnlyList<RepositoryRef> repositories, IReadOnlyList<FlowEvent[]> events)
    {
        Memory.Settle();
        var gcBefore = GcCounts.Now();
        var pausedBefore = GC.GetTotalPauseDuration();
        if (wholeRead)
        {
            // The read folds its own events: its cost is the evaluation's, everything included.
            var reads = Cost.Of(() => WholeReads(repositories, events), out var readCost);
            var readGc = GcCounts.Now().Since(gcBefore);
            return new PassCost(default, readCost, default, reads.Sum(r => r.Timelines.Count), reads.Sum(r => r.Points.Count), readGc, TimeSpan.Zero, GC.GetTotalPauseDuration() - pausedBefore);
        }

        var flows = Cost.Of(() => Fold(repositories, events), out var fold);
        var foldPaused = GC.GetTotalPauseDuration() - pausedBefore;
        var timelines = Cost.Of(() => Timelines(flows), out var timelineCost);
        var points = Cost.Of(() => Points(timelines), out var pointCost);
        var gc = GcCounts.Now().Since(gcBefore);
        return new PassCost(fold, timelineCost, pointCost, timelines.Sum(t => t.Count), points.Sum(p => p.Count), gc, foldPaused, GC.GetTotalPauseDuration() - pausedBefore);
    }

    /// <summary>Bytes that stay reachable: the folded state alone, then with the timelines and points a run holds until they are written.</summary>
    public (long State, long WithTimelinesAndPoints, IReadOnlyList<ChangeTimeline>[] Timelines) Retained(IReadOnlyList<RepositoryRef> repositories, IReadOnlyList<FlowEvent[]> events)
    {
        var baseline = Memory.LiveHeapBytes();
        var flows = Fold(repositories, events);
        var state = Memory.LiveHeapBytes() - baseline;
        var timelines = Timelines(flows);
        var points = Points(timelines);
        var all = Memory.LiveHeapBytes() - baseline;
        GC.KeepAlive(flows);
        GC.KeepAlive(points);
        return (state, all, timelines);
    }

    public RepositoryFlow[] Fold(IReadOnlyList<RepositoryRef> repositories, IReadOnlyList<FlowEvent[]> events)
    {
        var flows = new RepositoryFlow[repositories.Count];
        for (var r = 0; r < flows.Length; r++)
        {
            var flow = new RepositoryFlow(repositories[r], Definition);
            foreach (var e in events[r])
            {
                flow.Apply(e);
            }

            flows[r] = flow;
        }

        return flows;
    }

    public static IReadOnlyList<ChangeTimeline>[] Timelines(RepositoryFlow[] flows) =>
        [.. flows.Select(f => f.MergedTimelines())];

    /// <summary>
    /// <c>--whole-read</c>: everything the collector has the engine work out for a read of each repository, every event
    /// counted as read (<see cref="RepositoryRead.Evaluate"/>: fold, timelines, deployments, runs, incidents, the
    /// waiting-now snapshot, the pending set, the constraint and every point).
    /// </summary>
    public WholeRead[] WholeReads(IReadOnlyList<RepositoryRef> repositories, IReadOnlyList<FlowEvent[]> events) =>
        [.. repositories.Select((r, i) =>
        {
            var read = new RepositoryRead(r, Definition, new SourceReadResult(events[i], Now, new SourceUsage(0, null)), Now)
            {
                Since = Now - TimeSpan.FromDays(365),
                Overlap = TimeSpan.FromHours(1),
                PendingMaxAge = TimeSpan.FromDays(90),
            }.Evaluate();
            return new WholeRead(read.Timelines, read.Points);
        })];

    public static List<FlowPoint>[] Points(IReadOnlyList<ChangeTimeline>[] timelines) =>
        [.. timelines.Select(t => t.SelectMany(ChangeStagePoints.From).ToList())];
}

/// <summary>What one whole read of a repository evaluated.</summary>
internal sealed record WholeRead(IReadOnlyList<ChangeTimeline> Timelines, IReadOnlyList<FlowPoint> Points);

/// <summary>What one pass cost, step by step, with the time the GC paused the process during the fold and during the whole pass.</summary>
internal sealed record PassCost(Cost Fold, Cost Timelines, Cost Points, int TimelineCount, int PointCount, GcCounts Collections, TimeSpan FoldPaused, TimeSpan Paused)
{
    public Cost Total => Fold + Timelines + Points;
}
