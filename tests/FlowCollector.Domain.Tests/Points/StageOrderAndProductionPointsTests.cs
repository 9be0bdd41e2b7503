using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>
/// Issue 16 item 3, "the data carries the order": every <c>change_stage</c> and <c>stage_queue</c> point carries its
/// stage's 1-based position in the repository's stream (<c>stage_order</c>), and every <c>deployment</c> and
/// <c>change</c> point says whether its environment is production (<c>production</c> tag). Worked by hand for the
/// paths <c>staging → prod-eu → prod-us</c> (both prod-* production) and <c>QA → PROD</c>.
/// </summary>
public sealed class StageOrderAndProductionPointsTests
{
    // Default stages with a three-environment path: backlog 1, coding 2, pickup 3, review 4, merge 5, ci_queue 6, ci 7,
    // release_wait 8, deploy:staging 9, promotion_wait:prod-eu 10, deploy:prod-eu 11, promotion_wait:prod-us 12,
    // deploy:prod-us 13.
    private static readonly ValueStreamDefinition TwoRegions = ValueStreamDefinition.Default(["staging", "prod-eu", "prod-us"], ["prod-eu", "prod-us"]);

    // backlog 1 … release_wait 8, deploy:QA 9, promotion_wait:PROD 10, deploy:PROD 11.
    private static readonly ValueStreamDefinition QaThenProd = ValueStreamDefinition.Default(["QA", "PROD"], ["PROD"]);

