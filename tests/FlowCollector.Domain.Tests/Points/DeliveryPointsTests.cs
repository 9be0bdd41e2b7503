using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>
/// The <c>change</c> and <c>deployment</c> points of docs/schema.md, for a change deployed to staging (150→160) and
/// to production (queued 200, started 230, finished 240): every tag, field and timestamp, worked out by hand.
/// </summary>
public sealed class DeliveryPointsTests
{
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);

    private static readonly FlowEvent[] Delivered =
    [
        Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120), RunStarted(125), RunFinished(140, "success"),
        .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"]),
        .. Deploy("d2", "production", queued: 200, started: 230, finished: 240, includes: ["m1"]),
    ];

    [Fact]
    public void An_arrived_change_is_one_change_point_at_its_arrival()
    {
        var timeline = TimelineOf42(Flow(Delivered, StagingThenProduction))!;

        var point = Assert.Single(ChangePoints.From(timeline));

        // Process: coding 3600 + review 0 + ci 900 + deploy:staging 600 + deploy:production 600 = 5700.
        // Wait: pickup 1800 + merge 1800 + ci_queue 300 + release_wait 600 + promotion_wait:production 4200 = 8700.
        Assert.Equal(
            "change,environment=production,org=contoso,production=true,repo=web,schema=1,source=github "
            + "change_id=42,clamped_stages=0,commits=1,direct=false,flow_efficiency=0.3958333333333333,flow_seconds=14400,lead_seconds=14400,"
            + "process_seconds=5700,rework=false,url=https://github.com/contoso/web/pull/42,wait_seconds=8700 "
            + At(240, "42"),
            Render(point));
        Assert.Equal(FieldType.Integer, point.Field(FlowSchema.Fields.Commits)!.Value.Type);
    }

    [Fact]
    public void A_change_that_has_not_arrived_has_no_change_point()
    {
        var timeline = TimelineOf42(Flow(Delivered.Where(e => e.SubjectId != "d2"), StagingThenProduction))!;

        Assert.Empty(ChangePoints.From(timeline));
        Assert.NotEmpty(ChangeStagePoints.From(timeline));
    }

    [Fact]
    public void Each_finished_deployment_is_one_deployment_point_at_its_end()
    {
        var flow = Flow(Delivered, StagingThenProduction);

        var points = flow.FinishedDeployments().SelectMany(DeploymentPoints.From).Select(Render).ToList();

        Assert.Equal(
            [
                "deployment,environment=staging,org=contoso,production=false,repo=web,result=success,schema=1,source=github "
                + "changes=1,deployment_id=d1,duration_seconds=600,redeploy=false,rework=false,rollback=false,sha=m1,url=https://github.com/contoso/web/deployments/d1 "
                + At(160, "d1"),
                "deployment,environment=production,org=contoso,production=true,repo=web,result=success,schema=1,source=github "
                + "changes=1,deployment_id=d2,duration_seconds=600,queue_seconds=1800,redeploy=false,rework=false,rollback=false,sha=m1,url=https://github.com/contoso/web/deployments/d2 "
                + At(240, "d2"),
            ],
            points);
    }

    [Theory]
    [InlineData("a rollback", DeploymentComparison.Behind, "success", "changes=0", "rollback=true")]
    [InlineData("a redeploy", DeploymentComparison.Identical, "success", "changes=0", "redeploy=true")]
    [InlineData("a failed deployment still carries its change", DeploymentComparison.Ahead, "failure", "changes=1", "result=failure")]
    public void Deployment_points_flag_rollbacks_and_redeploys_and_keep_the_result(string scenario, DeploymentComparison comparison, string result, string changes, string flag)
    {
        var flow = Flow([.. Delivered.Take(6), .. Deploy("d9", "production", started: 150, finished: 155, result: result, includes: ["m1"], comparison: comparison)]);

        var line = Render(Assert.Single(flow.FinishedDeployments().SelectMany(DeploymentPoints.From)));

        Assert.True(line.Contains(changes, StringComparison.Ordinal) && line.Contains(flag, StringComparison.Ordinal), $"{scenario}: {line}");
    }

    [Fact]
    public void The_success_ending_a_run_of_failures_carries_the_recovery_time_from_the_first_failure()
    {
        // production: failed 100, failed 110, ok 130 (recovered 30 min after the first failure), failed 150, ok 155 (5 min);
        // staging: failed 120, ok 125 (5 min, its own environment). The first success of each run has no recovery.
        var flow = Flow(
        [
            .. Deploy("p0", "production", started: 80, finished: 90),
            .. Deploy("p1", "production", started: 95, finished: 100, result: "failure"),
            .. Deploy("p2", "production", started: 105, finished: 110, result: "error"),
            .. Deploy("s1", "staging", started: 115, finished: 120, result: "failure"),
            .. Deploy("s2", "staging", started: 121, finished: 125),
            .. Deploy("p3", "production", started: 128, finished: 130),
            .. Deploy("p4", "production", started: 145, finished: 150, result: "failure"),
            .. Deploy("p5", "production", started: 152, finished: 155),
        ]);

        var recoveries = flow.FinishedDeployments().SelectMany(DeploymentPoints.From)
            .ToDictionary(p => p.Field(FlowSchema.Fields.DeploymentId)!.Value.AsString!, p => p.Field(FlowSchema.Fields.RecoverySeconds)?.AsFloat);

        Assert.Equal(
            new Dictionary<string, double?> { ["p0"] = null, ["p1"] = null, ["p2"] = null, ["s1"] = null, ["s2"] = 300, ["p3"] = 1800, ["p4"] = null, ["p5"] = 300 },
            recoveries);

        // Written only for what was read: the same recovery when p3 is the only deployment of the window.
        var windowed = Assert.Single(flow.FinishedDeployments(finishedSince: Monday9.AddMinutes(130)), d => d.Deployment.DeploymentId == "p3");
        Assert.Equal(TimeSpan.FromMinutes(30), windowed.RecoveredAfter);
    }

    [Fact]
    public void A_deployment_that_never_started_lasts_from_its_creation_and_has_no_queue_time()
    {
        var flow = Flow([.. Deploy("d1", "production", queued: 100, started: null, finished: 112)]);

        var point = Assert.Single(flow.FinishedDeployments().SelectMany(DeploymentPoints.From));

        Assert.Equal(720, point.Field(FlowSchema.Fields.DurationSeconds)!.Value.AsFloat);
        Assert.Null(point.Field(FlowSchema.Fields.QueueSeconds));
    }

    [Fact]
    public void Skew_never_makes_a_deployment_duration_negative()
    {
        var flow = Flow([.. Deploy("d1", "production", queued: 110, started: 105, finished: 100)]);

        var point = Assert.Single(flow.FinishedDeployments().SelectMany(DeploymentPoints.From));

        Assert.Equal(0, point.Field(FlowSchema.Fields.DurationSeconds)!.Value.AsFloat);
        Assert.Equal(0, point.Field(FlowSchema.Fields.QueueSeconds)!.Value.AsFloat);
    }

    [Fact]
    public void A_change_arriving_in_zero_time_has_no_flow_efficiency_field()
    {
        var flow = Flow([Pushed(90), .. Deploy("d1", "production", started: 90, finished: 90)]);

        var point = Assert.Single(ChangePoints.From(TimelineOf42(flow)!));

        Assert.Equal(0, point.Field(FlowSchema.Fields.FlowSeconds)!.Value.AsFloat);
        Assert.Null(point.Field(FlowSchema.Fields.FlowEfficiency));
    }

    private static string At(double minutes, string entity) =>
        PointTimestamps.For(Monday9.AddMinutes(minutes), entity).ToString(CultureInfo.InvariantCulture);

    private static string Render(FlowPoint point) =>
        point.Measurement
        + string.Concat(point.Tags.Select(t => $",{t.Key}={t.Value}"))
        + " " + string.Join(",", point.Fields.Select(f => $"{f.Key}={f.Value}"))
        + " " + point.TimestampNanoseconds.ToString(CultureInfo.InvariantCulture);
}
