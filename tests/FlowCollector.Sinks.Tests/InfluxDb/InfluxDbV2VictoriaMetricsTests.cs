using FlowCollector.Domain.Points;
using FlowCollector.Sinks.Tests.LineProtocol;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>
/// The V2 path (InfluxDB.Client, <c>/api/v2/write</c>) against a real VictoriaMetrics. It keeps millisecond
/// timestamps, turns field <c>f</c> of measurement <c>m</c> into metric <c>m_f</c> and booleans into 1/0, and has
/// no string type (1.79.5 stores a string field as the number 0), so string fields are left out of the comparison.
/// Its millisecond precision also merges two changes ending within the same millisecond, so that case is tested
/// against InfluxDB only.
/// </summary>
public sealed class InfluxDbV2VictoriaMetricsTests(VictoriaMetricsServerFixture fixture) : IClassFixture<VictoriaMetricsServerFixture>
{
    [Fact]
    public async Task Every_numeric_field_arrives_with_its_tags_and_millisecond_timestamp()
    {
        var server = await fixture.ServerAsync(TestContext.Current.CancellationToken);
        var points = ChangeStageFixture.Realistic().Append(LineProtocolWriterTests.P(
            "collector_sync",
            [("org", "contoso"), ("repo", "web"), ("result", "success"), ("schema", "1"), ("source", "github")],
            [("api_requests", FieldValue.Of(118L)), ("lag_seconds", FieldValue.Of(0.5)), ("last_success", FieldValue.Of(1_741_003_200L))],
            1_741_003_200_123_000_000)).ToList();
        var expected = points
            .SelectMany(p => p.Fields.Where(f => f.Value.Type != FieldType.String).Select(f => (Point: p, Field: f.Key, Value: Numeric(f.Value))))
            .ToList();
        using var provider = SinkProvider.Build(SinkProvider.V2(server.Url.AbsoluteUri));

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        var series = await server.ExportUntilAsync(
            """{__name__=~"(change_stage|collector_sync)_.*"}""",
            s => s.Sum(x => x.Values.Count) >= expected.Count,
            TimeSpan.FromSeconds(15),
            TestContext.Current.CancellationToken);
        foreach (var (point, field, value) in expected)
        {
            var name = $"{point.Measurement}_{field}";
            var match = Assert.Single(series, s => s.Name == name && SameTags(s.Labels, point));
            var at = point.TimestampNanoseconds / 1_000_000;
            var index = match.TimestampsMilliseconds.ToList().IndexOf(at);
            Assert.True(index >= 0, $"{name} {point.Tag("repo")}/{point.Tag("stage")}: no sample at {at} ms (has {string.Join(",", match.TimestampsMilliseconds)}); VictoriaMetrics log:\n{server.Log}");
            Assert.Equal(value, match.Values[index]);
        }

        var numericSeries = series.Where(s => !s.Name.EndsWith("_change_id", StringComparison.Ordinal) && !s.Name.EndsWith("_url", StringComparison.Ordinal));
        Assert.Equal(expected.Count, numericSeries.Sum(s => s.Values.Count));
    }

    [Fact]
    public async Task Check_passes_against_the_real_server()
    {
        var server = await fixture.ServerAsync(TestContext.Current.CancellationToken);
        using var provider = SinkProvider.Build(SinkProvider.V2(server.Url.AbsoluteUri));

        Assert.Null(await provider.Sink().CheckAsync(TestContext.Current.CancellationToken));
    }

    private static double Numeric(FieldValue value) => value.Type switch
    {
        FieldType.Float => value.AsFloat,
        FieldType.Integer => value.AsInteger,
        _ => value.AsBoolean ? 1 : 0,
    };

    private static bool SameTags(IReadOnlyDictionary<string, string> labels, FlowPoint point)
    {
        // VictoriaMetrics may add a "db" label from the bucket; everything else must be exactly the point's tags.
        var tags = labels.Where(l => l.Key is not "__name__" and not "db").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}");
        return tags.SequenceEqual(point.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
    }
}
