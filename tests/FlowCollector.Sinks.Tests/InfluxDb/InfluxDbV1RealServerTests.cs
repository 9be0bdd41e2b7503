using System.Text.Json;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.Tests.LineProtocol;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>The V1 path against a real InfluxDB 1.6 (Debian's influxd): what goes in comes back exactly.</summary>
public sealed class InfluxDbV1RealServerTests(InfluxDbServerFixture fixture) : IClassFixture<InfluxDbServerFixture>
{
    [Fact]
    public async Task Change_stage_points_read_back_with_identical_tags_fields_and_timestamps()
    {
        var (server, database) = await DatabaseAsync();
        var points = ChangeStageFixture.Realistic();
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database)));

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        var rows = await server.QueryRowsAsync(database, "SELECT * FROM change_stage", TestContext.Current.CancellationToken);
        Assert.Equal(points.Count, rows.Count);
        foreach (var point in points)
        {
            var row = Assert.Single(rows, r => r["time"].GetInt64() == point.TimestampNanoseconds && r["stage"].GetString() == point.Tag("stage") && r["repo"].GetString() == point.Tag("repo"));
            AssertRowIs(point, row);
        }
    }

    [Fact]
    public async Task Writing_the_same_batch_twice_leaves_the_same_points()
    {
        var (server, database) = await DatabaseAsync();
        var points = ChangeStageFixture.Realistic();
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database), ("BatchSize", "7")));

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);
        var once = await server.QueryRowsAsync(database, "SELECT * FROM change_stage", TestContext.Current.CancellationToken);
        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);
        var twice = await server.QueryRowsAsync(database, "SELECT * FROM change_stage", TestContext.Current.CancellationToken);

        Assert.Equal(points.Count, once.Count);
        Assert.Equal(Render(once), Render(twice));
        var count = await server.QueryRowsAsync(database, "SELECT COUNT(seconds) FROM change_stage", TestContext.Current.CancellationToken);
        Assert.Equal(points.Count, Assert.Single(count)["count"].GetInt32());
    }

    [Fact]
    public async Task Two_changes_ending_in_the_same_second_are_both_stored()
    {
        var (server, database) = await DatabaseAsync();
        var points = ChangeStageFixture.SameSecond();
        Assert.Equal(points[0].TimestampNanoseconds / 1_000_000_000, points[1].TimestampNanoseconds / 1_000_000_000);
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database)));

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        var rows = await server.QueryRowsAsync(database, "SELECT change_id, seconds FROM change_stage WHERE stage = 'ci'", TestContext.Current.CancellationToken);
        Assert.Equal(["44", "45"], rows.Select(r => r["change_id"].GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(points.Select(p => p.TimestampNanoseconds).Order(), rows.Select(r => r["time"].GetInt64()).Order());
    }

    [Fact]
    public async Task Every_field_type_and_float_edge_value_round_trips()
    {
        var (server, database) = await DatabaseAsync();
        double[] floats = [0, 0.5, 1e6, 1e-7, 1e20, -1.2345e-7, 1.0 / 3, double.Epsilon, double.MaxValue, 1e15 + 0.5];
        var points = floats.Select((value, i) => LineProtocolWriterTests.P(
            "collector_sync",
            [("org", "contoso"), ("result", "success"), ("schema", "1")],
            [("lag_seconds", FieldValue.Of(value)), ("api_requests", FieldValue.Of(long.MaxValue - i)), ("errors", FieldValue.Of((long)-i)), ("note", FieldValue.Of($"q\"b\\{i}")), ("ok", FieldValue.Of(i % 2 == 0))],
            1_741_003_200_000_000_000 + i)).ToList();
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database), ("Gzip", "false")));

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        var rows = await server.QueryRowsAsync(database, "SELECT * FROM collector_sync", TestContext.Current.CancellationToken);
        Assert.Equal(points.Count, rows.Count);
        foreach (var point in points)
        {
            AssertRowIs(point, Assert.Single(rows, r => r["time"].GetInt64() == point.TimestampNanoseconds));
        }

        var types = await server.QueryRowsAsync(database, "SHOW FIELD KEYS FROM collector_sync", TestContext.Current.CancellationToken);
        Assert.Equal(
            ["api_requests:integer", "errors:integer", "lag_seconds:float", "note:string", "ok:boolean"],
            types.Select(t => $"{t["fieldKey"].GetString()}:{t["fieldType"].GetString()}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missing_database_is_a_permanent_error_naming_the_key()
    {
        var server = await fixture.ServerAsync(TestContext.Current.CancellationToken);
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", "does_not_exist")));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(ChangeStageFixture.SameSecond(), TestContext.Current.CancellationToken));

        Assert.True(e.Permanent);
        Assert.Contains("Sinks:InfluxDb:Database", e.Message, StringComparison.Ordinal);
        Assert.Contains("database not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_type_conflict_is_a_permanent_error_carrying_influxdbs_text()
    {
        var (server, database) = await DatabaseAsync();
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database)));
        await provider.Sink().WriteAsync([LineProtocolWriterTests.P("m", [], [("v", FieldValue.Of(1.5))], 1)], TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync([LineProtocolWriterTests.P("m", [], [("v", FieldValue.Of("text"))], 2)], TestContext.Current.CancellationToken));

        Assert.True(e.Permanent);
        Assert.Contains("field type conflict", e.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 400", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Points_older_than_the_retention_policy_count_as_written_and_the_rest_is_stored()
    {
        var server = await fixture.ServerAsync(TestContext.Current.CancellationToken);
        var database = $"short_{Guid.NewGuid():N}";
        await server.QueryAsync(null, $"CREATE DATABASE {database} WITH DURATION 1h", TestContext.Current.CancellationToken);
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database)));
        var recent = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60) * 1_000_000_000;

        await provider.Sink().WriteAsync(
            [LineProtocolWriterTests.P("m", [], [("v", FieldValue.Of(1L))], 1), LineProtocolWriterTests.P("m", [], [("v", FieldValue.Of(2L))], recent)],
            TestContext.Current.CancellationToken);

        var rows = await server.QueryRowsAsync(database, "SELECT v FROM m", TestContext.Current.CancellationToken);
        Assert.Equal(2, Assert.Single(rows)["v"].GetInt64());
    }

    [Fact]
    public async Task Check_passes_against_the_real_server()
    {
        var (server, database) = await DatabaseAsync();
        using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database)));

        Assert.Null(await provider.Sink().CheckAsync(TestContext.Current.CancellationToken));
    }

    private static void AssertRowIs(FlowPoint point, IReadOnlyDictionary<string, JsonElement> row)
    {
        var context = $"{point.Measurement} {point.Tag("repo")}/{point.Tag("stage")}@{point.TimestampNanoseconds}";
        foreach (var (key, value) in point.Tags)
        {
            Assert.True(value == row[key].GetString(), $"{context}: tag {key} expected '{value}', got {row[key]}");
        }

        foreach (var (key, value) in point.Fields)
        {
            var stored = row[key];
            var same = value.Type switch
            {
                FieldType.Float => stored.GetDouble() == value.AsFloat,
                FieldType.Integer => stored.GetInt64() == value.AsInteger,
                FieldType.String => stored.GetString() == value.AsString,
                _ => stored.GetBoolean() == value.AsBoolean,
            };
            Assert.True(same, $"{context}: field {key} expected {value}, got {stored}");
        }

        // Nothing else was stored for this point: every other column is empty (null).
        var written = point.Tags.Select(t => t.Key).Concat(point.Fields.Select(f => f.Key)).Append("time").ToHashSet(StringComparer.Ordinal);
        Assert.All(row.Where(c => !written.Contains(c.Key)), c => Assert.Equal(JsonValueKind.Null, c.Value.ValueKind));
    }

    private static List<string> Render(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows) =>
        [.. rows.Select(r => string.Join(",", r.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value.GetRawText()}")))];

    private async Task<(InfluxDbServer Server, string Database)> DatabaseAsync()
    {
        var server = await fixture.ServerAsync(TestContext.Current.CancellationToken);
        var database = $"flow_{Guid.NewGuid():N}";
        await server.CreateDatabaseAsync(database, TestContext.Current.CancellationToken);
        return (server, database);
    }
}
