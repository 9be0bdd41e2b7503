namespace FlowCollector.Domain.Statistics;

/// <summary>
/// Percentiles by the nearest-rank method — the method InfluxQL's <c>PERCENTILE()</c> uses, so the
/// command-line summary and the Grafana boards agree on the same data.
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
