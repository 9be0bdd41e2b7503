using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>Maps a change's timeline to <c>change_stage</c> points (one per present stage).</summary>
public static class ChangeStagePoints
{
    public static IEnumerable<FlowPoint> From(ChangeTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var change = timeline.Change;
        foreach (var span in timeline.Spans)
        {
            var tags = new KeyValuePair<string, string>[]
            {
                new(FlowSchema.Tags.Kind, span.Stage.Kind == StageKind.Process ? "process" : "wait"),
                new(FlowSchema.Tags.Org, change.Repository.Owner),
                new(FlowSchema.Tags.Repo, change.Repository.Name),
                new(FlowSchema.Tags.Schema, FlowSchema.Version),
                new(FlowSchema.Tags.Source, change.Repository.Source),
                new(FlowSchema.Tags.Stage, span.Stage.Name),
            };
            var fields = new List<KeyValuePair<string, FieldValue>>(5)
            {
                new(FlowSchema.Fields.ChangeId, FieldValue.Of(change.ChangeId)),
                new(FlowSchema.Fields.Clamped, FieldValue.Of(span.Clamped)),
                new(FlowSchema.Fields.Direct, FieldValue.Of(change.IsDirect)),
                new(FlowSchema.Fields.Seconds, FieldValue.Of(span.Duration.TotalSeconds)),
            };
            if (change.Url is not null)
            {
                fields.Add(new(FlowSchema.Fields.Url, FieldValue.Of(change.Url)));
            }

            yield return new FlowPoint(FlowSchema.Measurements.ChangeStage, tags, fields, PointTimestamps.For(span.End, change.ChangeId));
        }
    }
}
