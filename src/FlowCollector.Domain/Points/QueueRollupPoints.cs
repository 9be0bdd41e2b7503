namespace FlowCollector.Domain.Points;

/// <summary>
/// The <c>queue_rollup</c> points: per source, organisation, team and wait stage, the changes waiting now summed over the
/// latest snapshot of every repository. A board that sums thousands of repositories' <c>stage_queue</c> points per
/// interval reads their every poll (96 a day each); the rollup is one series per organisation, team and stage.
/// </summary>
public static class QueueRollupPoints
{
    /// <summary>A snapshot counts until this many of its repository's intervals have passed without a newer one.</summary>
    public const int StaleAfterIntervals = 3;

    /// <param name="snapshots">The latest snapshot of each repository.</param>
    /// <param name="now">The rollup's time: its timestamp, and the clock ages are measured on.</param>
    /// <param name="every">How often rollups run: a repository whose interval is shorter still counts for this long.</param>
    public static IReadOnlyList<FlowPoint> From(IEnumerable<QueueSnapshot> snapshots, DateTimeOffset now, TimeSpan every)
    {
        ArgumentNullException.ThrowIfNull(snapshots);

        // A repository removed from configuration, or failing, stops sending snapshots: after three of its intervals
        // (or of the rollup's, if longer) its last counts stop being added, so an abandoned queue cannot linger in the sum.
        var current = snapshots.Where(s => now - s.Taken <= StaleAfterIntervals * Max(TimeSpan.FromSeconds(s.IntervalSeconds), every) && s.Taken <= now);
        var timestamp = now.ToUnixTimeSeconds() * 1_000_000_000;
        return [.. current
            .SelectMany(s => s.Queues.Select(q => (Key: (s.Source, s.Org, Team: s.Team ?? "", q.Stage), Queue: q)))
            .GroupBy(x => x.Key)
            .OrderBy(g => g.Key.Source, StringComparer.Ordinal).ThenBy(g => g.Key.Org, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Team, StringComparer.Ordinal).ThenBy(g => g.Key.Stage, StringComparer.Ordinal)
            .Select(g => Point(g.Key.Source, g.Key.Org, g.Key.Team, g.Key.Stage, [.. g.Select(x => x.Queue)], now, timestamp))];
    }

    private static FlowPoint Point(string source, string org, string team, string stage, IReadOnlyList<QueueCount> queues, DateTimeOffset now, long timestamp)
    {
        var fields = new List<KeyValuePair<string, FieldValue>>(3)
        {
            new(FlowSchema.Fields.Count, FieldValue.Of(queues.Sum(q => q.Count))),
        };
        if (queues.Min(q => q.OldestSince) is { } oldest)
        {
            // Aged to the rollup's time: the oldest change has waited on since its repository's snapshot.
            fields.Add(new(FlowSchema.Fields.OldestAgeSeconds, FieldValue.Of((now - oldest).TotalSeconds)));
        }

        fields.Add(new(FlowSchema.Fields.Repos, FieldValue.Of((long)queues.Count)));
        var tags = new List<KeyValuePair<string, string>>(6)
        {
            new(FlowSchema.Tags.Kind, "wait"),
            new(FlowSchema.Tags.Org, org),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, source),
            new(FlowSchema.Tags.Stage, stage),
        };
        if (team.Length > 0)
        {
            tags.Add(new(FlowSchema.Tags.Team, team));
        }

        return new FlowPoint(FlowSchema.Measurements.QueueRollup, tags, fields, timestamp);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
