using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Reads;

/// <summary>
/// One read of one repository as the collector hands it to the engine: what the state store kept from earlier reads
/// and what the source just read. <see cref="Evaluate"/> decides everything the read produces (the points to write,
/// the changes to keep, the watermark and the constraint's ledger); the caller only does the I/O around it.
/// </summary>
/// <param name="Repository">The repository read.</param>
/// <param name="Stream">The value stream it is measured with (configured or learnt), with the rules of its stages.</param>
/// <param name="Read">What the source read (for a probe that saw no change: no events, the probe's usage).</param>
/// <param name="Now">The time of the run.</param>
public sealed record RepositoryRead(RepositoryRef Repository, ValueStreamDefinition Stream, SourceReadResult Read, DateTimeOffset Now)
{
    /// <summary>The changes kept from earlier reads (open ones and merged ones not yet through the path), each as its events.</summary>
    public IEnumerable<IReadOnlyList<FlowEvent>> Pending { get; init; } = [];

    /// <summary>The watermark stored before this read; null on the first backfill.</summary>
    public DateTimeOffset? PreviousWatermark { get; init; }

    /// <summary>Where the read started (previous watermark − overlap, or now − backfill): the watermark when the source reported none.</summary>
    public DateTimeOffset Since { get; init; }

    /// <summary>How far each read reaches back before the watermark (<c>Schedule:Overlap</c>).</summary>
    public TimeSpan Overlap { get; init; }

    /// <summary>How long an undeployed merged or open change is kept (<c>Collection:PendingMaxAge</c>).</summary>
    public TimeSpan PendingMaxAge { get; init; }

    /// <summary>The constraint's ledger as stored: the changes that arrived in the last 56 days and their waits.</summary>
    public IEnumerable<ArrivedChangeWaits> ArrivedBefore { get; init; } = [];

    /// <summary>
    /// The timestamps the target's change points were first written with (<see cref="PointTimeLedger"/>): a point that
    /// moves is rewritten where it was, and a change whose arrival was written before is not taken for one still waiting.
    /// </summary>
    public IEnumerable<WrittenChangeTimes> PointTimesBefore { get; init; } = [];

    /// <summary>The production deployments and incidents of the last days as stored (<see cref="IncidentFailureRead"/>).</summary>
    public IncidentLedger IncidentsBefore { get; init; } = IncidentLedger.Empty;

    /// <summary>How long the target waits between runs, in seconds (on <c>collector_sync</c>, for staleness rules).</summary>
    public double IntervalSeconds { get; init; }

    /// <summary>The team owning the repository (<c>ValueStream:Teams</c>): its points carry the <c>team</c> tag. Null: none.</summary>
    public string? Team { get; init; }

    /// <summary>
    /// A full read: the points of the changes, deployments, runs and incidents the read touched, the waiting-now
    /// snapshot, the constraint and <c>collector_sync</c>; the changes to keep; the new watermark and ledger.
    /// The repository's flow is evaluated once.
    /// </summary>
    public ReadEvaluation Evaluate()
    {
        var flow = Replay();
        flow.Apply(Read.Events);
        var watermark = Max(PreviousWatermark, Read.HighWatermark) ?? Since;
        var all = flow.Evaluate(Now, watermark - Overlap);
        var touched = ReadTouched.From(Read.Events);

        // Only what this read reported is (re)written; what was only replayed from the pending set is not.
        var deployments = all.Deployments.Where(d => touched.Deployments.Contains(d.Deployment.DeploymentId)).ToList();
        var runs = all.Runs.Where(r => touched.Runs.Contains((r.RunId, r.Attempt)));
        touched.AddCarriedBy(deployments);
        var timelines = all.Timelines.Where(touched.Touches).ToList();
        var arrivedWaits = ArrivedWaitsLedger.Merge(ArrivedBefore, timelines.Select(ArrivedChangeWaits.From).OfType<ArrivedChangeWaits>(), Now);
        var storedTimes = PointTimesBefore.ToList();
        var deliveredEarlier = PointTimeLedger.DeliveredEarlier(all.Pending, storedTimes);
        var waiting = all.Waiting.Where(w => !deliveredEarlier.Contains(w.ChangeId)).ToList();
        var pointTimes = PointTimeLedger.Stabilise(
            [.. timelines.SelectMany(ChangeStagePoints.From).Concat(timelines.SelectMany(ChangePoints.From))],
            storedTimes,
            Now,
            PendingMaxAge);
        var points = pointTimes.Points
            .Concat(deployments.SelectMany(DeploymentPoints.From))
            .Concat(runs.SelectMany(PipelineRunPoints.From))
            .Concat(all.Incidents.SelectMany(IncidentPoints.From))
            .Concat(StageQueuePoints.From(Repository, Stream, waiting, Now))
            .Concat(ConstraintPoints(arrivedWaits))
            .ToList();

        // An incident read now fails a production deployment read in an earlier run: the ledger keeps the last days.
        // A read with neither a production deployment nor an incident changes no attribution: nothing to rewrite or save.
        var incidentLedger = deployments.Any(d => d.IsProduction) || all.Incidents.Count > 0
            ? IncidentFailureRead.Merge(IncidentsBefore, deployments, all.Incidents)
            : null;
        if (incidentLedger is not null)
        {
            points.AddRange(IncidentFailureRead.Points(Repository, incidentLedger, deployments, all.Incidents));
        }

        var keptSince = Now - PendingMaxAge;
        var pending = all.Pending.Where(p => p.Merged >= keptSince && !deliveredEarlier.Contains(p.ChangeId)).Select(p => (p.ChangeId, p.Events))
            .Concat(all.Open.Where(o => o.Opened >= keptSince).Select(o => (o.ChangeId, o.Events)))
            .ToDictionary(p => p.ChangeId, p => p.Events, StringComparer.Ordinal);
        return new ReadEvaluation(Finish(points, watermark), watermark, timelines, waiting)
        {
            Queues = Queues(waiting),
            Deployments = deployments,
            Incidents = all.Incidents,
            ArrivedWaits = arrivedWaits,
            Pending = pending,
            PointTimes = pointTimes,
            IncidentLedger = incidentLedger,
        };
    }

