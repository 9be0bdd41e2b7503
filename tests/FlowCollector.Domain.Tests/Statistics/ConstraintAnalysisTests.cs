using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.Tests.ValueStream;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Statistics;

/// <summary>The constraint (docs/metrics.md, "The constraint"), on hand-worked sets of arrived changes. Waits are in hours.</summary>
public sealed class ConstraintAnalysisTests
{
    private static readonly DateTimeOffset Week = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero); // a Monday
    private static readonly string[] Order = ["backlog", "coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:production"];

    [Fact]
    public void The_constraint_is_the_stage_with_the_most_change_hours_not_the_largest_median_times_volume()
    {
        // | change | pickup | merge | release_wait |
        // | c1     | 5      | 1     | 1            |
        // | c2     | 6      | 1     | 1            |
        // | c3     | 4      | 2     | 40           |
        // | c4     | 5      | —     | 1            |
        // | c5     | 6      | 1     | 30           |
        // | c6     | 5      | 1     | 1            |
        // pickup: Σ 31 h, sorted 4 5 5 5 6 6: median (rank ⌈3⌉=3) 5, p75 (rank ⌈4.5⌉=5) 6; median × volume = 30.
        // merge: Σ 6 h over 5 changes, sorted 1 1 1 1 2: median 1, p75 (rank 4) 1.
        // release_wait: Σ 74 h, sorted 1 1 1 1 30 40: median 1, p75 (rank 5) 30; median × volume = 6 (it would rank last).
        // Total 111 h: release_wait 74/111 = 0.6667, pickup 31/111 = 0.2793, merge 6/111 = 0.0541. Margin (74 − 31)/74 = 0.5811.
        ArrivedChangeWaits[] changes =
        [
            Arrived("c1", 1, ("pickup", 5), ("merge", 1), ("release_wait", 1)),
            Arrived("c2", 1, ("pickup", 6), ("merge", 1), ("release_wait", 1)),
            Arrived("c3", 2, ("pickup", 4), ("merge", 2), ("release_wait", 40)),
            Arrived("c4", 3, ("pickup", 5), ("release_wait", 1)),
            Arrived("c5", 4, ("pickup", 6), ("merge", 1), ("release_wait", 30)),
            Arrived("c6", 6.9, ("pickup", 5), ("merge", 1), ("release_wait", 1)),
            Arrived("later", 7, ("pickup", 500)), // arrives the next Monday 00:00: outside [Monday, Monday + 7 d)
        ];

        var finding = ConstraintAnalysis.Find(changes, Week, Week.AddDays(7), Order);

        Assert.Null(finding.NoConstraintReason);
        Assert.Equal(6, finding.Changes);
        Assert.Equal(111 * 3600d, finding.TotalWaitSeconds);
        Assert.Equal(["release_wait", "pickup", "merge"], finding.Stages.Select(s => s.Stage));
        var constraint = finding.Constraint!;
        Assert.Equal("release_wait", constraint.Stage);
        Assert.Equal(74, constraint.ChangeHours, 9);
        Assert.Equal(6, constraint.Changes);
        Assert.Equal(74.0 / 111, constraint.Share, 9);
        Assert.Equal(1 * 3600d, constraint.MedianSeconds);
        Assert.Equal(30 * 3600d, constraint.P75Seconds);
        Assert.Equal("pickup", finding.RunnerUp!.Stage);
        Assert.Equal(31.0 / 111, finding.RunnerUp.Share, 9);
        Assert.Equal(5 * 3600d, finding.RunnerUp.MedianSeconds);
        Assert.Equal(6 * 3600d, finding.RunnerUp.P75Seconds);
        Assert.Equal(43.0 / 74, finding.Margin!.Value, 9);
        var merge = finding.Stages.Single(s => s.Stage == "merge");
        Assert.Equal((5, 6 * 3600d, 3600d, 3600d), (merge.Changes, merge.WaitSeconds, merge.MedianSeconds, merge.P75Seconds));

        // The longest waits in the constraint, longest first, equal waits by change id.
        Assert.Equal(["c3", "c5", "c1", "c2", "c4", "c6"], finding.LongestWaits.Select(w => w.ChangeId));
        Assert.Equal(40 * 3600d, finding.LongestWaits[0].Seconds);
        Assert.Equal("https://example.test/c3", finding.LongestWaits[0].Url);
    }

    [Fact]
    public void An_exact_tie_goes_to_the_larger_median_then_to_the_stage_upstream()
    {
        // pickup 2+2+2+2+2 = 10 h (median 2); merge 6+1+1+1+1 = 10 h (median 1): pickup, by its median.
        ArrivedChangeWaits[] byMedian = [.. Enumerable.Range(0, 5).Select(i => Arrived($"m{i}", i, ("pickup", 2), ("merge", i == 0 ? 6 : 1)))];
        var finding = ConstraintAnalysis.Find(byMedian, Week, Week.AddDays(7), Order);
        Assert.Equal(("pickup", "merge"), (finding.Constraint!.Stage, finding.RunnerUp!.Stage));
        Assert.Equal(0, finding.Margin!.Value, 9);

        // merge 2 h and ci_queue 2 h for every change: equal totals and medians; merge comes first in the path.
        ArrivedChangeWaits[] same = [.. Enumerable.Range(0, 5).Select(i => Arrived($"s{i}", i, ("ci_queue", 2), ("merge", 2)))];
        Assert.Equal("merge", ConstraintAnalysis.Find(same, Week, Week.AddDays(7), Order).Constraint!.Stage);

        // The same data with the path reversed: the upstream stage is now ci_queue.
        Assert.Equal("ci_queue", ConstraintAnalysis.Find(same, Week, Week.AddDays(7), [.. Order.Reverse()]).Constraint!.Stage);
    }

    [Fact]
    public void A_tiny_sample_names_no_constraint_but_still_lists_the_stages()
    {
        // Four changes arrived: one 300-hour wait is an anecdote; the stage list is still there for the reader.
        ArrivedChangeWaits[] four = [.. Enumerable.Range(0, 4).Select(i => Arrived($"t{i}", i, ("pickup", i == 0 ? 300 : 1)))];

        var finding = ConstraintAnalysis.Find(four, Week, Week.AddDays(7), Order);

        Assert.Null(finding.Constraint);
        Assert.Null(finding.RunnerUp);
        Assert.Empty(finding.LongestWaits);
        Assert.Equal("4 change(s) arrived; a constraint is named from 5", finding.NoConstraintReason);
        Assert.Equal(303 * 3600d, Assert.Single(finding.Stages).WaitSeconds);
    }

    [Fact]
    public void Five_changes_that_never_waited_name_no_constraint()
    {
        ArrivedChangeWaits[] none = [.. Enumerable.Range(0, 5).Select(i => Arrived($"n{i}", i, ("pickup", 0)))];

        var finding = ConstraintAnalysis.Find(none, Week, Week.AddDays(7), Order);

        Assert.Null(finding.Constraint);
        Assert.Equal("no change waited in any wait stage", finding.NoConstraintReason);
    }

    [Fact]
    public void A_constraint_that_moves_is_reported_with_the_previous_stage_and_the_share_change()
    {
        // Previous week: 5 changes, pickup 8 h each (40), release_wait 2 h each (10): pickup is the constraint at 40/50 = 0.8.
        // This week: 5 changes, pickup 1 h each (5), release_wait 3 h each (15): release_wait at 15/20 = 0.75.
        // release_wait's share went from 10/50 = 0.2 to 0.75: +0.55.
        var previous = Enumerable.Range(0, 5).Select(i => Arrived($"p{i}", i - 7, ("pickup", 8), ("release_wait", 2)));
        var current = Enumerable.Range(0, 5).Select(i => Arrived($"c{i}", i, ("pickup", 1), ("release_wait", 3)));

        var finding = ConstraintAnalysis.Find(previous.Concat(current), Week, Week.AddDays(7), Order);

        Assert.Equal("release_wait", finding.Constraint!.Stage);
        Assert.Equal(0.75, finding.Constraint.Share, 9);
        Assert.True(finding.Trend.Moved);
        Assert.Equal("pickup", finding.Trend.PreviousStage);
        Assert.Equal(0.8, finding.Trend.PreviousShare!.Value, 9);
        Assert.Equal(0.55, finding.Trend.ShareChange!.Value, 9);
    }

    [Fact]
    public void A_constraint_that_stays_reports_its_share_growth_and_no_move()
    {
        // Previous: pickup 3 h and merge 1 h per change → pickup 15/20 = 0.75.
        // Current: pickup 9 h and merge 1 h per change → pickup 45/50 = 0.9: +0.15, same stage.
        var previous = Enumerable.Range(0, 5).Select(i => Arrived($"p{i}", i - 7, ("pickup", 3), ("merge", 1)));
        var current = Enumerable.Range(0, 5).Select(i => Arrived($"c{i}", i, ("pickup", 9), ("merge", 1)));

        var finding = ConstraintAnalysis.Find(previous.Concat(current), Week, Week.AddDays(7), Order);

        Assert.False(finding.Trend.Moved);
        Assert.Equal("pickup", finding.Trend.PreviousStage);
        Assert.Equal(0.15, finding.Trend.ShareChange!.Value, 9);
    }

    [Fact]
    public void Waits_come_from_the_timeline_wait_stages_up_to_the_arrival_without_backlog_or_process()
    {
        // Work item created 08:00 (−60 min), commit 09:00, opened 10:00, approved 11:00 (pickup 1 h), merged 12:00 (merge 1 h),
        // CI queued/started 12:10 (ci_queue 10 min), finished 12:30; deployed to production 13:00–13:20 (release_wait 30 min).
        var timeline = Compute(
            [
                WorkItemCreated(-60), Commit(0, "c1"), Opened(60), Approved(120, "bob"), Merged(180),
                RunQueued(190), RunStarted(190), RunFinished(210, "success"),
                .. Deploy("d1", "production", 240, 260),
            ]);

        var waits = ArrivedChangeWaits.From(timeline)!;

        Assert.Equal(Monday9.AddMinutes(260), waits.Arrived);
        Assert.Equal(
            ["ci_queue=600", "merge=3600", "pickup=3600", "release_wait=1800"],
            waits.Waits.Select(w => $"{w.Key}={w.Value}").Order(StringComparer.Ordinal));
        Assert.Null(ArrivedChangeWaits.From(Compute([Commit(0, "c1"), Opened(60), Merged(180)])));
    }

    private static ArrivedChangeWaits Arrived(string id, double day, params (string Stage, double Hours)[] waits) =>
        new(id, $"https://example.test/{id}", Week.AddDays(day), waits.ToDictionary(w => w.Stage, w => w.Hours * 3600, StringComparer.Ordinal));
}
