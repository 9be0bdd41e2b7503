using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;

namespace FlowCollector.Domain.Reads;

/// <summary>The <c>collector_sync</c> point: the collector's health per target and run, in the same store as the data.</summary>
public static class CollectorSyncPoints
{
    /// <summary>
    /// A successful run's point. <paramref name="intervalSeconds"/> is how long the target waits between runs, written on
    /// every point so a staleness rule can count runs (docs/runbooks.md).
    /// </summary>
    public static FlowPoint Success(RepositoryRef repository, DateTimeOffset now, DateTimeOffset watermark, SourceReadResult read, int points, double intervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(read);
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

        return Point(repository, now, "success", fields, intervalSeconds);
    }

    public static FlowPoint Failure(RepositoryRef repository, DateTimeOffset now, TargetState? state, SourceReadResult? read, double intervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(repository);
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

        return Point(repository, now, "failure", fields, intervalSeconds);
    }

    private static FlowPoint Point(RepositoryRef repository, DateTimeOffset now, string result, List<KeyValuePair<string, FieldValue>> fields, double intervalSeconds)
    {
        fields.Add(new(FlowSchema.Fields.IntervalSeconds, FieldValue.Of(intervalSeconds)));
        var tags = new KeyValuePair<string, string>[]
        {
            new(FlowSchema.Tags.Org, repository.Owner),
            new(FlowSchema.Tags.Repo, repository.Name),
            new(FlowSchema.Tags.Result, result),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, repository.Source),
        };

        // One point per run: the run's own time is unique per target series.
        return new FlowPoint(FlowSchema.Measurements.CollectorSync, tags, fields, now.ToUnixTimeMilliseconds() * 1_000_000);
    }
}
