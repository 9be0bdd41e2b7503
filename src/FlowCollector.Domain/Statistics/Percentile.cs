namespace FlowCollector.Domain.Statistics;

/// <summary>
/// Percentiles by the nearest-rank method (rank ⌈n·p⌉). InfluxQL's <c>PERCENTILE()</c> takes rank ⌊n·p + 0.5⌋
/// instead, so the Grafana boards use a query that lands on this value (docs/metrics.md); the command-line summary
/// and the boards agree on the same data.
/// </summary>
public static class Percentile
{
    /// <summary>The <paramref name="percent"/>-th percentile (0 &lt; percent ≤ 100) of <paramref name="sortedValues"/>, or null when empty.</summary>
    public static double? NearestRank(IReadOnlyList<double> sortedValues, double percent)
    {
        ArgumentNullException.ThrowIfNull(sortedValues);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sortedValues.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sortedValues.Count);
        return sortedValues[Math.Clamp(rank, 1, sortedValues.Count) - 1];
    }
}
