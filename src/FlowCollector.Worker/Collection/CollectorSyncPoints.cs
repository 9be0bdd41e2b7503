using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using Quartz;

namespace FlowCollector.Worker.Collection;

/// <summary>The <c>collector_sync</c> point: the collector's health per target and run, in the same store as the data.</summary>
internal static class CollectorSyncPoints
{
    public static FlowPoint Success(CollectionTarget target, DateTimeOffset now, DateTimeOffset watermark, SourceReadResult read, int points)
    {
        var fields = new List<KeyValuePair<string, FieldValue>>
        {
            new(FlowSchema.Fields.ApiRequests, FieldValue.Of((long)read.Usage.Requests)),
            new(FlowSchema.Fields.Errors, FieldValue.Of(0L)),
            new(FlowSchema.Fields.Events, FieldValue.Of((long)read.Events.Count)),
            new(FlowSchema.Fields.LagSeconds, FieldValue.Of(Math.Max(0, (now - watermark).TotalSeconds))),
            new(FlowSchema.Fields.LastSuccess, FieldValue.Of(now.ToUnixTimeSeconds())),
            new(FlowSchema.Fields.Points, FieldValue.Of((long)points)),
            new(FlowSchema.Fields.SinceSuccessSeconds, FieldValue.Of(0d)),
        };
        if (read.Usage.RateLimitRemaining is { } remaining)
        {
            fields.Add(new(FlowSchema.Fields.RateLimitRemaining, FieldValue.Of((long)remaining)));
        }

        return Point(target, now, "success", fields);
    }

    public static FlowPoint Failure(CollectionTarget target, DateTimeOffset now, TargetState? state, SourceReadResult? read)
    {
        var fields = new List<KeyValuePair<string, FieldValue>>
        {
            new(FlowSchema.Fields.ApiRequests, FieldValue.Of((long)(read?.Usage.Requests ?? 0))),
            new(FlowSchema.Fields.Errors, FieldValue.Of(1L)),
        };
        if (state?.Watermark is { } watermark)
        {
            fields.Add(new(FlowSchema.Fields.LagSeconds, FieldValue.Of(Math.Max(0, (now - watermark).TotalSeconds))));
        }

        if (state?.LastSuccess is { } lastSuccess)
        {
            fields.Add(new(FlowSchema.Fields.LastSuccess, FieldValue.Of(lastSuccess.ToUnixTimeSeconds())));
            fields.Add(new(FlowSchema.Fields.SinceSuccessSeconds, FieldValue.Of(Math.Max(0, (now - lastSuccess).TotalSeconds))));
        }

        return Point(target, now, "failure", fields);
    }

    /// <summary>
    /// How long this target waits between runs: the configured interval, or with a cron schedule the gap between its next
    /// two fire times. Written on every point, so an alert rule can ask "stale for more than N runs" per target without
    /// knowing the schedule (docs/runbooks.md).
    /// </summary>
    internal static double IntervalSeconds(SourceScheduleOptions schedule, DateTimeOffset now)
    {
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

    private static FlowPoint Point(CollectionTarget target, DateTimeOffset now, string result, List<KeyValuePair<string, FieldValue>> fields)
    {
        fields.Add(new(FlowSchema.Fields.IntervalSeconds, FieldValue.Of(IntervalSeconds(target.Schedule, now))));
        var tags = new KeyValuePair<string, string>[]
        {
            new(FlowSchema.Tags.Org, target.Repository.Owner),
            new(FlowSchema.Tags.Repo, target.Repository.Name),
            new(FlowSchema.Tags.Result, result),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, target.Repository.Source),
        };

        // One point per run: the run's own time is unique per target series.
        return new FlowPoint(FlowSchema.Measurements.CollectorSync, tags, fields, now.ToUnixTimeMilliseconds() * 1_000_000);
    }
}