    /// <summary>
    /// A probe saw no change: nothing was read, so only the waiting-now snapshot (its ages grow every poll) and
    /// <c>collector_sync</c> are written, from the kept changes; the watermark, the kept changes and the ledger stay.
    /// </summary>
    public ReadEvaluation EvaluateUnchanged()
    {
        var watermark = PreviousWatermark ?? Since;
        var waiting = Replay().WaitingNow(Now);
        var points = StageQueuePoints.From(Repository, Stream, waiting, Now).ToList();
        return new ReadEvaluation(Finish(points, watermark), watermark, [], waiting) { Queues = Queues(waiting) };
    }

    private QueueSnapshot Queues(IReadOnlyList<WaitingItem> waiting) => QueueSnapshot.Of(Repository, Team, Stream, waiting, Now, IntervalSeconds);

    /// <summary>Adds <c>collector_sync</c> (counting itself among the points) and the team tag.</summary>
    private List<FlowPoint> Finish(List<FlowPoint> points, DateTimeOffset watermark)
    {
        points.Add(CollectorSyncPoints.Success(Repository, Now, watermark, Read, points.Count + 1, IntervalSeconds));
        return TeamTags.AddIfOwned(points, Team);
    }

    private RepositoryFlow Replay()
    {
        var flow = new RepositoryFlow(Repository, Stream);
        foreach (var events in Pending)
        {
            flow.Apply(events);
        }

        return flow;
    }

    /// <summary>
    /// The <c>constraint</c> points of a run: the rolling 28 and 7 days up to now (timestamp: the current hour, so the runs of
    /// an hour overwrite one point) and the last completed ISO week (timestamp: its Monday; every run rewrites the same point).
    /// </summary>
    private IEnumerable<FlowPoint> ConstraintPoints(IReadOnlyList<ArrivedChangeWaits> arrived)
    {
        string[] order = [.. Stream.Stages.Select(s => s.Name)];
        var now = Now;
        var hour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        var rolling = ConstraintAnalysis.Find(arrived, now - TimeSpan.FromDays(28), now, order);
        var lastSevenDays = ConstraintAnalysis.Find(arrived, now - TimeSpan.FromDays(7), now, order);
        var thisWeek = ArrivedWaitsLedger.WeekStart(now);
        var lastWeek = ConstraintAnalysis.Find(arrived, thisWeek.AddDays(-7), thisWeek, order);
        return Points.ConstraintPoints.From(Repository, rolling, Points.ConstraintPoints.Rolling28Days, hour)
            .Concat(Points.ConstraintPoints.From(Repository, lastSevenDays, Points.ConstraintPoints.Rolling7Days, hour))
            .Concat(Points.ConstraintPoints.From(Repository, lastWeek, Points.ConstraintPoints.Week, thisWeek.AddDays(-7)));
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
