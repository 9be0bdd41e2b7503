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

    private static FlowPoint Point(ChangeFacts change, StageSpan span) =>
        new(FlowSchema.Measurements.ChangeStage, Tags(change.Repository, span.Stage), new Fields(change, span), PointTimestamps.For(span.End, change.ChangeId));

    /// <summary>
    /// The fields of one <c>change_stage</c> point, produced when read instead of stored in an array: a point is made for
    /// every stage of every change, and an array of five or six 24-byte entries was most of its allocation (48 bytes
    /// here instead of 144–168; the engine's allocation target, docs/performance.md). The values are captured when the
    /// point is made (the change's facts may still change). Sorted by key, as sinks write them.
    /// </summary>
    private sealed class Fields(ChangeFacts change, StageSpan span) : IReadOnlyList<KeyValuePair<string, FieldValue>>
    {
        private readonly string changeId = change.ChangeId;
        private readonly string? url = change.Url;
        private readonly double seconds = span.Duration.TotalSeconds;
        private readonly int order = span.Order;
        private readonly bool clamped = span.Clamped;
        private readonly bool direct = change.IsDirect;

        public int Count => url is null ? 5 : 6;

        public KeyValuePair<string, FieldValue> this[int index] => index switch
        {
            0 => new(FlowSchema.Fields.ChangeId, FieldValue.Of(changeId)),
            1 => new(FlowSchema.Fields.Clamped, FieldValue.Of(clamped)),
            2 => new(FlowSchema.Fields.Direct, FieldValue.Of(direct)),
            3 => new(FlowSchema.Fields.Seconds, FieldValue.Of(seconds)),

            // A field, not a tag: it follows the stage within a repository, so as a tag it would add nothing to filter on
            // and would split a stage's series whenever a path change moved the stage.
            4 => new(FlowSchema.Fields.StageOrder, FieldValue.Of((long)order)),
            5 when url is { } link => new(FlowSchema.Fields.Url, FieldValue.Of(link)),
            _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"A change_stage point has {Count} fields."),
        };

        public IEnumerator<KeyValuePair<string, FieldValue>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
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
