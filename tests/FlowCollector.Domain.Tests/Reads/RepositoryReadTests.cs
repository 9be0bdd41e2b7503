using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Reads;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Reads;

/// <summary>
/// What one read produces (<see cref="RepositoryRead.Evaluate"/>): only what the read reported is written again, the
/// kept changes come back, and the one evaluation of the flow gives what its separate methods give.
/// </summary>
public sealed class RepositoryReadTests
{
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);
    private static readonly DateTimeOffset Now = Monday9.AddHours(6);

    /// <summary>Run 1: pull request 42 merged at 120 (merge commit m1), CI run r1 on it, deployed to staging by d1 at 160.</summary>
    private static readonly FlowEvent[] FirstRead =
    [
        Commit(0, "c1"), Opened(30), Approved(90, "bob"), Merged(120), RunQueued(121), RunStarted(125), RunFinished(140, "success"),
        .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["c1", "m1"]),
    ];

    [Fact]
    public void One_evaluation_gives_what_the_flows_separate_methods_give()
    {
        var flow = new RepositoryFlow(Repository, StagingThenProduction);
        flow.Apply(FirstRead);

        var all = flow.Evaluate(Now, Now - TimeSpan.FromHours(1));

        Assert.Equal(Describe(flow.MergedTimelines()), Describe(all.Timelines));
        Assert.Equal(flow.FinishedDeployments().Select(d => (d.Deployment.DeploymentId, string.Join(",", d.ChangeIds))), all.Deployments.Select(d => (d.Deployment.DeploymentId, string.Join(",", d.ChangeIds))));
        Assert.Equal(flow.PendingChanges(Now - TimeSpan.FromHours(1)).Select(p => (p.ChangeId, p.Events.Count)), all.Pending.Select(p => (p.ChangeId, p.Events.Count)));
        Assert.Equal(flow.WaitingNow(Now), all.Waiting);

        // Change 42 is in staging and waits for production since d1 finished (minute 160): promotion_wait:production.
        var waiting = Assert.Single(all.Waiting);
        Assert.Equal(("42", "promotion_wait:production", Monday9.AddMinutes(160)), (waiting.ChangeId, waiting.Stage.Name, waiting.Since));
    }

    [Fact]
    public void A_later_read_of_the_production_deployment_rewrites_the_change_it_carries_but_not_what_was_only_kept()
    {
        var first = Read(FirstRead, pending: []).Evaluate();
        var kept = Assert.Single(first.Pending!);
        Assert.Equal("42", kept.Key);

        // Run 2 reads only d2 (production, at 240, carrying m1).
        var second = Read([.. Deploy("d2", "production", started: 230, finished: 240, includes: ["m1"])], pending: [kept.Value]).Evaluate();

        // d2 is written; d1 and run r1 came back only from the kept events, so they are not written again.
        Assert.Equal(["d2"], Of(second, FlowSchema.Measurements.Deployment, FlowSchema.Fields.DeploymentId));
        Assert.Empty(Of(second, FlowSchema.Measurements.PipelineRun, FlowSchema.Fields.RunId));

        // Change 42 arrived with d2 (the deployment carries it), so its stages and its change point are written again.
        Assert.Equal(["42"], Of(second, FlowSchema.Measurements.Change, FlowSchema.Fields.ChangeId));
        Assert.Equal(Monday9.AddMinutes(240), Assert.Single(second.Timelines).Arrived);

        // Through the whole path at 240, but inside the overlap: the new watermark is d2's 240 (13:00), less 1 h is 12:00
        // (minute 180), and 240 is later, so the change stays one more run for a re-read of d2 to find it.
        Assert.Equal(["42"], second.Pending!.Keys);
        Assert.Equal(FlowSchema.Measurements.CollectorSync, second.Points[^1].Measurement);
    }

    [Fact]
    public void A_read_of_a_runs_stage_events_alone_rewrites_that_run_the_engine_sorts_stage_events_with_runs()
    {
        var first = Read(FirstRead, pending: []).Evaluate();
        var stage = new FlowEvent { Kind = FlowEventKind.StageFinished, Repository = Repository, SubjectId = "r1", Attempt = 1, OccurredAt = Monday9.AddMinutes(139), Stage = "test" };

        var second = Read([stage], pending: [.. first.Pending!.Values]).Evaluate();

        Assert.Equal(["r1"], Of(second, FlowSchema.Measurements.PipelineRun, FlowSchema.Fields.RunId));
    }

    [Fact]
    public void An_unchanged_read_writes_only_the_waiting_now_snapshot_and_collector_sync_and_keeps_the_watermark()
    {
        var first = Read(FirstRead, pending: []).Evaluate();
        var watermark = Monday9.AddMinutes(170);

        var unchanged = (Read([], pending: [.. first.Pending!.Values]) with { PreviousWatermark = watermark }).EvaluateUnchanged();

        Assert.Equal([FlowSchema.Measurements.StageQueue, FlowSchema.Measurements.CollectorSync], unchanged.Points.Select(p => p.Measurement).Distinct());
        Assert.Equal(watermark, unchanged.Watermark);
        Assert.Null(unchanged.Pending);
        Assert.Null(unchanged.ArrivedWaits);
    }

    private static RepositoryRead Read(FlowEvent[] events, IReadOnlyList<IReadOnlyList<FlowEvent>> pending) =>
        new(Repository, StagingThenProduction, new SourceReadResult(events, events.Length == 0 ? null : events.Max(e => e.OccurredAt), new SourceUsage(1, null)), Now)
        {
            Pending = pending,
            Since = Monday9.AddDays(-30),
            Overlap = TimeSpan.FromHours(1),
            PendingMaxAge = TimeSpan.FromDays(90),
        };

    private static List<string> Of(ReadEvaluation result, string measurement, string idField) =>
        [.. result.Points.Where(p => p.Measurement == measurement).Select(p => p.Field(idField)!.Value.AsString!).Distinct()];

    private static List<string> Describe(IEnumerable<ChangeTimeline> timelines) =>
        [.. timelines.Select(t => $"{t.Change.ChangeId}: " + string.Join(", ", t.Spans.Select(s => $"{s.Stage.Name} {s.Duration.TotalMinutes}")))];
}
