using System.Text.Json;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Memory grows with undeployed changes, not with history: what a run keeps of a merged change reproduces its
/// timeline in the next run, which reads only newer events.
/// </summary>
public sealed class PendingChangesTests
{
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);

    /// <summary>Run 1 sees the pull request, CI and the staging deployment; run 2 only the production deployment.</summary>
    private static readonly FlowEvent[] FirstRun =
    [
        WorkItemCreated(-60), Commit(0, "c1"), Commit(20, "c2"), OpenedAsDraft(30), Review(40, "carol", ReviewState.Commented),
        Ready(60), Approved(90, "bob"), Comment(95, "dave"), Merged(120), RunQueued(121), RunStarted(125), RunFinished(140, "success"),
        RunStarted(126, "r9") with { Sha = "other" },
        .. Deploy("d1", "staging", queued: 145, started: 150, finished: 160, includes: ["c1", "c2", "m1", "x7"]),
        .. Deploy("d0", "staging", started: 100, finished: 110, sha: "x0"),
    ];

    private static readonly FlowEvent[] SecondRun = [.. Deploy("d2", "production", started: 230, finished: 240, sha: "m5", includes: ["m1", "m5"])];

    [Fact]
    public void Facts_rebuilt_from_a_changes_events_give_the_same_timeline()
    {
        var (change, runs, deployments) = FoldAll(FirstRun);

        var (rebuilt, _, _) = FoldAll(change.ToEvents());

        Assert.Equal(Describe(StageCalculator.Compute(change, runs, deployments, StagingThenProduction)), Describe(StageCalculator.Compute(rebuilt, runs, deployments, StagingThenProduction)));
        Assert.Equal(Facts(change), Facts(rebuilt));
    }

    [Fact]
    public void A_pending_change_replayed_into_the_next_run_gives_the_timeline_of_one_run_over_everything()
    {
        var pending = Assert.Single(Flow(FirstRun, StagingThenProduction).PendingChanges(DateTimeOffset.MinValue));

        var nextRun = Flow([.. pending.Events, .. SecondRun], StagingThenProduction);
        var everything = Flow([.. FirstRun, .. SecondRun], StagingThenProduction);

        Assert.Equal(Describe(TimelineOf42(everything)!), Describe(TimelineOf42(nextRun)!));
        Assert.Contains(TimelineOf42(nextRun)!.Spans, s => s.Stage.Name == "deploy:staging");
        Assert.Equal(Monday9.AddMinutes(240), TimelineOf42(nextRun)!.Arrived);
    }

    [Fact]
    public void A_pending_change_keeps_only_its_runs_and_the_deployments_that_carry_it_cut_to_its_own_shas()
    {
        var pending = Assert.Single(Flow(FirstRun, StagingThenProduction).PendingChanges(DateTimeOffset.MinValue));

        Assert.Equal(["42", "d1", "r1"], pending.Events.Select(e => e.SubjectId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(
            ["c1", "c2", "m1"],
            pending.Events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes).Select(e => e.Sha).Order(StringComparer.Ordinal));
        Assert.Equal(Monday9.AddMinutes(120), pending.Merged);
        Assert.Null(pending.Arrived);
    }

    [Fact]
    public void Pending_events_survive_a_json_round_trip()
    {
        var pending = Assert.Single(Flow(FirstRun, StagingThenProduction).PendingChanges(DateTimeOffset.MinValue));

        var json = JsonSerializer.Serialize(pending.Events);
        var restored = JsonSerializer.Deserialize<FlowEvent[]>(json)!;

        Assert.Equal(pending.Events, restored);
        Assert.Equal(Describe(TimelineOf42(Flow(pending.Events, StagingThenProduction))!), Describe(TimelineOf42(Flow(restored, StagingThenProduction))!));
    }

    [Theory]
    [InlineData("completed before the next window: dropped", 241, false)]
    [InlineData("completed inside the next window (the overlap): kept one more run", 239, true)]
    public void A_change_leaves_the_pending_set_once_it_completed_before_the_next_window(string scenario, double nextWindowStart, bool kept)
    {
        var flow = Flow([.. FirstRun, .. SecondRun], StagingThenProduction);

        var pending = flow.PendingChanges(Monday9.AddMinutes(nextWindowStart));

        Assert.True(kept == (pending.Count == 1), $"{scenario}: {pending.Count} pending");
    }

    [Fact]
    public void Open_and_closed_changes_are_not_pending_but_merged_undeployed_ones_are()
    {
        var flow = Flow(
        [
            .. OfChange("40", null, Commit(0, "c40"), Opened(10)),
            .. OfChange("41", null, Commit(0, "c41"), Opened(10), Closed(20)),
            .. OfChange("43", "m43", Commit(0, "c43"), Opened(10), Merged(30)),
        ]);

        Assert.Equal(["43"], flow.PendingChanges(DateTimeOffset.MinValue).Select(p => p.ChangeId));
    }

    private static string Describe(ChangeTimeline t) =>
        $"start={t.Start:O} arrived={t.Arrived:O} in={t.ArrivalEnvironment} lead={t.LeadTime} flow={t.FlowTime} process={t.ProcessTime} wait={t.WaitTime} completed={t.Completed:O} "
        + $"deployed={string.Join(",", t.Deployed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value:O}"))} "
        + string.Join(" ", t.Spans.Select(s => $"{s.Stage.Name}:{s.Start:O}-{s.End:O}:{s.Clamped}"));
}
