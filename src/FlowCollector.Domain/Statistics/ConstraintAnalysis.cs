using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Statistics;

/// <summary>One arrived change as the constraint analysis sees it: when it arrived and how long it waited in each wait stage.</summary>
/// <param name="ChangeId">The change's id (pull request number or direct change id).</param>
/// <param name="Url">Where a reader can open it, or null.</param>
/// <param name="Arrived">Its first successful production deployment finished: the period it belongs to.</param>
/// <param name="Waits">Seconds per wait stage, counted up to the arrival; a stage the change skipped is absent, never 0.</param>
public sealed record ArrivedChangeWaits(string ChangeId, string? Url, DateTimeOffset Arrived, IReadOnlyDictionary<string, double> Waits)
{
    /// <summary>
    /// The waits of an arrived change's timeline, for the stages the constraint is chosen from (<see cref="ConstraintAnalysis.Counts"/>);
    /// null when the change has not arrived. A span is cut at the arrival, as flow time is.
    /// </summary>
    public static ArrivedChangeWaits? From(ChangeTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        if (timeline.Arrived is not { } arrived)
        {
            return null;
        }

        var waits = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var span in timeline.Spans)
        {
            if (ConstraintAnalysis.Counts(span.Stage) && span.Start <= arrived)
            {
                waits[span.Stage.Name] = waits.GetValueOrDefault(span.Stage.Name) + timeline.CountedTime(span).TotalSeconds;
            }
        }

        return new ArrivedChangeWaits(timeline.Change.ChangeId, timeline.Change.Url, arrived, waits);
    }
}

/// <summary>One wait stage over a period: its total, its share of all waiting, and its distribution.</summary>
/// <param name="Stage">The stage name (the <c>stage</c> tag).</param>
/// <param name="Changes">Arrived changes that waited in it (the volume).</param>
/// <param name="WaitSeconds">The sum of those waits: change-seconds spent in the queue.</param>
/// <param name="Share">WaitSeconds over the period's total wait (0–1).</param>
/// <param name="MedianSeconds">Median wait of the changes that waited in it (nearest rank).</param>
/// <param name="P75Seconds">75th percentile (nearest rank).</param>
public sealed record StageWaitTotal(string Stage, int Changes, double WaitSeconds, double Share, double MedianSeconds, double P75Seconds)
{
    /// <summary>WaitSeconds in hours: the "change-hours" the boards and <c>once</c> print.</summary>
    public double ChangeHours => WaitSeconds / 3600;
}

/// <summary>A change that waited long in the constraint, for the reader to open.</summary>
public sealed record LongWait(string ChangeId, string? Url, double Seconds);

/// <summary>How the constraint compares with the previous period of the same length.</summary>
/// <param name="PreviousStage">The previous period's constraint, or null when it had none (too few changes).</param>
/// <param name="PreviousShare">That constraint's share then.</param>
/// <param name="Moved">The constraint is a different stage than in the previous period (false when either has none).</param>
/// <param name="ShareChange">This period's share of the (current) constraint stage minus its share in the previous period, in share units (0.05 = 5 points); null when the stage had no waits then.</param>
public sealed record ConstraintTrend(string? PreviousStage, double? PreviousShare, bool Moved, double? ShareChange);

/// <summary>The constraint of one repository, team or organisation over one period (docs/metrics.md, "The constraint").</summary>
/// <param name="From">Period start (inclusive).</param>
/// <param name="To">Period end (exclusive).</param>
/// <param name="Changes">Changes that arrived in the period.</param>
/// <param name="TotalWaitSeconds">All their waiting in the stages considered.</param>
/// <param name="Stages">Every wait stage with waits, largest total first.</param>
/// <param name="Constraint">The stage holding the most change-hours, or null (see <paramref name="NoConstraintReason"/>).</param>
/// <param name="RunnerUp">The second, or null.</param>
/// <param name="LongestWaits">The changes that waited longest in the constraint, longest first (at most <see cref="ConstraintAnalysis.LongestWaitCount"/>).</param>
/// <param name="Trend">Against the previous period of the same length.</param>
/// <param name="NoConstraintReason">Why no constraint is named (too few changes, no waiting), else null.</param>
public sealed record ConstraintFinding(
    DateTimeOffset From,
    DateTimeOffset To,
    int Changes,
    double TotalWaitSeconds,
    IReadOnlyList<StageWaitTotal> Stages,
    StageWaitTotal? Constraint,
    StageWaitTotal? RunnerUp,
    IReadOnlyList<LongWait> LongestWaits,
    ConstraintTrend Trend,
    string? NoConstraintReason)
{
    /// <summary>How far ahead of the runner-up the constraint is: (constraint − runner-up) / constraint, 0–1; 1 with no runner-up.</summary>
    public double? Margin => Constraint is { } c && c.WaitSeconds > 0 ? (c.WaitSeconds - (RunnerUp?.WaitSeconds ?? 0)) / c.WaitSeconds : null;
}

