using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>
/// The <c>stage_queue</c> snapshot: per repository and wait stage, how many changes wait there now, the oldest and
/// the median age. Every wait stage of the stream gets a point on every poll — with count 0 when empty — so boards show
/// zero rather than a gap and alert rules resolve when a queue drains.
/// </summary>
public static class StageQueuePoints
{
    public static IEnumerable<FlowPoint> From(RepositoryRef repository, ValueStreamDefinition stream, IReadOnlyList<WaitingItem> waiting, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(waiting);

        // One snapshot per run: the run's second is unique per series (runs of one target never overlap).
        var timestamp = now.ToUnixTimeSeconds() * 1_000_000_000;
        for (var position = 0; position < stream.Stages.Count; position++)
        {
            var stage = stream.Stages[position];
            if (!IsQueue(stage))
            {
                continue;
            }

            var items = waiting.Where(w => w.Stage == stage).ToList();
            var ages = items.Select(w => (now - w.Since).TotalSeconds).Order().ToList();
            var fields = new List<KeyValuePair<string, FieldValue>> { new(FlowSchema.Fields.Count, FieldValue.Of((long)items.Count)) };
            if (items.Count > 0)
            {
                var oldest = items.OrderBy(w => w.Since).ThenBy(w => w.ChangeId, StringComparer.Ordinal).First();
                fields.Add(new(FlowSchema.Fields.MedianAgeSeconds, FieldValue.Of(Percentile.NearestRank(ages, 50)!.Value)));
                fields.Add(new(FlowSchema.Fields.OldestAgeSeconds, FieldValue.Of(ages[^1])));
                fields.Add(new(FlowSchema.Fields.OldestChangeId, FieldValue.Of(oldest.ChangeId)));
                if (oldest.Url is { } url)
                {
                    fields.Add(new(FlowSchema.Fields.OldestChangeUrl, FieldValue.Of(url)));
                }

                // Grafana-managed alert rules template only tags and numbers, so the pull-request number is also written as one.
                if (!oldest.Direct && long.TryParse(oldest.ChangeId, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    fields.Add(new(FlowSchema.Fields.OldestChangeNumber, FieldValue.Of(number)));
                }
            }

            // The stage's rule, whatever the stage is named: alert rules pick "waiting for a first review" or "merged, not
            // deployed" by it, so they hold for renamed stages and every environment path.
            fields.Add(new(FlowSchema.Fields.StageRule, FieldValue.Of(FlowSchema.StageRuleValue(stage.Rule))));

            // The same 1-based position as the stage's change_stage points (StageSpan.Order).
            fields.Add(new(FlowSchema.Fields.StageOrder, FieldValue.Of((long)position + 1)));

            var tags = new KeyValuePair<string, string>[]
            {
                new(FlowSchema.Tags.Kind, "wait"),
                new(FlowSchema.Tags.Org, repository.Owner),
                new(FlowSchema.Tags.Repo, repository.Name),
                new(FlowSchema.Tags.Schema, FlowSchema.Version),
                new(FlowSchema.Tags.Source, repository.Source),
                new(FlowSchema.Tags.Stage, stage.Name),
            };
            yield return new FlowPoint(FlowSchema.Measurements.StageQueue, tags, fields, timestamp);
        }
    }

    /// <summary>A stage with a waiting-now count: every wait stage but <c>backlog</c> (whose inventory is the issue tracker's).</summary>
    public static bool IsQueue(StageDefinition stage) => stage.Kind == StageKind.Wait && stage.Rule != StageRule.Backlog;
}
