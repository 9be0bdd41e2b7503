namespace FlowCollector.Domain.Statistics;

/// <summary>
/// A repository's recently arrived changes and their waits, kept between runs so the constraint of a rolling 28 days
/// (and the 28 days before, for the trend) can be computed by a run that read only the last hour. A change read again
/// replaces its entry (a late review comment or a re-run found later corrects it); entries older than
/// <see cref="Horizon"/> are dropped, and at most <see cref="MaxChanges"/> newest are kept, so the ledger is bounded.
/// </summary>
public static class ArrivedWaitsLedger
{
    /// <summary>Two rolling 28-day periods: the current one and the one it is compared with.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(56);

    /// <summary>Bound on a repository's ledger (about 90 changes a day over the horizon; more arrive only in very busy repositories, which then keep their newest).</summary>
    public const int MaxChanges = 5000;

    /// <summary>The stored entries with <paramref name="arrived"/> merged in (by change id, newest wins), pruned to the horizon before <paramref name="now"/>.</summary>
    public static IReadOnlyList<ArrivedChangeWaits> Merge(IEnumerable<ArrivedChangeWaits> stored, IEnumerable<ArrivedChangeWaits> arrived, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(arrived);
        var byId = new Dictionary<string, ArrivedChangeWaits>(StringComparer.Ordinal);
        foreach (var change in stored.Concat(arrived))
        {
            byId[change.ChangeId] = change;
        }

        var cutoff = now - Horizon;
        return [.. byId.Values
            .Where(c => c.Arrived >= cutoff)
            .OrderByDescending(c => c.Arrived)
            .ThenBy(c => c.ChangeId, StringComparer.Ordinal)
            .Take(MaxChanges)
            .OrderBy(c => c.Arrived)
            .ThenBy(c => c.ChangeId, StringComparer.Ordinal)];
    }

    /// <summary>Monday 00:00 UTC of the ISO week holding <paramref name="time"/>.</summary>
    public static DateTimeOffset WeekStart(DateTimeOffset time)
    {
        var day = time.UtcDateTime.Date;
        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return new DateTimeOffset(day.AddDays(-sinceMonday), TimeSpan.Zero);
    }
}
