using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>The <c>pipeline_run</c> points of docs/schema.md: one per finished attempt, worked out by hand.</summary>
public sealed class PipelineRunPointsTests
{
    [Fact]
    public void A_failed_attempt_and_its_rerun_are_two_points_with_queue_and_run_time()
    {
        // (The test events carry the pull request URL; a real run carries its own.)
        // Attempt 1 queued 100, started 102, failed 110; attempt 2 (re-run) queued 115, started 115, succeeded 121.
        var flow = Flow(
        [
            RunQueued(100), RunStarted(102), RunFinished(110, "failure"),
            RunQueued(115, attempt: 2), RunStarted(115, attempt: 2), RunFinished(121, "success", attempt: 2),
        ]);

        var points = flow.FinishedRuns().SelectMany(PipelineRunPoints.From).ToList();

        Assert.Equal(
            [
                "pipeline_run,org=contoso,pipeline=build,repo=web,result=failure,schema=1,source=github attempt=1,queue_seconds=120,run_seconds=480,run_id=r1,sha=m1,url=https://github.com/contoso/web/pull/42 " + At(110, "r1#1"),
                "pipeline_run,org=contoso,pipeline=build,repo=web,result=success,schema=1,source=github attempt=2,queue_seconds=0,run_seconds=360,run_id=r1,sha=m1,url=https://github.com/contoso/web/pull/42 " + At(121, "r1#2"),
            ],
            points.Select(Render));
        Assert.Equal(FieldType.Integer, points[0].Field(FlowSchema.Fields.Attempt)!.Value.Type);
        Assert.NotEqual(points[0].TimestampNanoseconds % 1_000_000_000, points[1].TimestampNanoseconds % 1_000_000_000);
    }

    [Theory]
    [InlineData(null, 100.0, 105.0, null, 300.0)]     // never started (cancelled in the queue): run time from the queue, no queue time
    [InlineData(100.0, 104.0, 103.0, 240.0, 0.0)]     // skew: finished before it started → 0, never negative
    [InlineData(null, null, 105.0, null, null)]       // only a finish was reported: no durations at all
    public void Durations_follow_the_reported_times(double? queued, double? started, double finished, double? queueSeconds, double? runSeconds)
    {
        var events = new List<FlowEvent>();
        if (queued is { } q)
        {
            events.Add(RunQueued(q));
        }

        if (started is { } s)
        {
            events.Add(RunStarted(s));
        }

        events.Add(RunFinished(finished, "cancelled"));

        var point = Assert.Single(Flow(events).FinishedRuns().SelectMany(PipelineRunPoints.From));

        Assert.Equal(queueSeconds, point.Field(FlowSchema.Fields.QueueSeconds)?.AsFloat);
        Assert.Equal(runSeconds, point.Field(FlowSchema.Fields.RunSeconds)?.AsFloat);
        Assert.Equal("cancelled", point.Tag(FlowSchema.Tags.Result));
    }

    [Fact]
    public void A_run_still_going_writes_nothing_and_an_unnamed_pipeline_is_unknown()
    {
        var flow = Flow([RunQueued(100), RunStarted(101), RunFinished(109, "success", run: "r2", pipeline: "")]);

        var point = Assert.Single(flow.FinishedRuns().SelectMany(PipelineRunPoints.From));

        Assert.Equal("r2", point.Field(FlowSchema.Fields.RunId)!.Value.AsString);
        Assert.Equal(PipelineRunPoints.Unknown, point.Tag(FlowSchema.Tags.Pipeline));
        Assert.All(point.Tags, t => Assert.Contains(t.Key, FlowSchema.Tags.Allowed));
    }

    /// <summary>Stage events of run r1 (attempt 1), as the Azure DevOps timeline gives them.</summary>
    private static FlowEvent[] Stage(string name, StageKind kind, double started, double? finished, string run = "r1", int attempt = 1)
    {
        var start = RunStarted(started, run, attempt) with { Kind = FlowEventKind.StageStarted, Stage = name, StageKind = kind };
        return finished is { } f ? [start, start with { Kind = FlowEventKind.StageFinished, OccurredAt = Monday9.AddMinutes(f), Result = "success" }] : [start];
    }