    private static readonly FlowEvent[] Reviewed =
    [
        Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120), RunStarted(125), RunFinished(140, "success"),
    ];

    // Staging 150→160; prod-eu 200→240 (the arrival); prod-us: a failed attempt 250→260, then 300→330.
    private static readonly FlowEvent[] ThroughTwoRegions =
    [
        .. Reviewed,
        .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"]),
        .. Deploy("d2", "prod-eu", started: 200, finished: 240, includes: ["m1"]),
        .. Deploy("d3", "prod-us", started: 250, finished: 260, result: "failure", includes: ["m1"]),
        .. Deploy("d4", "prod-us", started: 300, finished: 330, includes: ["m1"]),
    ];

    [Fact]
    public void Change_stage_points_carry_the_position_of_their_stage_in_the_three_environment_path()
    {
        var timeline = TimelineOf42(Flow(ThroughTwoRegions, TwoRegions))!;

        var orders = ChangeStagePoints.From(timeline).ToDictionary(p => p.Tag(FlowSchema.Tags.Stage)!, p => p.Field(FlowSchema.Fields.StageOrder)!.Value);

        // Every stage but backlog (no work item) is present: coding 0→60, pickup 60→90, review 90→90, merge 90→120,
        // ci_queue 120→125, ci 125→140, release_wait 140→150, deploy:staging 150→160, promotion_wait:prod-eu 160→200,
        // deploy:prod-eu 200→240, promotion_wait:prod-us 240→250 (the failed attempt started), deploy:prod-us 250→330.
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["coding"] = 2, ["pickup"] = 3, ["review"] = 4, ["merge"] = 5, ["ci_queue"] = 6, ["ci"] = 7, ["release_wait"] = 8,
                ["deploy:staging"] = 9, ["promotion_wait:prod-eu"] = 10, ["deploy:prod-eu"] = 11, ["promotion_wait:prod-us"] = 12, ["deploy:prod-us"] = 13,
            },
            orders.ToDictionary(o => o.Key, o => o.Value.AsInteger));
        Assert.All(orders.Values, v => Assert.Equal(FieldType.Integer, v.Type));

        // A field, never a tag: the series of a stage stay the same whatever its position.
        Assert.All(ChangeStagePoints.From(timeline), p => Assert.Null(p.Tag(FlowSchema.Fields.StageOrder)));
    }

    [Fact]
    public void The_same_stage_name_has_the_position_of_its_own_repository_path()
    {
        // QA → PROD: release_wait 140→150 (QA started), deploy:QA 150→160, promotion_wait:PROD 160→200, deploy:PROD 200→240.
        var timeline = TimelineOf42(Flow(
            [.. Reviewed, .. Deploy("q1", "QA", started: 150, finished: 160, includes: ["m1"]), .. Deploy("p1", "PROD", started: 200, finished: 240, includes: ["m1"])],
            QaThenProd))!;

        var orders = ChangeStagePoints.From(timeline).ToDictionary(p => p.Tag(FlowSchema.Tags.Stage)!, p => p.Field(FlowSchema.Fields.StageOrder)!.Value.AsInteger);

        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11], orders.Values);
        Assert.Equal(["coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:QA", "promotion_wait:PROD", "deploy:PROD"], orders.Keys);
    }

    [Fact]
    public void A_stream_without_backlog_starts_at_one_and_an_absent_stage_leaves_a_gap()
    {
        // The configured stream drops backlog: coding is stage 1. A direct push has no pickup, review or merge (absent):
        // coding 1 (0→0, the push), then CI 5 and 6 — positions in the stream, not counts of present stages.
        var stream = new ValueStreamDefinition([.. ValueStreamDefinition.Default().Stages.Where(s => s.Rule != StageRule.Backlog)], ["production"], ["production"]);
        var timeline = TimelineOf42(Flow([Pushed(0), RunStarted(5), RunFinished(20, "success")], stream))!;

        var orders = ChangeStagePoints.From(timeline).Select(p => (p.Tag(FlowSchema.Tags.Stage), p.Field(FlowSchema.Fields.StageOrder)!.Value.AsInteger)).ToList();

        Assert.Equal([("coding", 1L), ("ci_queue", 5L), ("ci", 6L)], orders);
    }

    [Fact]
    public void Stage_queue_points_carry_the_same_positions_as_the_change_stage_points()
    {
        var now = Monday9.AddMinutes(600);

        var points = StageQueuePoints.From(Repository, TwoRegions, Flow([], TwoRegions).WaitingNow(now), now).ToList();

        // The wait stages except backlog: pickup 3, merge 5, ci_queue 6, release_wait 8, promotion_wait:prod-eu 10, promotion_wait:prod-us 12.
        Assert.Equal(
            [("pickup", 3L), ("merge", 5L), ("ci_queue", 6L), ("release_wait", 8L), ("promotion_wait:prod-eu", 10L), ("promotion_wait:prod-us", 12L)],
            points.Select(p => (p.Tag(FlowSchema.Tags.Stage), p.Field(FlowSchema.Fields.StageOrder)!.Value.AsInteger)));
        Assert.All(points, p => Assert.Null(p.Tag(FlowSchema.Fields.StageOrder)));
    }

    [Fact]
    public void Deployments_to_either_production_region_are_production_and_staging_is_not()
    {
        var flow = Flow(ThroughTwoRegions, TwoRegions);

        var production = flow.FinishedDeployments().SelectMany(DeploymentPoints.From)
            .Select(p => (p.Field(FlowSchema.Fields.DeploymentId)!.Value.AsString, p.Tag(FlowSchema.Tags.Environment), p.Tag(FlowSchema.Tags.Result), p.Tag(FlowSchema.Tags.Production)))
            .ToList();

        // A failed attempt to a production environment is a production deployment too (the change failure rate counts it).
        Assert.Equal(
            [("d1", "staging", "success", "false"), ("d2", "prod-eu", "success", "true"), ("d3", "prod-us", "failure", "true"), ("d4", "prod-us", "success", "true")],
            production);
        Assert.Equal([false, true, true, true], flow.FinishedDeployments().Select(d => d.IsProduction));
    }

    [Fact]
    public void The_change_point_is_production_in_the_region_it_arrived_in_first()
    {
        var timeline = TimelineOf42(Flow(ThroughTwoRegions, TwoRegions))!;

        var point = Assert.Single(ChangePoints.From(timeline));

        // Arrival: the first successful production deployment, prod-eu at 240 (prod-us succeeded only at 330).
        Assert.Equal("prod-eu", point.Tag(FlowSchema.Tags.Environment));
        Assert.Equal("true", point.Tag(FlowSchema.Tags.Production));
        Assert.Equal(PointTimestamps.For(Monday9.AddMinutes(240), ChangeId), point.TimestampNanoseconds);
    }

    [Fact]
    public void Production_follows_the_repository_stream_case_insensitively_and_an_environment_off_the_path_is_not_production()
    {
        // QA → PROD: a deployment reported as "prod" is the configured PROD; "PROD-canary" and "QA" are not production.
        var flow = Flow(
        [
            .. Reviewed,
            .. Deploy("q1", "QA", started: 150, finished: 160, includes: ["m1"]),
            .. Deploy("c1", "PROD-canary", started: 170, finished: 180, includes: ["m1"]),
            .. Deploy("p1", "prod", started: 200, finished: 240, includes: ["m1"]),
        ],
            QaThenProd);

        var tags = flow.FinishedDeployments().SelectMany(DeploymentPoints.From).ToDictionary(p => p.Field(FlowSchema.Fields.DeploymentId)!.Value.AsString!, p => p.Tag(FlowSchema.Tags.Production));

        Assert.Equal(new Dictionary<string, string?> { ["q1"] = "false", ["c1"] = "false", ["p1"] = "true" }, tags);
        var change = Assert.Single(ChangePoints.From(TimelineOf42(flow)!));
        Assert.Equal(("PROD", "true"), (change.Tag(FlowSchema.Tags.Environment), change.Tag(FlowSchema.Tags.Production)));
    }

    [Fact]
    public void The_new_tag_is_allowed_and_tags_stay_sorted_by_key()
    {
        var flow = Flow(ThroughTwoRegions, TwoRegions);
        var points = flow.FinishedDeployments().SelectMany(DeploymentPoints.From).Concat(ChangePoints.From(TimelineOf42(flow)!)).ToList();

        Assert.All(points, p => Assert.All(p.Tags, t => Assert.Contains(t.Key, FlowSchema.Tags.Allowed)));
        Assert.All(points, p => Assert.Equal(p.Tags.Select(t => t.Key).Order(StringComparer.Ordinal), p.Tags.Select(t => t.Key)));
    }
}
