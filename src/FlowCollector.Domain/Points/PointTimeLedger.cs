using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>
/// The timestamps a repository's <c>change_stage</c> and <c>change</c> points were first written with, kept between runs.
/// InfluxDB keeps one point per series and timestamp, and a point's timestamp is its stage's end; when a re-collection
/// moves that end (a late review comment, a re-run attempt found later, a corrected attribution) a second point would
/// land beside the first and every board would count the change twice. With the ledger the re-collection writes the
/// corrected durations at the time it wrote before, which overwrites the old point (docs/schema.md, "Rules for every
/// point"). Bounded: changes not written within the horizon are forgotten, and at most <see cref="MaxChanges"/> are kept.
/// </summary>
public static class PointTimeLedger
{
    /// <summary>Bound on a repository's ledger (about 55 changes a day over the default 90-day horizon).</summary>
    public const int MaxChanges = 5000;

    private const string ChangeKey = "change";
    private const string StagePrefix = "change_stage:";

    /// <summary>
    /// Gives every change point in <paramref name="points"/> the timestamp it was first written with (when the ledger has
    /// one), records the others, and prunes the ledger to changes written within <paramref name="horizon"/> before
    /// <paramref name="now"/>. Points of other measurements pass unchanged, in order.
    /// </summary>
    public static StabilisedPoints Stabilise(IReadOnlyList<FlowPoint> points, IEnumerable<WrittenChangeTimes> stored, DateTimeOffset now, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(stored);
        var ledger = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var change in stored)
        {
            ledger[change.ChangeId] = new Entry(change.LastWritten, new Dictionary<string, long>(change.Times, StringComparer.Ordinal));
        }

        var result = new FlowPoint[points.Count];
        var kept = 0;
        var seen = false;
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (KeyOf(point) is not { } key || point.Field(FlowSchema.Fields.ChangeId)?.AsString is not { } changeId)
            {
                result[i] = point;
                continue;
            }

            if (!ledger.TryGetValue(changeId, out var entry))
            {
                entry = new Entry(now, new Dictionary<string, long>(StringComparer.Ordinal));
                ledger[changeId] = entry;
            }

            seen = true;
            entry.LastWritten = now;
            if (entry.Times.TryGetValue(key, out var first))
            {
                if (first != point.TimestampNanoseconds)
                {
                    kept++;
                    point = point with { TimestampNanoseconds = first };
                }
            }
            else
            {
                entry.Times[key] = point.TimestampNanoseconds;
            }

            result[i] = point;
        }

        var cutoff = now - horizon;
        var pruned = ledger
            .Where(e => e.Value.LastWritten >= cutoff)
            .OrderByDescending(e => e.Value.LastWritten)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .Take(MaxChanges)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new WrittenChangeTimes(e.Key, e.Value.LastWritten, e.Value.Times))
            .ToList();
        return new StabilisedPoints(result, pruned, kept, seen || pruned.Count != ledger.Count);
    }

    /// <summary>
    /// The merged changes of <paramref name="pending"/> that this flow sees without an arrival although an earlier run
    /// wrote their arrival (a <c>change</c> point in the ledger): a change delivered and completed long ago, read again
    /// because of a late review comment, comes back without the deployment that carried it (that deployment is outside
    /// the read's window). It is not waiting for release: it must neither be kept as pending nor shown as waiting now.
    /// A change still on its way along the path is kept with its deployments, so it has its arrival here.
    /// </summary>
    public static IReadOnlySet<string> DeliveredEarlier(IEnumerable<PendingChange> pending, IEnumerable<WrittenChangeTimes> stored)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(stored);
        var arrived = stored.Where(c => c.Times.ContainsKey(ChangeKey)).Select(c => c.ChangeId).ToHashSet(StringComparer.Ordinal);
        return pending.Where(p => p.Arrived is null && arrived.Contains(p.ChangeId)).Select(p => p.ChangeId).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>What identifies a point among one change's points: its measurement and, for stages, the stage.</summary>
    private static string? KeyOf(FlowPoint point) => point.Measurement switch
    {
        FlowSchema.Measurements.ChangeStage when point.Tag(FlowSchema.Tags.Stage) is { } stage => StagePrefix + stage,
        FlowSchema.Measurements.Change => ChangeKey,
        _ => null,
    };

    private sealed class Entry(DateTimeOffset lastWritten, Dictionary<string, long> times)
    {
        public DateTimeOffset LastWritten { get; set; } = lastWritten;

        public Dictionary<string, long> Times { get; } = times;
    }
}

/// <summary>One change's entry in the <see cref="PointTimeLedger"/>: per point key, the timestamp (Unix ns) it was first written with.</summary>
public sealed record WrittenChangeTimes(string ChangeId, DateTimeOffset LastWritten, IReadOnlyDictionary<string, long> Times);

/// <summary>
/// The points to write, the ledger to keep once they are written, how many points kept an earlier time, and whether the
/// ledger differs from the stored one (a run that wrote no change point need not save it).
/// </summary>
public sealed record StabilisedPoints(IReadOnlyList<FlowPoint> Points, IReadOnlyList<WrittenChangeTimes> Ledger, int KeptTimes, bool LedgerChanged);