/// <summary>
/// Finds the constraint — the wait stage where arrived changes spent the most change-hours — by summing the actual waits
/// (not median × volume: a few very long waits are exactly what a constraint looks like). Pure; the caller picks the
/// changes (a repository's, a team's) and the period (a rolling 28 days, an ISO week).
/// </summary>
public static class ConstraintAnalysis
{
    /// <summary>Below this many arrived changes a period names no constraint: one slow change is an anecdote, not a queue.</summary>
    public const int MinimumChanges = 5;

    /// <summary>How many of the constraint's longest waits are listed.</summary>
    public const int LongestWaitCount = 10;

    /// <summary>
    /// The stages a constraint is chosen from: wait stages of the delivery stream. <c>backlog</c> (demand waiting before
    /// work starts) is left out: it measures prioritisation, is often months long, and would be named every time.
    /// </summary>
    public static bool Counts(StageDefinition stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return stage.Kind == StageKind.Wait && stage.Rule != StageRule.Backlog;
    }

    /// <summary>The constraint of the changes that arrived in [<paramref name="from"/>, <paramref name="to"/>), with the trend against the period before.</summary>
    /// <param name="changes">Arrived changes (any period: those outside the two periods are ignored).</param>
    /// <param name="from">Period start, inclusive.</param>
    /// <param name="to">Period end, exclusive.</param>
    /// <param name="stageOrder">The stream's stage names in path order: breaks exact ties upstream first, and orders the stage list's equal totals.</param>
    public static ConstraintFinding Find(IEnumerable<ArrivedChangeWaits> changes, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> stageOrder)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(stageOrder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(to, from);
        var all = changes as IReadOnlyCollection<ArrivedChangeWaits> ?? changes.ToList();
        var current = Period(all, from, to, stageOrder);
        var previous = Period(all, from - (to - from), from, stageOrder);
        var stage = current.Constraint?.Stage;
        var previousShare = stage is null ? null : previous.Stages.FirstOrDefault(s => s.Stage == stage)?.Share;
        var trend = new ConstraintTrend(
            previous.Constraint?.Stage,
            previous.Constraint?.Share,
            stage is not null && previous.Constraint is not null && previous.Constraint.Stage != stage,
            stage is null || previousShare is null ? null : current.Constraint!.Share - previousShare.Value);
        return current with { Trend = trend };
    }

    private static ConstraintFinding Period(IReadOnlyCollection<ArrivedChangeWaits> all, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> stageOrder)
    {
        var inPeriod = all.Where(c => c.Arrived >= from && c.Arrived < to).ToList();
        var total = inPeriod.Sum(c => c.Waits.Values.Sum());
        var position = stageOrder.Select((name, i) => (name, i)).GroupBy(x => x.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var stages = inPeriod
            .SelectMany(c => c.Waits)
            .GroupBy(w => w.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var seconds = g.Select(w => w.Value).Order().ToList();
                var sum = seconds.Sum();
                return new StageWaitTotal(g.Key, seconds.Count, sum, total > 0 ? sum / total : 0, Percentile.NearestRank(seconds, 50)!.Value, Percentile.NearestRank(seconds, 75)!.Value);
            })

            // Largest total first; an exact tie goes to the larger median (the more typical wait), then to the stage
            // upstream in the path (work queued there starves everything after it), then by name.
            .OrderByDescending(s => s.WaitSeconds)
            .ThenByDescending(s => s.MedianSeconds)
            .ThenBy(s => position.GetValueOrDefault(s.Stage, int.MaxValue))
            .ThenBy(s => s.Stage, StringComparer.Ordinal)
            .ToList();

        string? reason = inPeriod.Count < MinimumChanges
            ? $"{inPeriod.Count} change(s) arrived; a constraint is named from {MinimumChanges}"
            : total <= 0 ? "no change waited in any wait stage" : null;
        var constraint = reason is null ? stages[0] : null;
        var runnerUp = constraint is not null && stages.Count > 1 && stages[1].WaitSeconds > 0 ? stages[1] : null;
        var longest = constraint is null
            ? []
            : inPeriod.Where(c => c.Waits.ContainsKey(constraint.Stage))
                .Select(c => new LongWait(c.ChangeId, c.Url, c.Waits[constraint.Stage]))
                .OrderByDescending(w => w.Seconds)
                .ThenBy(w => w.ChangeId, StringComparer.Ordinal)
                .Take(LongestWaitCount)
                .ToList();
        return new ConstraintFinding(from, to, inPeriod.Count, total, stages, constraint, runnerUp, longest, new ConstraintTrend(null, null, false, null), reason);
    }
}
