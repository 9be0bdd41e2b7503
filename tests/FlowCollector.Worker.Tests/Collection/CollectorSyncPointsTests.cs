using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Reads;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>
/// The <c>collector_sync</c> fields the staleness alert divides (docs/runbooks.md, "Target is stale"): how long since the
/// target's last success, and how long the target waits between runs — so "stale for more than 3 runs" needs no
/// knowledge of each target's schedule in the alert rule.
/// </summary>
public sealed class CollectorSyncPointsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);
    private static readonly RepositoryRef Repository = new("github", "contoso", "web");

    private static double Interval(TimeSpan interval) => ScheduleInterval.Seconds(new SourceScheduleOptions { Interval = interval }, Now);

    [Fact]
    public void A_success_is_zero_seconds_since_success_and_carries_the_interval()
    {
        var point = CollectorSyncPoints.Success(Repository, Now, Now.AddHours(-1), new SourceReadResult([], null, new SourceUsage(3, 4200)), 7, Interval(TimeSpan.FromMinutes(15)));

        Assert.Equal(0, point.Field(FlowSchema.Fields.SinceSuccessSeconds)!.Value.AsFloat);
        Assert.Equal(900, point.Field(FlowSchema.Fields.IntervalSeconds)!.Value.AsFloat);
    }

    [Fact]
    public void A_failure_counts_the_seconds_since_the_last_success_and_none_before_a_first_success()
    {
        // Last success at 08:45, failing run at 10:30: 1 h 45 min = 6300 s, i.e. 7 runs of 15 minutes.
        var state = new TargetState(Repository.Key, Now.AddHours(-3), Now.AddMinutes(-105), Now.AddMinutes(-15), "boom");

        var failing = CollectorSyncPoints.Failure(Repository, Now, state, null, Interval(TimeSpan.FromMinutes(15)));
        var never = CollectorSyncPoints.Failure(Repository, Now, null, null, Interval(TimeSpan.FromMinutes(15)));

        Assert.Equal(6300, failing.Field(FlowSchema.Fields.SinceSuccessSeconds)!.Value.AsFloat);
        Assert.Equal(900, failing.Field(FlowSchema.Fields.IntervalSeconds)!.Value.AsFloat);
        Assert.Null(never.Field(FlowSchema.Fields.SinceSuccessSeconds));
        Assert.Equal(900, never.Field(FlowSchema.Fields.IntervalSeconds)!.Value.AsFloat);
    }

    [Theory]
    [InlineData("0 0 */6 * * ?", 21_600)] // every 6 hours: 12:00 → 18:00
    [InlineData("0 30 2 * * ?", 86_400)] // daily at 02:30
    [InlineData("0 0 9 ? * MON-FRI", 86_400)] // weekdays at 09:00, from Monday 10:30: Tuesday 09:00 → Wednesday 09:00
    public void With_a_cron_schedule_the_interval_is_the_gap_between_its_next_two_runs(string cron, double seconds) =>
        Assert.Equal(seconds, ScheduleInterval.Seconds(new SourceScheduleOptions { Interval = TimeSpan.FromMinutes(15), Cron = cron }, Now));
}
