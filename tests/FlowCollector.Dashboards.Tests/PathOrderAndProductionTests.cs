using System.Globalization;
using System.Text;
using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// Issue 16 item 3: boards and alert rules know no repository's path. Two repositories with different paths are written
/// in the schema's shape — contoso/web <c>staging → prod-eu → prod-us</c> with the default stages, contoso/legacy
/// <c>QA → PROD</c> with a stream that has no backlog and no CI stages — and the value-stream board's stage queries
/// return each repository's stages in its own path order from the <c>stage_order</c> field alone; the change-failure-rate
/// rule counts every deployment tagged <c>production=true</c> (PROD, prod-eu, prod-us) and none to staging or QA.
/// </summary>
public sealed class PathOrderAndProductionTests(CollectedOrganisation organisation)
{
    private const string Paths = "paths";
    private const string Failures = "production_failures";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    // The stage_order each repository's stream gives its stages (StageSpan.Order, 1-based). web: the default stream,
    // backlog = 1 (no work items here, so it never appears). legacy: coding 1, pickup 2, review 3, merge 4,
    // release_wait 5, deploy:QA 6, promotion_wait:PROD 7, deploy:PROD 8.
    private static readonly (string Stage, string Kind, int Order)[] WebPath =
    [
        ("coding", "process", 2), ("pickup", "wait", 3), ("review", "process", 4), ("merge", "wait", 5), ("ci_queue", "wait", 6),
        ("ci", "process", 7), ("release_wait", "wait", 8), ("deploy:staging", "process", 9), ("promotion_wait:prod-eu", "wait", 10),
        ("deploy:prod-eu", "process", 11), ("promotion_wait:prod-us", "wait", 12), ("deploy:prod-us", "process", 13),
    ];

    private static readonly (string Stage, string Kind, int Order)[] LegacyPath =
    [
        ("coding", "process", 1), ("pickup", "wait", 2), ("review", "process", 3), ("merge", "wait", 4), ("release_wait", "wait", 5),
        ("deploy:QA", "process", 6), ("promotion_wait:PROD", "wait", 7), ("deploy:PROD", "process", 8),
    ];

    [Fact]
    public async Task The_path_table_lists_each_repository_s_stages_in_its_own_path_order()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync(influx, Paths, StagePoints(), ct);
        var board = GrafanaFiles.Dashboard("value-stream.json");
        var panel = Assert.Single(DashboardQueries.Panels(board), p => (string?)p["title"] == "Each repository's path — its stages in stream order");
        var query = Assert.Single(DashboardQueries.Of("value-stream.json"), q => q.PanelId == (int)panel["id"]!);
        var expander = await DashboardQueries.ResolveAsync(board, influx, Paths, Now.AddDays(-30), Now, null, ct);

        var frames = await InfluxFrame.QueryAsync(influx, Paths, expander.Expand(query.Query, expander.Interval(query.MinInterval)), ct);

        // The table sorts its rows as the panel says (org, repo, then position); the test sorts the same way.
        Assert.Equal(["org", "repo", "position"], panel["options"]!["sortBy"]!.AsArray().Select(s => (string)s!["displayName"]!));
        var rows = frames.Where(f => f.Column == "position")
            .Select(f => (Org: f.Labels["org"], Repo: f.Labels["repo"], Stage: f.Labels["stage"], Position: f.Last!.Value))
            .OrderBy(r => r.Org, StringComparer.Ordinal).ThenBy(r => r.Repo, StringComparer.Ordinal).ThenBy(r => r.Position)
            .ToList();
        Assert.Equal(LegacyPath.Select(s => (s.Stage, (double)s.Order)), rows.Where(r => r.Repo == "legacy").Select(r => (r.Stage, r.Position)));
        Assert.Equal(WebPath.Select(s => (s.Stage, (double)s.Order)), rows.Where(r => r.Repo == "web").Select(r => (r.Stage, r.Position)));

