using Quartz;

namespace FlowCollector.Worker.Collection;

/// <summary>How long a target waits between runs, as its <c>collector_sync</c> points carry it (<c>interval_seconds</c>).</summary>
internal static class ScheduleInterval
{
    /// <summary>
    /// The configured interval, or with a cron schedule the gap between its next two fire times. Written on every
    /// <c>collector_sync</c> point, so an alert rule can ask "stale for more than N runs" per target without knowing the
    /// schedule (docs/runbooks.md).
    /// </summary>
    public static double Seconds(SourceScheduleOptions schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!string.IsNullOrWhiteSpace(schedule.Cron) && CronExpression.TryParse(schedule.Cron, out _))
        {
            var cron = new CronExpression(schedule.Cron, TimeZoneInfo.Utc); // the trigger runs it in UTC (SchedulingServiceCollectionExtensions)
            if (cron.GetNextValidTimeAfter(now) is { } next && cron.GetNextValidTimeAfter(next) is { } after)
            {
                return (after - next).TotalSeconds;
            }
        }

        return schedule.Interval.TotalSeconds;
    }
}
