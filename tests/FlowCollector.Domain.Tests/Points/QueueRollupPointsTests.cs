using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>The <c>queue_rollup</c> points (docs/schema.md): every repository's latest waiting-now counts summed per organisation, team and stage, worked by hand.</summary>
public sealed class QueueRollupPointsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_add_up_per_organisation_team_and_stage_the_oldest_is_aged_to_now_and_stale_snapshots_drop_out()
    {
        // web and api (payments, interval 15 min) were taken 10 and 5 minutes ago: they count. docs was taken 50 minutes
        // ago: 50 > 3 × 15, stale (failing or no longer configured). shop has no team: a series of its own.
        var snapshots = new[]
        {
            Snapshot("contoso", "payments", Now.AddMinutes(-10), 900, ("pickup", 2, Now.AddHours(-3)), ("release_wait", 0, null)),
            Snapshot("contoso", "payments", Now.AddMinutes(-5), 900, ("pickup", 1, Now.AddHours(-1)), ("release_wait", 3, Now.AddDays(-2))),
            Snapshot("contoso", "payments", Now.AddMinutes(-50), 900, ("pickup", 7, Now.AddHours(-9)), ("release_wait", 7, Now.AddDays(-9))),
            Snapshot("contoso", null, Now.AddMinutes(-1), 900, ("pickup", 4, Now.AddMinutes(-30)), ("release_wait", 0, null)),
        };

        var points = QueueRollupPoints.From(snapshots, Now, TimeSpan.FromMinutes(15));

        // pickup, payments: 2 + 1 = 3 from 2 repositories, oldest since 3 h → 10,800 s; release_wait: 0 + 3, oldest 2 days → 172,800 s.
        Assert.Equal(
            [
                ("", "pickup", 4L, 1800.0, 1L),
                ("", "release_wait", 0L, double.NaN, 1L),
                ("payments", "pickup", 3L, 10_800.0, 2L),
                ("payments", "release_wait", 3L, 172_800.0, 2L),
            ],
            points.Select(p => (p.Tag("team") ?? "", p.Tag("stage")!, p.Field("count")!.Value.AsInteger, p.Field("oldest_age_seconds")?.AsFloat ?? double.NaN, p.Field("repos")!.Value.AsInteger)));
        Assert.All(points, p => Assert.Equal(FlowSchema.Measurements.QueueRollup, p.Measurement));
        Assert.All(points, p => Assert.Equal(("github", "contoso", "wait", "1", (string?)null), (p.Tag("source"), p.Tag("org"), p.Tag("kind"), p.Tag("schema"), p.Tag("repo"))));
        Assert.All(points, p => Assert.Equal(Now.ToUnixTimeSeconds() * 1_000_000_000, p.TimestampNanoseconds));
    }

    [Fact]
    public void A_rollup_less_frequent_than_the_repositories_keeps_their_snapshots_for_three_of_its_own_intervals()
    {
        // Hourly rollups: the 50-minute-old snapshot of a 15-minute repository is within 3 × 1 h and counts.
        var snapshot = Snapshot("contoso", "payments", Now.AddMinutes(-50), 900, ("pickup", 7, Now.AddHours(-9)));

        var point = Assert.Single(QueueRollupPoints.From([snapshot], Now, TimeSpan.FromHours(1)));

        Assert.Equal(7, point.Field("count")!.Value.AsInteger);
        Assert.Empty(QueueRollupPoints.From([snapshot with { Taken = Now.AddHours(-3).AddSeconds(-1) }], Now, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_snapshot_has_every_queue_of_the_stream_but_backlog_with_its_count_and_oldest_start()
    {
        var stream = ValueStreamDefinition.Default();
        var pickup = stream.Stages.Single(s => s.Rule == StageRule.Pickup);
        var release = stream.Stages.Single(s => s.Rule == StageRule.ReleaseWait);
        WaitingItem[] waiting = [new("7", pickup, Now.AddHours(-2)), new("9", pickup, Now.AddHours(-5)), new("3", release, Now.AddDays(-1))];

        var snapshot = QueueSnapshot.Of(new RepositoryRef("github", "contoso", "web"), "payments", stream, waiting, Now, 900);

        var queues = stream.Stages.Where(s => s.Kind == StageKind.Wait && s.Rule != StageRule.Backlog).Select(s => s.Name).ToList();
        Assert.Equal(queues, snapshot.Queues.Select(q => q.Stage));
        Assert.Equal((2L, (DateTimeOffset?)Now.AddHours(-5)), snapshot.Queues.Where(q => q.Stage == pickup.Name).Select(q => (q.Count, q.OldestSince)).Single());
        Assert.Equal((1L, (DateTimeOffset?)Now.AddDays(-1)), snapshot.Queues.Where(q => q.Stage == release.Name).Select(q => (q.Count, q.OldestSince)).Single());
        Assert.All(snapshot.Queues.Where(q => q.Stage != pickup.Name && q.Stage != release.Name), q => Assert.Equal((0L, (DateTimeOffset?)null), (q.Count, q.OldestSince)));
        Assert.Equal(("github", "contoso", "payments", Now, 900.0), (snapshot.Source, snapshot.Org, snapshot.Team, snapshot.Taken, snapshot.IntervalSeconds));
    }

    private static QueueSnapshot Snapshot(string org, string? team, DateTimeOffset taken, double interval, params (string Stage, long Count, DateTimeOffset? Oldest)[] queues) =>
        new("github", org, team, taken, interval, [.. queues.Select(q => new QueueCount(q.Stage, q.Count, q.Oldest))]);
}
