using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>The <c>constraint</c> points (docs/schema.md) and the ledger that keeps arrived changes between runs, worked by hand.</summary>
public sealed class ConstraintPointsTests
{
    private static readonly RepositoryRef Web = new("github", "contoso", "web");
    private static readonly DateTimeOffset Monday = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Order = ["coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:production"];

    [Fact]
    public void One_point_per_waiting_stage_ranked_by_change_hours_with_the_trend_on_the_constraint()
    {
        // Five changes this week: pickup 3 h and merge 1 h each → pickup 15 h (0.75), merge 5 h (0.25); margin (15 − 5)/15.
        // Five the week before: merge 4 h and pickup 1 h each → the constraint was merge; pickup's share was 5/25 = 0.2 → +0.55.
        var changes = Enumerable.Range(0, 5).Select(i => Change($"c{i}", Monday.AddDays(i), ("pickup", 3), ("merge", 1)))
            .Concat(Enumerable.Range(0, 5).Select(i => Change($"p{i}", Monday.AddDays(i - 7), ("pickup", 1), ("merge", 4))));
        var finding = ConstraintAnalysis.Find(changes, Monday, Monday.AddDays(7), Order);

        var points = ConstraintPoints.From(Web, finding, ConstraintPoints.Week, Monday).ToList();

        Assert.Equal(2, points.Count);
        Assert.All(points, p => Assert.Equal(FlowSchema.Measurements.Constraint, p.Measurement));
        Assert.All(points, p => Assert.Equal(Monday.ToUnixTimeSeconds() * 1_000_000_000, p.TimestampNanoseconds));
        Assert.All(points, p => Assert.Equal("week", p.Tag("period")));
        var first = points[0];
        Assert.Equal(("pickup", 1L, 15.0), (first.Tag("stage"), first.Field("rank")!.Value.AsInteger, first.Field("change_hours")!.Value.AsFloat));
        Assert.Equal(0.75, first.Field("share")!.Value.AsFloat, 9);
        Assert.Equal((5L, 3 * 3600d, 3 * 3600d), (first.Field("changes")!.Value.AsInteger, first.Field("median_seconds")!.Value.AsFloat, first.Field("p75_seconds")!.Value.AsFloat));
        Assert.True(first.Field("moved")!.Value.AsBoolean);
        Assert.Equal("merge", first.Field("previous_stage")!.Value.AsString);
        Assert.Equal("merge", first.Field("runner_up")!.Value.AsString);
        Assert.Equal(0.55, first.Field("share_change")!.Value.AsFloat, 9);
        Assert.Equal(10.0 / 15, first.Field("margin")!.Value.AsFloat, 9);
        Assert.Equal(("c0", "https://example.test/c0"), (first.Field("change_id")!.Value.AsString, first.Field("url")!.Value.AsString));
        var second = points[1];
        Assert.Equal(("merge", 2L, 5.0), (second.Tag("stage"), second.Field("rank")!.Value.AsInteger, second.Field("change_hours")!.Value.AsFloat));
        Assert.Null(second.Field("moved"));
    }

    [Fact]
    public void No_point_when_no_constraint_is_named()
    {
        var finding = ConstraintAnalysis.Find([Change("only", Monday, ("pickup", 9))], Monday, Monday.AddDays(7), Order);

        Assert.Empty(ConstraintPoints.From(Web, finding, ConstraintPoints.Rolling28Days, Monday));
    }

    [Fact]
    public void The_ledger_replaces_a_change_read_again_and_forgets_what_is_older_than_56_days()
    {
        var now = Monday.AddDays(60);
        var stored = new[]
        {
            Change("old", now.AddDays(-57), ("pickup", 1)),
            Change("kept", now.AddDays(-55), ("pickup", 1)),
            Change("corrected", now.AddDays(-2), ("pickup", 1)),
        };
        var read = new[] { Change("corrected", now.AddDays(-2), ("pickup", 5)), Change("new", now.AddHours(-1), ("merge", 2)) };

        var ledger = ArrivedWaitsLedger.Merge(stored, read, now);

        Assert.Equal(["kept", "corrected", "new"], ledger.Select(c => c.ChangeId));
        Assert.Equal(5 * 3600d, ledger.Single(c => c.ChangeId == "corrected").Waits["pickup"]);
    }

    [Theory]
    [InlineData("2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z")] // Monday
    [InlineData("2026-06-03T15:30:00Z", "2026-06-01T00:00:00Z")] // Wednesday
    [InlineData("2026-06-07T23:59:59Z", "2026-06-01T00:00:00Z")] // Sunday
    [InlineData("2026-06-08T00:00:00Z", "2026-06-08T00:00:00Z")] // next Monday
    [InlineData("2027-01-01T12:00:00Z", "2026-12-28T00:00:00Z")] // a Friday: ISO week 53 of 2026 starts on Monday 28 December
    public void Weeks_start_on_Monday_at_midnight_UTC(string time, string monday) =>
        Assert.Equal(DateTimeOffset.Parse(monday, System.Globalization.CultureInfo.InvariantCulture), ArrivedWaitsLedger.WeekStart(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));

    private static ArrivedChangeWaits Change(string id, DateTimeOffset arrived, params (string Stage, double Hours)[] waits) =>
        new(id, $"https://example.test/{id}", arrived, waits.ToDictionary(w => w.Stage, w => w.Hours * 3600, StringComparer.Ordinal));
}
