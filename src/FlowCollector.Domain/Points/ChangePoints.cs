using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>Maps an arrived change's timeline to its <c>change</c> point (none before the arrival).</summary>
public static class ChangePoints
{
    public static IEnumerable<FlowPoint> From(ChangeTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        if (timeline.Arrived is not { } arrived)
        {
            yield break;
        }

        var change = timeline.Change;
        var tags = new List<KeyValuePair<string, string>>(6);
        if (timeline.ArrivalEnvironment is { } environment)
        {
            tags.Add(new(FlowSchema.Tags.Environment, environment));
        }

        tags.AddRange(
        [
            new(FlowSchema.Tags.Org, change.Repository.Owner),

            // Always true: a change point is written at the arrival, its first successful deployment to a production
            // environment. Written anyway so one filter (production = 'true') means the same on change and deployment.
            new(FlowSchema.Tags.Production, FlowSchema.Tags.ProductionValue(true)),
            new(FlowSchema.Tags.Repo, change.Repository.Name),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, change.Repository.Source),
        ]);
        var fields = new List<KeyValuePair<string, FieldValue>>(12)
        {
            new(FlowSchema.Fields.ChangeId, FieldValue.Of(change.ChangeId)),

            // The health board's clamped-span count reads this one point per change rather than filtering every stage point.
            new(FlowSchema.Fields.ClampedStages, FieldValue.Of((long)timeline.Spans.Count(s => s.Clamped))),
            new(FlowSchema.Fields.Commits, FieldValue.Of((long)change.CommitCount)),
            new(FlowSchema.Fields.Direct, FieldValue.Of(change.IsDirect)),
        };

        // A zero flow time has no efficiency; the field is left out rather than written as NaN or a made-up 0 or 1.
        if (timeline.FlowEfficiency is { } efficiency)
        {
            fields.Add(new(FlowSchema.Fields.FlowEfficiency, FieldValue.Of(efficiency)));
        }

        fields.Add(new(FlowSchema.Fields.FlowSeconds, FieldValue.Of(timeline.FlowTime.TotalSeconds)));
        if (timeline.LeadTime is { } lead)
        {
            fields.Add(new(FlowSchema.Fields.LeadSeconds, FieldValue.Of(lead.TotalSeconds)));
        }

        fields.Add(new(FlowSchema.Fields.ProcessSeconds, FieldValue.Of(timeline.ProcessTime.TotalSeconds)));
        fields.Add(new(FlowSchema.Fields.Rework, FieldValue.Of(timeline.IsRework)));
        if (change.Url is not null)
        {
            fields.Add(new(FlowSchema.Fields.Url, FieldValue.Of(change.Url)));
        }

        fields.Add(new(FlowSchema.Fields.WaitSeconds, FieldValue.Of(timeline.WaitTime.TotalSeconds)));
        yield return new FlowPoint(FlowSchema.Measurements.Change, tags, fields, PointTimestamps.For(arrived, change.ChangeId));
    }
}