    [Fact]
    public void An_approval_checkpoint_is_wait_and_the_rest_of_the_run_is_process()
    {
        // Run queued 100, started 102, finished 130 (run 28 min). Stage "deploy" 102–130 works; its checkpoint 105–120
        // contains the approval 105–120 (the same wait, counted once) and a check 118–125 overlaps it: wait = 105–125 = 20 min.
        var flow = Flow(
        [
            RunQueued(100), RunStarted(102), RunFinished(130, "success"),
            .. Stage("deploy", StageKind.Process, 102, 130),
            .. Stage("deploy/checkpoint", StageKind.Wait, 105, 120),
            .. Stage("deploy/approval", StageKind.Wait, 105, 120),
            .. Stage("deploy/check", StageKind.Wait, 118, 125),
            .. Stage("deploy/job/Deploy", StageKind.Process, 125, 130),
        ]);

        var point = Assert.Single(flow.FinishedRuns().SelectMany(PipelineRunPoints.From));

        Assert.Equal(
            "pipeline_run,org=contoso,pipeline=build,repo=web,result=success,schema=1,source=github "
            + "attempt=1,process_seconds=480,queue_seconds=120,run_seconds=1680,run_id=r1,sha=m1,url=https://github.com/contoso/web/pull/42,wait_seconds=1200 "
            + At(130, "r1#1"),
            Render(point));
    }

    [Theory]
    [InlineData("a wait running past the run's end counts up to it", 120.0, 140.0, 600.0)]
    [InlineData("a wait still open when the run ended counts up to it", 120.0, null, 600.0)]
    [InlineData("a wait from before the run started counts from the start", 90.0, 110.0, 480.0)]
    [InlineData("a wait outside the run counts nothing", 131.0, 135.0, 0.0)]
    public void Waits_are_clipped_to_the_run(string scenario, double started, double? finished, double waitSeconds)
    {
        var flow = Flow([RunQueued(100), RunStarted(102), RunFinished(130, "failure"), .. Stage("approval", StageKind.Wait, started, finished)]);

        var point = Assert.Single(flow.FinishedRuns().SelectMany(PipelineRunPoints.From));

        Assert.True(waitSeconds == point.Field(FlowSchema.Fields.WaitSeconds)!.Value.AsFloat, $"{scenario}: {Render(point)}");
        Assert.Equal(1680 - waitSeconds, point.Field(FlowSchema.Fields.ProcessSeconds)!.Value.AsFloat);
    }

    [Fact]
    public void Without_stages_the_split_is_unknown_and_not_written()
    {
        var point = Assert.Single(Flow([RunQueued(100), RunStarted(102), RunFinished(130, "success")]).FinishedRuns().SelectMany(PipelineRunPoints.From));

        Assert.Null(point.Field(FlowSchema.Fields.WaitSeconds));
        Assert.Null(point.Field(FlowSchema.Fields.ProcessSeconds));
    }

    [Fact]
    public void Stages_fold_per_attempt_and_survive_a_replay_from_state()
    {
        // Attempt 2 of r1 waited 10 min for an approval; attempt 1 had none.
        FlowEvent[] events =
        [
            RunQueued(100), RunStarted(100), RunFinished(110, "failure"),
            RunQueued(115, attempt: 2), RunStarted(115, attempt: 2), RunFinished(140, "success", attempt: 2),
            .. Stage("deploy/approval", StageKind.Wait, 120, 130, attempt: 2),
        ];
        var flow = Flow(events.Reverse());
        var replayed = Flow(flow.FinishedRuns().SelectMany(r => r.ToEvents()));

        var waits = replayed.FinishedRuns().SelectMany(PipelineRunPoints.From).Select(p => p.Field(FlowSchema.Fields.WaitSeconds)?.AsFloat).ToList();

        Assert.Equal([null, 600.0], waits);
    }

    private static RepositoryFlow Flow(IEnumerable<FlowEvent> events)
    {
        var flow = new RepositoryFlow(Repository, ValueStreamDefinition.Default());
        flow.Apply(events);
        return flow;
    }

    private static string At(double minutes, string entity) =>
        PointTimestamps.For(Monday9.AddMinutes(minutes), entity).ToString(CultureInfo.InvariantCulture);

    private static string Render(FlowPoint point) =>
        point.Measurement
        + string.Concat(point.Tags.Select(t => $",{t.Key}={t.Value}"))
        + " " + string.Join(",", point.Fields.Select(f => $"{f.Key}={f.Value}"))
        + " " + point.TimestampNanoseconds.ToString(CultureInfo.InvariantCulture);
}
