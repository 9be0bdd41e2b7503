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
/// 1.x: the time a user waits for a panel, well inside Grafana's 30 s data-source timeout (the suite holds them to
/// <see cref="Bound"/>, the target is measured as described there). Data:
/// <see cref="ScaleOrganisation"/> (≈ 650,000 points) in its own influxd, so other tests do not share its cores.
/// A query over the bound runs a second time and the faster run counts (the machine is shared with other builds; a query that is slow by
/// itself is slow both times). The slowest query is printed and recorded in docs/performance.md.
/// </summary>
public sealed class BoardsAtScaleTests
{
    private const string Database = "scale";

    /// <summary>The target a user waits for (issue 17).</summary>
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What the suite holds every query to: 5 × the target, which catches a panel regressing to where the slow ones were
    /// before issue 17 (8.5–17 s) without failing on a machine that is busy with other test servers (a clean-clone CI run
    /// once took over 30 s for one query). The target itself is measured with the class alone and
    /// <c>FLOWCOLLECTOR_BOARD_QUERY_BOUND=00:00:02</c> (docs/performance.md), and every query over it is listed.
    /// </summary>
    private static readonly TimeSpan Bound =
        TimeSpan.TryParse(Environment.GetEnvironmentVariable("FLOWCOLLECTOR_BOARD_QUERY_BOUND"), CultureInfo.InvariantCulture, out var bound) && bound > TimeSpan.Zero
            ? bound
            : TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_query_of_every_board_returns_within_the_bound_at_1000_repositories()
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
            // Every variable on "All" (its allValue), as the board opens: each variable's query sees the ones before it so.
            var expander = await DashboardQueries.ResolveAsync(board, influx, Database, from, to, null, ct);
            foreach (var variable in DashboardQueries.Variables(board).Where(v => (string?)v["type"] == "query"))
            {
                var text = expander.Expand((string)variable["query"]!);
                timings.Add(($"{name} variable {variable["name"]}", await TimeAsync(influx, text, ct), text));
            }

            foreach (var query in DashboardQueries.Of(name))
            {
                // A panel with its own relative time (timeFrom, e.g. 24h) queries that range, as Grafana does.
                var panel = DashboardQueries.Panels(board).Single(p => (int?)p["id"] == query.PanelId);
                var panelExpander = (string?)panel["timeFrom"] is { } timeFrom
                    ? await DashboardQueries.ResolveAsync(board, influx, Database, to - GrafanaQueryExpander.ParseDuration(timeFrom), to, null, ct)
                    : expander;
                var repeats = query.Repeat is null ? [null] : (await DashboardQueries.OptionsOfAsync(board, query.Repeat, influx, Database, from, to, null, ct)).Select(v => (string?)v).ToList();
                Assert.NotEmpty(repeats);
                foreach (var value in repeats)
                {
                    var run = value is null ? panelExpander : panelExpander.With(new VariableValue(query.Repeat!, [value], MultiOrAll: true));
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
        var report = string.Join(Environment.NewLine, slowest.Where((t, i) => i < 5 || t.Time >= TimeSpan.FromSeconds(1)).Select(t => $"{t.Time.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms  {t.Query}"));
        var overTarget = timings.Count(t => t.Time >= Target);
        TestContext.Current.SendDiagnosticMessage($"{points:N0} points written in {loading.Elapsed.TotalSeconds:F1} s; {timings.Count} queries, {overTarget} over the {Target.TotalSeconds} s target, the slowest:{Environment.NewLine}{report}");
        Console.WriteLine($"BoardsAtScale: {points:N0} points written in {loading.Elapsed.TotalSeconds:F1} s; {timings.Count} queries, {overTarget} over the {Target.TotalSeconds} s target; slowest:{Environment.NewLine}{report}");

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
            if (best < Target)
            {
                break; // within the target: no second run needed
            }
        }

        return best;
    }

    /// <summary>Two writers, 10 repositories (≈ 6,500 points) per request; returns the number of points.</summary>
    private static async Task<long> WriteAsync(InfluxDbServer influx, DateTimeOffset now, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = influx.Url, Timeout = TimeSpan.FromMinutes(5) };
        long points = 0;
        var batches = Enumerable.Range(0, ScaleOrganisation.Repositories).Chunk(10).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (batch, token) =>
        {
            var lines = string.Concat(batch.Select(i => ScaleOrganisation.Lines(i, now)));
            Interlocked.Add(ref points, lines.Count(c => c == '\n'));
            using var content = new StringContent(lines);
            using var response = await http.PostAsync(new Uri($"write?db={Database}&precision=ns", UriKind.Relative), content, token);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(token));
        });

        // The organisation rollup sums every repository, so it is written once the repositories' counts are known.
        var rollup = ScaleOrganisation.RollupLines(now);
        points += rollup.Count(c => c == '\n');
        using var rollupContent = new StringContent(rollup);
        using var written = await http.PostAsync(new Uri($"write?db={Database}&precision=ns", UriKind.Relative), rollupContent, ct);
        Assert.True(written.IsSuccessStatusCode, await written.Content.ReadAsStringAsync(ct));
        return points;
    }
}
