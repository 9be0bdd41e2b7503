namespace FlowCollector.Bench.Measurement;

/// <summary>Medians over repetitions: robust against the odd repetition a GC or the other core's load slowed down.</summary>
internal static class Median
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values to take the median of.", nameof(values));
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static TimeSpan Of(IEnumerable<TimeSpan> values) =>
        TimeSpan.FromTicks((long)Of(values.Select(v => (double)v.Ticks)));

    public static double Of(IEnumerable<long> values) => Of(values.Select(v => (double)v));
}
