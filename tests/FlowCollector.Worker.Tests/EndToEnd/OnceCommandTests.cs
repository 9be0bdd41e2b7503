using System.Globalization;
using FlowCollector.Testing.Servers;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>The walking skeleton end to end: simulated GitHub → once → the sink, through the production code paths.</summary>
public sealed class OnceCommandTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task Once_writes_the_hand_worked_stage_points_to_a_real_InfluxDB_and_a_rerun_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (influx, config) = await scenario.StartInfluxAsync(ct);
        await using var server = influx;

        var first = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(first.Code == ExitCodes.Ok, first.Stdout + first.Stderr);
        var stages = await ReadStagesAsync(influx, ct);
        Assert.Equal(WorkerScenario.ExpectedStages.Order(), stages.Select(s => (s.Change, s.Stage, s.Seconds)).Order());
        Assert.All(stages, s => Assert.Equal("1", s.Schema));
        var sync = await influx.QueryRowsAsync("flow", "SELECT \"errors\", \"api_requests\" FROM \"collector_sync\" WHERE \"repo\" = 'web'", ct);
        Assert.Equal(0, Assert.Single(sync)["errors"].GetInt64());

        var second = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(second.Code == ExitCodes.Ok, second.Stdout + second.Stderr);
        var again = await ReadStagesAsync(influx, ct);
        Assert.Equal(stages.Order(), again.Order());
    }

    [Fact]
    public async Task Once_without_a_sink_writes_the_line_protocol_file_and_prints_the_summary()
    {
        var config = scenario.WriteConfig();

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        var lines = await File.ReadAllLinesAsync(scenario.PointsPath, TestContext.Current.CancellationToken);
        var stageLines = lines.Where(l => l.StartsWith("change_stage,", StringComparison.Ordinal)).ToList();
        Assert.Equal(WorkerScenario.ExpectedStages.Count, stageLines.Count);
        Assert.Contains(stageLines, l => l.StartsWith("change_stage,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=pickup change_id=\"1\",", StringComparison.Ordinal) && l.Contains("seconds=7200", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("collector_sync,", StringComparison.Ordinal));

        // Waiting now: #5 approved but not merged; #2 merged after the deployment, no CI, so waiting for a release.
        Assert.Contains(lines, l => l.StartsWith("stage_queue,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=merge count=1i,", StringComparison.Ordinal) && l.Contains("oldest_change_id=\"5\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("stage_queue,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=release_wait count=1i,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("stage_queue,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=pickup count=0i,stage_rule=\"pickup\",stage_order=3i ", StringComparison.Ordinal));

        // The summary: per stage the number of changes, median and p90 (nearest rank), and flow efficiency.
        Assert.Contains("ok      github:contoso/web", stdout, StringComparison.Ordinal);
        Assert.Matches(@"contoso/web\s+coding\s+process\s+3\s+1h00m\s+3h00m", stdout);
        Assert.Matches(@"contoso/web\s+pickup\s+wait\s+1\s+2h00m\s+2h00m", stdout);
        Assert.Matches(@"contoso/web\s+merge\s+wait\s+3\s+1h00m\s+4h00m", stdout);

        Assert.Matches(@"contoso/web\s+release_wait\s+wait\s+2\s+45m00s\s+3h00m", stdout);
        Assert.Matches(@"contoso/web\s+deploy:production\s+process\s+2\s+10m00s\s+10m00s", stdout);

        // Process (coding + review + deploy): 7800 + 10800 + 2400 = 21000 s of flow 18600 + 25200 + 16800 = 60600 s → 35 %.
        Assert.Contains("contoso/web: 3 changes, flow efficiency 35 %", stdout, StringComparison.Ordinal);

        // DORA over the 30-day window read: one production deployment carrying #1 (5 h 10 min) and #3 (4 h 40 min), nothing failed.
        Assert.Matches(@"github:contoso/web: DORA — 1 production deployments \(0\.03/day, \w+\), lead time median 4h40m, p90 5h10m \(Elite\), change failure rate 0 %, recovery n/a, rework rate 0 %", stdout);
        var changes = lines.Where(l => l.StartsWith("change,", StringComparison.Ordinal)).ToList();
        Assert.All(changes, c => Assert.StartsWith("change,environment=production,org=contoso,production=true,repo=web,schema=1,source=github ", c, StringComparison.Ordinal));
        Assert.Equal(["lead_seconds=16800", "lead_seconds=18600"], changes.Select(c => System.Text.RegularExpressions.Regex.Match(c, "lead_seconds=[0-9]+").Value).Order(StringComparer.Ordinal));
        var deployment = Assert.Single(lines, l => l.StartsWith("deployment,", StringComparison.Ordinal));
        Assert.Contains("changes=2i", deployment, StringComparison.Ordinal);
        Assert.Contains($"Points written to: file {scenario.PointsPath}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drafted_review_comments_a_direct_push_a_first_deployment_and_an_overlapping_one_give_the_hand_worked_stages()
    {
        var config = scenario.WriteConfig(repositories: ["fabrikam/shop"]);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        var lines = await File.ReadAllLinesAsync(scenario.PointsPath, TestContext.Current.CancellationToken);
        var stages = lines.Where(l => l.StartsWith("change_stage,", StringComparison.Ordinal)).ToList();
        Assert.Equal(scenario.ExpectedShopStages.Order(), stages.Select(StageOf).Order());
        Assert.DoesNotContain(stages, l => l.Contains("clamped=true", StringComparison.Ordinal));
        var leads = lines.Where(l => l.StartsWith("change,", StringComparison.Ordinal))
            .ToDictionary(l => Field(l, "change_id").Trim('"'), l => double.Parse(Field(l, "lead_seconds").TrimEnd('i'), CultureInfo.InvariantCulture));
        Assert.Equal(scenario.ExpectedShopLeadSeconds.OrderBy(p => p.Key), leads.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task A_failing_target_does_not_stop_the_others_and_once_exits_1()
    {
        var config = scenario.WriteConfig(repositories: ["contoso/missing", "contoso/web"]);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(code == ExitCodes.Failed, stdout + stderr);
        Assert.Contains("ok      github:contoso/web", stdout, StringComparison.Ordinal);
        Assert.Matches("FAILED  github:contoso/missing: .*Sources:GitHub:Repositories", stdout);
        var lines = await File.ReadAllLinesAsync(scenario.PointsPath, TestContext.Current.CancellationToken);
        Assert.Equal(WorkerScenario.ExpectedStages.Count, lines.Count(l => l.StartsWith("change_stage,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_rejected_token_is_reported_by_key_and_never_printed()
    {
        const string wrong = "ghp_wrong_token_value_0123456789";
        var config = scenario.WriteConfig(token: wrong);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("Sources:GitHub:Token", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(WorkerScenario.Token, stdout + stderr, StringComparison.Ordinal);
    }

    private static (string Change, string Stage, double Seconds) StageOf(string line) =>
        (Field(line, "change_id").Trim('"'), System.Text.RegularExpressions.Regex.Match(line, "(?<=[ ,]stage=)[^ ,]+").Value, double.Parse(Field(line, "seconds"), CultureInfo.InvariantCulture));

    /// <summary>A field of a line-protocol line (after the tags), as written.</summary>
    private static string Field(string line, string name) =>
        System.Text.RegularExpressions.Regex.Match(line, $"(?<=[ ,]{name}=)(\"[^\"]*\"|[^ ,]+)").Value;

    private static async Task<List<(string Change, string Stage, double Seconds, string Schema, long Time)>> ReadStagesAsync(InfluxDbServer influx, CancellationToken ct)
    {
        var rows = await influx.QueryRowsAsync("flow", "SELECT * FROM \"change_stage\"", ct);
        return rows.Select(r => (
                r["change_id"].GetString()!,
                r["stage"].GetString()!,
                r["seconds"].GetDouble(),
                r["schema"].GetString()!,
                r["time"].ValueKind == System.Text.Json.JsonValueKind.Number ? r["time"].GetInt64() : long.Parse(r["time"].GetString()!, CultureInfo.InvariantCulture)))
            .ToList();
    }
}
