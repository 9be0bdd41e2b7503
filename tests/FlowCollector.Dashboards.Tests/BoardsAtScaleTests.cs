using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// Issue 17: at 1,000 repositories every query a board sends — variables, panels (a repeated panel once per value),
/// annotations — with every variable on "All" and the boards' default range (30 days) returns within 2 s on InfluxDB
/// 1.x: the time a user waits for a panel, well inside Grafana's 30 s data-source timeout. Data:
/// <see cref="ScaleOrganisation"/> (≈ 940,000 points) in its own influxd, so other tests do not share its cores.
/// Each query runs twice and the faster run counts (the machine is shared with other builds; a query that is slow by
/// itself is slow both times). The slowest query is printed and recorded in docs/performance.md.
/// </summary>
public sealed class BoardsAtScaleTests
{
    private const string Database = "scale";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Every_query_of_every_board_returns_within_2_seconds_at_1000_repositories()
    {
        RequiredBinary.Find(InfluxDbServer.BinaryPath, InfluxDbServer.DebianPackage);
        var ct = TestContext.Current.CancellationToken;
        await using var influx = await InfluxDbServer.StartAsync(ct);
        await influx.CreateDatabaseAsync(Database, ct);
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var loading = Stopwatch.StartNew();
        var points = await WriteAsync(influx, now, ct);
        loading.Stop();

        var from = now.AddDays(-30);
        var to = now.AddSeconds(1);
        var timings = new List<(string Query, TimeSpan Time, string Text)>();
        foreach (var name in GrafanaFiles.DashboardNames)
        {
            var board = GrafanaFiles.Dashboard(name);
            var expander = new GrafanaQueryExpander(from, to);
            foreach (var variable in DashboardQueries.Variables(board).Where(v => (string?)v["type"] == "query"))
            {
                var text = expander.Expand((string)variable["query"]!);
                timings.Add(($"{name} variable {variable["name"]}", await TimeAsync(influx, text, ct), text));
            }

            expander = await DashboardQueries.ResolveAsync(board, influx, Database, from, to, null, ct);
            foreach (var query in DashboardQueries.Of(name))
            {
                var repeats = query.Repeat is null ? [null] : (await DashboardQueries.OptionsOfAsync(board, query.Repeat, influx, Database, from, to, null, ct)).Select(v => (string?)v).ToList();
                Assert.NotEmpty(repeats);
                foreach (var value in repeats)
                {
                    var run = value is null ? expander : expander.With(new VariableValue(query.Repeat!, [value], MultiOrAll: true));
                    var text = run.Expand(query.Query, run.Interval(query.MinInterval));
                    timings.Add(($"{name} panel {query.PanelId} '{query.PanelTitle}' {query.RefId}{(value is null ? "" : $" [{value}]")}", await TimeAsync(influx, text, ct), text));
                }
            }

            foreach (var annotation in Annotations(board))
            {
                var text = expander.Expand((string)annotation["query"]!);
                timings.Add(($"{name} annotation '{annotation["name"]}'", await TimeAsync(influx, text, ct), text));
            }
        }

        var slowest = timings.OrderByDescending(t => t.Time).ToList();
        var report = string.Join(Environment.NewLine, slowest.Take(5).Select(t => $"{t.Time.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms  {t.Query}"));
        TestContext.Current.SendDiagnosticMessage($"{points:N0} points written in {loading.Elapsed.TotalSeconds:F1} s; {timings.Count} queries, the slowest:{Environment.NewLine}{report}");
        Console.WriteLine($"BoardsAtScale: {points:N0} points written in {loading.Elapsed.TotalSeconds:F1} s; {timings.Count} queries; slowest:{Environment.NewLine}{report}");

        Assert.True(timings.Count > 100, $"only {timings.Count} queries");
        Assert.All(slowest, t => Assert.True(t.Time < Bound, $"{t.Query} took {t.Time.TotalMilliseconds:F0} ms at {ScaleOrganisation.Repositories} repositories (bound {Bound.TotalSeconds} s):{Environment.NewLine}{t.Text}"));
    }

    internal static IEnumerable<JsonObject> Annotations(JsonObject board) =>
        board["annotations"]?["list"]?.AsArray().OfType<JsonObject>().Where(a => a["query"] is not null) ?? [];

    private static async Task<TimeSpan> TimeAsync(InfluxDbServer influx, string text, CancellationToken ct)
    {
        var best = TimeSpan.MaxValue;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var watch = Stopwatch.StartNew();
            await influx.QueryAsync(Database, text, ct);
            watch.Stop();
            best = watch.Elapsed < best ? watch.Elapsed : best;
            if (best < TimeSpan.FromMilliseconds(200))
            {
                break; // clearly fast: no second run needed
            }
        }

        return best;
    }

    /// <summary>Two writers, 50 repositories per request; returns the number of points.</summary>
    private static async Task<long> WriteAsync(InfluxDbServer influx, DateTimeOffset now, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = influx.Url, Timeout = TimeSpan.FromMinutes(5) };
        long points = 0;
        var batches = Enumerable.Range(0, ScaleOrganisation.Repositories).Chunk(50).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (batch, token) =>
        {
            var lines = string.Concat(batch.Select(i => ScaleOrganisation.Lines(i, now)));
            Interlocked.Add(ref points, lines.Count(c => c == '\n'));
            using var content = new StringContent(lines);
            using var response = await http.PostAsync(new Uri($"write?db={Database}&precision=ns", UriKind.Relative), content, token);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(token));
        });
        return points;
    }
}