        // Median and count per stage: web's deploy:prod-us took 100, 200, 300 s (median 200 s) over 3 changes.
        var prodUs = frames.Where(f => f.Labels["repo"] == "web" && f.Labels["stage"] == "deploy:prod-us").ToDictionary(f => f.Column, f => f.Last);
        Assert.Equal(200, prodUs["median"]);
        Assert.Equal(3, prodUs["changes"]);
    }

    [Fact]
    public async Task The_stage_variable_offers_a_repository_s_stages_in_its_path_order_so_the_map_repeats_in_that_order()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync(influx, Paths, StagePoints(), ct);
        var board = GrafanaFiles.Dashboard("value-stream.json");

        async Task<IReadOnlyList<string>> StagesOf(string? repo) => await DashboardQueries.OptionsOfAsync(
            board, "stage", influx, Paths, Now.AddDays(-30), Now, repo is null ? null : new Dictionary<string, IReadOnlyList<string>> { ["repo"] = [repo] }, ct);

        Assert.Equal(WebPath.Select(s => s.Stage), await StagesOf("web"));
        Assert.Equal(LegacyPath.Select(s => s.Stage), await StagesOf("legacy"));

        // All repositories: every stage once, ordered by the mean position over the points (3 changes each), e.g.
        // coding (2+2+2+1+1+1)/6 = 1.5 first; deploy:prod-us 13 last.
        var all = await StagesOf(null);
        Assert.Equal(WebPath.Select(s => s.Stage).Union(LegacyPath.Select(s => s.Stage)).Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        Assert.Equal(("coding", "deploy:prod-us"), (all[0], all[^1]));
    }

    [Fact]
    public async Task On_the_collected_organisation_the_stage_variable_follows_the_collector_s_path_order()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var board = GrafanaFiles.Dashboard("value-stream.json");

        // The collected organisation's stream: the default stages with staging → production (backlog only with work items).
        var stages = await DashboardQueries.OptionsOfAsync(board, "stage", influx, CollectedOrganisation.Database, organisation.CollectedAt.AddDays(-30), organisation.CollectedAt, null, ct);

        Assert.Equal(
            ["coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:staging", "promotion_wait:production", "deploy:production"],
            stages.Where(s => s != "backlog"));
    }

    [Fact]
    public async Task The_change_failure_rate_rule_counts_every_production_environment_and_no_other()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync(influx, Failures, DeploymentPoints(), ct);
        var rule = AlertRule.All(GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile)).Single(r => r.Uid == "flowcollector-change-failure-rate");

        var evaluation = await AlertEvaluator.EvaluateAsync(rule, influx, Failures, Now, ct);

        var rates = evaluation.Numbers["B"].ToDictionary(n => n.Labels["repo"], n => n.Value);

        // web: prod-eu success + failure, prod-us success + a successful rollback = 4 production attempts, 2 failed → 0.5;
        // its three staging failures do not count. legacy: PROD 3 successes + 1 error → 0.25; QA's failure does not count.
        // api: 4 production successes → 0, although 4 staging deployments failed (counted, they would make it 0.5).
        Assert.Equal(new Dictionary<string, double> { ["api"] = 0, ["legacy"] = 0.25, ["web"] = 0.5 }, rates);
        // 4 production attempts each — the minimum count is production only too — below the 10 the rule needs for a verdict:
        // 0.5 and 0.25 are over the 15 % threshold, yet nothing fires (AlertOrganisationTests fires it on 20).
        Assert.Equal(new Dictionary<string, double> { ["api"] = 4, ["legacy"] = 4, ["web"] = 4 }, evaluation.Numbers["M"].ToDictionary(n => n.Labels["repo"], n => n.Value));
        Assert.Equal([1d, 1d], evaluation.Numbers["C"].Where(n => n.Value == 1).Select(n => n.Value));
        Assert.Empty(evaluation.Firing);
    }

    /// <summary>Three changes per repository, each through every stage of its path: stage i of change c lasts (c + 1) × 100 s.</summary>
    private static string StagePoints()
    {
        var lines = new StringBuilder();
        foreach (var (repo, path) in new[] { ("web", WebPath), ("legacy", LegacyPath) })
        {
            lines.Append(CultureInfo.InvariantCulture, $"collector_sync,org=contoso,repo={repo},result=success,schema=1,source=github last_success={Now.AddMinutes(-5).ToUnixTimeSeconds()}i,lag_seconds=60,api_requests=3i,errors=0i {Nanoseconds(Now.AddMinutes(-5))}\n");
            for (var change = 0; change < 3; change++)
            {
                var at = Now.AddDays(-(change + 1));
                foreach (var (stage, kind, order) in path)
                {
                    at = at.AddMinutes(10);
                    lines.Append(CultureInfo.InvariantCulture, $"change_stage,kind={kind},org=contoso,repo={repo},schema=1,source=github,stage={stage} change_id=\"{change}\",clamped=false,direct=false,seconds={(change + 1) * 100},stage_order={order}i {Nanoseconds(at) + change}\n");
                }
            }
        }

        return lines.ToString();
    }

    private static string DeploymentPoints()
    {
        var lines = new StringBuilder();
        var id = 0;
        void Deployment(string repo, string environment, bool production, string result, bool rollback = false)
        {
            id++;
            lines.Append(CultureInfo.InvariantCulture, $"deployment,environment={environment},org=contoso,production={(production ? "true" : "false")},repo={repo},result={result},schema=1,source=github ");
            lines.Append(CultureInfo.InvariantCulture, $"changes=1i,deployment_id=\"{id}\",duration_seconds=60,redeploy=false,rework=false,rollback={(rollback ? "true" : "false")} {Nanoseconds(Now.AddHours(-id))}\n");
        }

        Deployment("web", "staging", false, "failure");
        Deployment("web", "staging", false, "failure");
        Deployment("web", "staging", false, "error");
        Deployment("web", "prod-eu", true, "success");
        Deployment("web", "prod-eu", true, "failure");
        Deployment("web", "prod-us", true, "success");
        Deployment("web", "prod-us", true, "success", rollback: true);
        Deployment("legacy", "QA", false, "failure");
        Deployment("legacy", "PROD", true, "success");
        Deployment("legacy", "PROD", true, "success");
        Deployment("legacy", "PROD", true, "error");
        Deployment("legacy", "PROD", true, "success");
        for (var i = 0; i < 4; i++)
        {
            Deployment("api", "staging", false, "failure");
            Deployment("api", "production", true, "success");
        }

        return lines.ToString();
    }

    private static async Task WriteAsync(Testing.Servers.InfluxDbServer influx, string database, string lines, CancellationToken ct)
    {
        await influx.CreateDatabaseAsync(database, ct);
        await KeyNumberTests.WriteAsync(influx, database, lines, ct);
    }

    private static long Nanoseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() * 1_000_000;
}
