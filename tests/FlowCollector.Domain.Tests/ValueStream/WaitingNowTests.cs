using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// The waiting-now snapshot taken at minute 600 (19:00) with the path staging → production. Each row names where
/// change 42 waits and since which minute, worked out by hand; null where it is being worked on or done.
/// </summary>
public sealed class WaitingNowTests
{
    private const double Now = 600;
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);

    public static TheoryData<string, FlowEvent[], string?, double?> Cases => new()
    {
        { "still a draft: coding, not waiting", [Commit(0, "c1"), OpenedAsDraft(30)], null, null },
        { "ready and nobody looked yet: pickup since ready", [Commit(0, "c1"), OpenedAsDraft(30), Ready(120)], "pickup", 120 },
        { "opened ready: pickup since opening", [Commit(0, "c1"), Opened(45)], "pickup", 45 },
        { "only a bot and the author reviewed: still pickup", [Commit(0, "c1"), Opened(45), Review(50, "dependabot[bot]", ReviewState.Approved, flaggedBot: true), Review(60, Author, ReviewState.Commented)], "pickup", 45 },
        { "a comment on the draft does not count: pickup since ready", [Commit(0, "c1"), OpenedAsDraft(30), Comment(60, "bob"), Ready(120)], "pickup", 120 },
        { "changes requested: the author works (review), not waiting", [Commit(0, "c1"), Opened(45), Review(100, "bob", ReviewState.ChangesRequested)], null, null },
        { "approved: merge wait since the approval", [Commit(0, "c1"), Opened(45), Review(100, "bob", ReviewState.ChangesRequested), Approved(200, "bob")], "merge", 200 },
        { "approved then changes requested again: in review", [Commit(0, "c1"), Opened(45), Approved(100, "bob"), Review(200, "carol", ReviewState.ChangesRequested)], null, null },
        { "closed without merge: gone", [Commit(0, "c1"), Opened(45), Closed(100)], null, null },
        { "merged, CI queued not started: ci_queue since the merge", [Commit(0, "c1"), Opened(45), Merged(100), RunQueued(101)], "ci_queue", 100 },
        { "merged, CI running: process", [Commit(0, "c1"), Opened(45), Merged(100), RunQueued(101), RunStarted(105)], null, null },
        { "merged, CI green: release_wait since CI finished", [Commit(0, "c1"), Opened(45), Merged(100), RunQueued(101), RunStarted(105), RunFinished(130, "success")], "release_wait", 130 },
        { "merged, no CI at all: release_wait since the merge", [Commit(0, "c1"), Opened(45), Merged(100)], "release_wait", 100 },
        { "deploying to staging now: process", [Commit(0, "c1"), Opened(45), Merged(100), .. Deploy("d1", "staging", 300, null)], null, null },
        { "on staging: promotion_wait:production since staging finished", [Commit(0, "c1"), Opened(45), Merged(100), .. Deploy("d1", "staging", 300, 320)], "promotion_wait:production", 320 },
        { "in production: done", [Commit(0, "c1"), Opened(45), Merged(100), .. Deploy("d1", "staging", 300, 320), .. Deploy("d2", "production", 400, 420)], null, null },
        { "staging failed: still release_wait since the merge", [Commit(0, "c1"), Opened(45), Merged(100), .. Deploy("d1", "staging", 300, 320, result: "failure")], "release_wait", 100 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Where_a_change_waits_now(string scenario, FlowEvent[] events, string? stage, double? sinceMinute)
    {
        var flow = Flow(events, StagingThenProduction);

        var item = flow.WaitingNow(Monday9.AddMinutes(Now)).SingleOrDefault();

        Assert.True(stage == item?.Stage.Name, $"{scenario}: expected {stage ?? "nothing"}, got {item?.Stage.Name ?? "nothing"}");
        Assert.True(sinceMinute == (item is null ? null : (item.Since - Monday9).TotalMinutes), $"{scenario}: since minute {sinceMinute}, got {(item is null ? null : (item.Since - Monday9).TotalMinutes)}");
    }

    [Fact]
    public void The_snapshot_counts_each_wait_stage_with_oldest_and_median_age_and_writes_zeros_for_empty_ones()
    {
        // #1 ready at 60, #2 ready at 300, #3 ready at 500: three in pickup with ages 540, 300 and 100 minutes; #4 approved at 400.
        var events = new[]
        {
            OfChange("1", null, Commit(0, "a"), Opened(60)),
            OfChange("2", null, Commit(0, "b"), Opened(300)),
            OfChange("3", null, Commit(0, "c"), Opened(500)),
            OfChange("4", null, Commit(0, "d"), Opened(100), Approved(400, "bob")),
        }.SelectMany(e => e);
        var flow = Flow(events, StagingThenProduction);
        var now = Monday9.AddMinutes(Now);

        var points = StageQueuePoints.From(Repository, StagingThenProduction, flow.WaitingNow(now), now).ToList();

        Assert.Equal(["pickup", "merge", "ci_queue", "release_wait", "promotion_wait:production"], points.Select(p => p.Tag("stage")));
        var pickup = points[0];
        Assert.Equal(3, pickup.Field("count")!.Value.AsInteger);
        Assert.Equal(540 * 60, pickup.Field("oldest_age_seconds")!.Value.AsFloat);
        Assert.Equal(300 * 60, pickup.Field("median_age_seconds")!.Value.AsFloat);
        Assert.Equal("1", pickup.Field("oldest_change_id")!.Value.AsString);
        Assert.Equal(200 * 60, points[1].Field("oldest_age_seconds")!.Value.AsFloat);
        Assert.All(points.Skip(2), p => Assert.Equal(0, p.Field("count")!.Value.AsInteger));
        Assert.All(points.Skip(2), p => Assert.Null(p.Field("oldest_age_seconds")));
        Assert.All(points, p => Assert.Equal(now.ToUnixTimeSeconds() * 1_000_000_000, p.TimestampNanoseconds));
        Assert.All(points, p => Assert.All(p.Tags, t => Assert.Contains(t.Key, FlowSchema.Tags.Allowed)));
    }

    [Fact]
    public void The_oldest_waiting_change_is_named_with_its_link_and_number_and_every_queue_with_its_rule()
    {
        // Renamed stages (the rule, not the name, says what a queue is): "first-look" is Pickup, "ship-queue" ReleaseWait.
        var renamed = new ValueStreamDefinition(
            [
                new("code", StageKind.Process, StageRule.Coding),
                new("first-look", StageKind.Wait, StageRule.Pickup),
                new("review", StageKind.Process, StageRule.Review),
                new("ship-queue", StageKind.Wait, StageRule.ReleaseWait),
                new("deploy:production", StageKind.Process, StageRule.Deploy, "production"),
            ],
            ["production"],
            ["production"]);

        // #7 ready at 100 and #9 at 50: #9 is the oldest in pickup (550 minutes). A direct push of SHA "d00d" at 200 waits
        // for its release (400 minutes), with the commit page as its link and no pull-request number.
        var direct = Pushed(200) with { SubjectId = "d00d", Sha = "d00d", Url = "https://github.com/contoso/web/commit/d00d" };
        var events = OfChange("7", null, Commit(0, "a"), Opened(100)).Concat(OfChange("9", null, Commit(0, "b"), Opened(50)))
            .Concat([Commit(190, "d00d") with { SubjectId = "d00d", Url = null }, direct]);
        var now = Monday9.AddMinutes(Now);

        var points = StageQueuePoints.From(Repository, renamed, Flow(events, renamed).WaitingNow(now), now).ToList();

        Assert.Equal(["first-look", "ship-queue"], points.Select(p => p.Tag("stage")));
        Assert.Equal(["pickup", "release_wait"], points.Select(p => p.Field("stage_rule")!.Value.AsString));
        var pickup = points[0];
        Assert.Equal("9", pickup.Field("oldest_change_id")!.Value.AsString);
        Assert.Equal("https://github.com/contoso/web/pull/9", pickup.Field("oldest_change_url")!.Value.AsString);
        Assert.Equal(9, pickup.Field("oldest_change_number")!.Value.AsInteger);
        var release = points[1];
        Assert.Equal(400 * 60, release.Field("oldest_age_seconds")!.Value.AsFloat);
        Assert.Equal("d00d", release.Field("oldest_change_id")!.Value.AsString);
        Assert.Equal("https://github.com/contoso/web/commit/d00d", release.Field("oldest_change_url")!.Value.AsString);
        Assert.Null(release.Field("oldest_change_number"));
    }

    [Theory]
    [InlineData(StageRule.Backlog, "backlog")]
    [InlineData(StageRule.Pickup, "pickup")]
    [InlineData(StageRule.CiQueue, "ci_queue")]
    [InlineData(StageRule.ReleaseWait, "release_wait")]
    [InlineData(StageRule.PromotionWait, "promotion_wait")]
    public void A_stage_rule_is_written_in_the_default_stage_names_spelling(StageRule rule, string expected) =>
        Assert.Equal(expected, FlowSchema.StageRuleValue(rule));

    [Fact]
    public void Open_changes_round_trip_through_their_events()
    {
        var flow = Flow([Commit(0, "c1"), Opened(45), Approved(200, "bob")], StagingThenProduction);
        var open = Assert.Single(flow.OpenChanges());

        var replayed = Flow(open.Events, StagingThenProduction);

        Assert.Equal(flow.WaitingNow(Monday9.AddMinutes(Now)), replayed.WaitingNow(Monday9.AddMinutes(Now)));
        Assert.Equal(Monday9.AddMinutes(45), open.Opened);
    }
}
