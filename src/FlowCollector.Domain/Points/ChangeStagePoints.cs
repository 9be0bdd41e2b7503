using System.Collections.Concurrent;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>Maps a change's timeline to <c>change_stage</c> points (one per present stage).</summary>
public static class ChangeStagePoints
{
    // Tags depend only on the repository and the stage, so points share one read-only array per pair instead of
    // allocating six tags per point. Bounded: a collector with more pairs than this simply stops caching new ones.
    private const int MaxCachedTagSets = 100_000;
    private static readonly ConcurrentDictionary<(RepositoryRef Repository, string Stage, StageKind Kind), KeyValuePair<string, string>[]> TagSets = new();

    public static IEnumerable<FlowPoint> From(ChangeTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var points = new FlowPoint[timeline.Spans.Count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = Point(timeline.Change, timeline.Spans[i]);
        }

        return points;
    }

    private static FlowPoint Point(ChangeFacts change, StageSpan span)
    {
        var fields = new KeyValuePair<string, FieldValue>[change.Url is null ? 5 : 6];
        fields[0] = new(FlowSchema.Fields.ChangeId, FieldValue.Of(change.ChangeId));
        fields[1] = new(FlowSchema.Fields.Clamped, FieldValue.Of(span.Clamped));
        fields[2] = new(FlowSchema.Fields.Direct, FieldValue.Of(change.IsDirect));
        fields[3] = new(FlowSchema.Fields.Seconds, FieldValue.Of(span.Duration.TotalSeconds));

        // A field, not a tag: it follows the stage within a repository, so as a tag it would add nothing to filter on
        // and would split a stage's series whenever a path change moved the stage.
        fields[4] = new(FlowSchema.Fields.StageOrder, FieldValue.Of((long)span.Order));
        if (change.Url is not null)
        {
            fields[5] = new(FlowSchema.Fields.Url, FieldValue.Of(change.Url));
        }

        return new FlowPoint(FlowSchema.Measurements.ChangeStage, Tags(change.Repository, span.Stage), fields, PointTimestamps.For(span.End, change.ChangeId));
    }

    private static KeyValuePair<string, string>[] Tags(RepositoryRef repository, StageDefinition stage)
    {
        var key = (repository, stage.Name, stage.Kind);
        if (TagSets.TryGetValue(key, out var cached))
        {
            return cached;
        }

        KeyValuePair<string, string>[] tags =
        [
            new(FlowSchema.Tags.Kind, stage.Kind == StageKind.Process ? "process" : "wait"),
            new(FlowSchema.Tags.Org, repository.Owner),
            new(FlowSchema.Tags.Repo, repository.Name),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, repository.Source),
            new(FlowSchema.Tags.Stage, stage.Name),
        ];
        return TagSets.Count < MaxCachedTagSets ? TagSets.GetOrAdd(key, tags) : tags;
    }
}
