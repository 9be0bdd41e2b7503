namespace FlowCollector.Domain.Points;

/// <summary>
/// The timestamp rule (docs/schema.md): a point's time is the moment the measured thing ended,
/// truncated to the second, plus a per-entity offset below one second. InfluxDB keeps one point per series
/// and timestamp, so the offset keeps two changes ending in the same second apart, while re-collecting
/// the same entity yields the identical timestamp (and overwrites instead of duplicating).
/// The offset puts the id's last three digits in the milliseconds and the rest below them, so stores that keep
/// only milliseconds (VictoriaMetrics, Prometheus-style backends) still keep apart ids that differ in those digits.
/// </summary>
public static class PointTimestamps
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>The timestamp for an entity that ended at <paramref name="end"/>.</summary>
    /// <param name="end">When the measured thing ended.</param>
    /// <param name="entityId">A pull-request number (used as-is, so distinct numbers below 10^9 never collide) or any other id (hashed).</param>
    public static long For(DateTimeOffset end, string entityId)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        var seconds = end.ToUnixTimeSeconds();
        return (seconds * NanosecondsPerSecond) + Discriminator(entityId);
    }

    /// <summary>The per-entity offset in [0, 10^9): <c>(id mod 1000)</c> milliseconds plus <c>(id / 1000 mod 10^6)</c> nanoseconds.</summary>
    public static long Discriminator(string entityId)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        var id = long.TryParse(entityId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : Hash(entityId);
        return ((id % 1000) * 1_000_000) + ((id / 1000) % 1_000_000);
    }

    private static long Hash(string entityId)
    {
        // FNV-1a: stable across processes and runtimes (string.GetHashCode is randomised per process).
        var hash = 14695981039346656037UL;
        foreach (var c in entityId)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return (long)(hash % NanosecondsPerSecond);
    }
}
