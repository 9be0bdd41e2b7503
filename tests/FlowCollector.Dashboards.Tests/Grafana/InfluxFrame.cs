using System.Globalization;
using System.Text.Json;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>
/// One series as Grafana's InfluxQL data source turns a response into data frames (format "time series"): one frame
/// per InfluxDB series and value column, labelled with the series' tags.
/// </summary>
/// <param name="Measurement">The InfluxDB series name.</param>
/// <param name="Column">The value column (e.g. <c>percentile</c> or its alias).</param>
/// <param name="Labels">The series' tags (GROUP BY); empty without GROUP BY tags.</param>
/// <param name="Points">Time (Unix ns) and value; null for a JSON null or a non-numeric value.</param>
public sealed record InfluxFrame(string Measurement, string Column, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(long Time, double? Value)> Points)
{
    /// <summary>The last point's value, or null without points.</summary>
    public double? Last => Points.Count == 0 ? null : Points[^1].Value;

    /// <summary>Runs <paramref name="influxQl"/> (already interpolated) and converts the response into frames.</summary>
    public static async Task<IReadOnlyList<InfluxFrame>> QueryAsync(InfluxDbServer influx, string database, string influxQl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(influx);
        var root = await influx.QueryAsync(database, influxQl, cancellationToken);
        return FromResponse(root);
    }

    public static IReadOnlyList<InfluxFrame> FromResponse(JsonElement root)
    {
        var frames = new List<InfluxFrame>();
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            if (!result.TryGetProperty("series", out var seriesList))
            {
                continue;
            }

            foreach (var series in seriesList.EnumerateArray())
            {
                var name = series.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                var labels = series.TryGetProperty("tags", out var tags)
                    ? tags.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString() ?? "", StringComparer.Ordinal)
                    : new Dictionary<string, string>(StringComparer.Ordinal);
                var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
                var rows = series.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().ToList()).ToList();
                for (var c = 1; c < columns.Count; c++)
                {
                    var points = rows.Select(r => (Time(r[0]), Number(r[c]))).ToList();
                    frames.Add(new InfluxFrame(name, columns[c], labels, points));
                }
            }
        }

        return frames;
    }

    private static long Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => null,
    };
}
