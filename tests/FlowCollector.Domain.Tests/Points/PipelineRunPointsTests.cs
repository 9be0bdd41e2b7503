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
        Assert.Equal(FieldType.Whole, points[0].Field(FlowSchema.Fields.Attempt)!.Value.Type);
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

        Assert.Equal(queueSeconds, point.Field(FlowSchema.Fields.QueueSeconds)?.Number);
        Assert.Equal(runSeconds, point.Field(FlowSchema.Fields.RunSeconds)?.Number);
        Assert.Equal("cancelled", point.Tag(FlowSchema.Tags.Result));
    }

    [Fact]
    public void A_run_still_going_writes_nothing_and_an_unnamed_pipeline_is_unknown()
    {
        var flow = Flow([RunQueued(100), RunStarted(101), RunFinished(109, "success", run: "r2", pipeline: "")]);

        var point = Assert.Single(flow.FinishedRuns().SelectMany(PipelineRunPoints.From));

        Assert.Equal("r2", point.Field(FlowSchema.Fields.RunId)!.Value.Text);
        Assert.Equal(PipelineRunPoints.Unknown, point.Tag(FlowSchema.Tags.Pipeline));
        Assert.All(point.Tags, t => Assert.Contains(t.Key, FlowSchema.Tags.Allowed));
    }

    private static RepositoryFlow Flow(IEnumerable<FlowEvent> events)
    {
        var flow = new RepositoryFlow(Repository, ValueStreamDefinition.Default(), ReviewCounting.Default);
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
