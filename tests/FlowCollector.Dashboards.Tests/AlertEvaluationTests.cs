using System.Globalization;
using System.Text;
using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// The alert rules, evaluated as Grafana evaluates them (queries with their relative time ranges, then reduce, math
/// and threshold), against datasets in the schema's shape written to InfluxDB: each fires on the situation it is for
/// and stays quiet on the baseline. Against the collected organisation, every rule's queries return data and agree
/// with the engine.
/// </summary>
public sealed class AlertEvaluationTests(CollectedOrganisation organisation)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static AlertRule Rule(string uid) => AlertRule.All(GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile)).Single(r => r.Uid == uid);

    [Fact]
    public async Task Wait_rising_fires_for_the_stage_whose_pickup_wait_rose_and_not_on_the_baseline()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        await WriteDatasetAsync(influx, "wait_baseline", PickupWaits(rise: false), ct);
        await WriteDatasetAsync(influx, "wait_rise", PickupWaits(rise: true), ct);

        var baseline = await AlertEvaluator.EvaluateAsync(Rule("flowcollector-wait-rising"), influx, "wait_baseline", Now, ct);
        var rise = await AlertEvaluator.EvaluateAsync(Rule("flowcollector-wait-rising"), influx, "wait_rise", Now, ct);

        Assert.True(baseline.State == AlertEvaluation.Normal, baseline.ToString());
        Assert.Equal(2, baseline.Condition.Count); // pickup and merge of contoso/web, both evaluated
        Assert.True(rise.State == AlertEvaluation.Alerting, rise.ToString());
        var firing = Assert.Single(rise.Firing);
        Assert.Equal("pickup", firing.Labels["stage"]);
        Assert.Equal("web", firing.Labels["repo"]);

        // Hand-worked: the last 7 days hold 21 waits of 3 h, 4.5 h, 6 h, 7.5 h (p75 = 6 h); 28 days add 63 waits of 1–2.5 h,
        // so the 28-day p75 (the 63rd of 84) is 2.5 h: 21600 / 9000 = 2.4.
        var ratio = rise.Numbers["E"].Single(n => n.Labels["stage"] == "pickup").Value;
        Assert.Equal(2.4, ratio, 12);
    }

    [Fact]
    public async Task Pickup_SLO_fires_on_a_pull_request_waiting_over_24_hours_and_resolves_when_the_queue_drains()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        await WriteDatasetAsync(influx, "queue_baseline", Queue(oldestHours: [1, 1.25, 1.5, 1.75, 2], drainedAtEnd: false), ct);
        await WriteDatasetAsync(influx, "queue_stuck", Queue(oldestHours: [24, 24.25, 24.5, 24.75, 25], drainedAtEnd: false), ct);
        await WriteDatasetAsync(influx, "queue_drained", Queue(oldestHours: [24, 24.25, 24.5, 24.75, 25], drainedAtEnd: true), ct);
        var rule = Rule("flowcollector-pickup-slo");

        var baseline = await AlertEvaluator.EvaluateAsync(rule, influx, "queue_baseline", Now, ct);
        var stuck = await AlertEvaluator.EvaluateAsync(rule, influx, "queue_stuck", Now, ct);
        var drained = await AlertEvaluator.EvaluateAsync(rule, influx, "queue_drained", Now, ct);

        Assert.True(baseline.State == AlertEvaluation.Normal, baseline.ToString());
        Assert.Equal(2 * 3600, Assert.Single(baseline.Numbers["B"]).Value);
        Assert.True(stuck.State == AlertEvaluation.Alerting, stuck.ToString());
        Assert.Equal(25 * 3600, Assert.Single(stuck.Numbers["B"]).Value);
        // The latest snapshot has count = 0 and no age; last() would return the stale 25 h, the rule must not.
        Assert.True(drained.State == AlertEvaluation.Normal, drained.ToString());
    }

    [Fact]
    public async Task Target_stale_fires_after_more_failed_runs_than_the_factor_and_silent_when_no_run_was_recorded()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var stale = Rule("flowcollector-target-stale");
        var silent = Rule("flowcollector-collector-silent");
        await WriteDatasetAsync(influx, "sync_ok", Sync("success", "failure", "success"), ct);
        await WriteDatasetAsync(influx, "sync_failing", Sync("failure", "failure", "failure"), ct);
        await influx.CreateDatabaseAsync("sync_empty", ct);

        var ok = await AlertEvaluator.EvaluateAsync(stale, influx, "sync_ok", Now, ct);
        var failing = await AlertEvaluator.EvaluateAsync(stale, influx, "sync_failing", Now, ct);
        var empty = await AlertEvaluator.EvaluateAsync(stale, influx, "sync_empty", Now, ct);

        Assert.True(ok.State == AlertEvaluation.Normal, ok.ToString());
        Assert.Equal(0, Assert.Single(ok.Numbers["B"]).Value);

        // The last success a day before the newest failed run 10 minutes ago: (86400 − 600) / 2400 s between runs = 35.75.
        Assert.True(failing.State == AlertEvaluation.Alerting, failing.ToString());
        Assert.Equal(35.75, Assert.Single(failing.Numbers["B"]).Value, 12);
        Assert.Equal(AlertEvaluation.Normal, empty.State); // no target, nothing stale: the silent rule speaks instead
        Assert.Equal(AlertEvaluation.Alerting, (await AlertEvaluator.EvaluateAsync(silent, influx, "sync_empty", Now, ct)).State);
        Assert.Equal(AlertEvaluation.Normal, (await AlertEvaluator.EvaluateAsync(silent, influx, "sync_failing", Now, ct)).State);
    }

    [Fact]
    public async Task On_the_collected_organisation_every_rule_evaluates_and_agrees_with_the_engine()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var now = organisation.CollectedAt;
        var results = new Dictionary<string, AlertEvaluation>(StringComparer.Ordinal);
        foreach (var rule in AlertRule.All(GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile)))
        {
            var evaluation = await AlertEvaluator.EvaluateAsync(rule, influx, CollectedOrganisation.Database, now, ct);

            // The constraint rules read only weeks whose constraint moved (or did not) with 10 changes or more, which 4
            // repositories over 25 days need not have; AlertOrganisationTests evaluates them on data that has.
            Assert.True(evaluation.Condition.Count > 0 || rule.Uid.StartsWith("flowcollector-constraint-", StringComparison.Ordinal), $"{rule.Uid}: no data on the collected organisation. {evaluation}");
            results[rule.Uid] = evaluation;
        }

        // Every target synced a moment ago.
        Assert.Equal(AlertEvaluation.Normal, results["flowcollector-target-stale"].State);
        Assert.Equal(organisation.Model.Repositories.Count, results["flowcollector-target-stale"].Condition.Count);
        Assert.Equal(AlertEvaluation.Normal, results["flowcollector-collector-silent"].State);

        // Change failure rate over 28 days per repository: the engine's DoraMetrics on the same deployment points.
        foreach (var rate in results["flowcollector-change-failure-rate"].Numbers["B"])
        {
            var deployments = await influx.QueryRowsAsync(
                CollectedOrganisation.Database,
                $"SELECT * FROM \"deployment\" WHERE \"environment\" = 'production' AND \"org\" = '{rate.Labels["org"]}' AND \"repo\" = '{rate.Labels["repo"]}'",
                ct);
            var production = deployments.Select(r => new DoraDeployment("production", DateTimeOffset.UnixEpoch.AddTicks(r["time"].GetInt64() / 100), r["result"].GetString() == "success", r["rollback"].GetBoolean())).ToList();

            // Incidents fail the deployment before them, as once and the DORA board count them (the incident_failure field).
            var incidents = (await influx.QueryRowsAsync(
                    CollectedOrganisation.Database,
                    $"SELECT * FROM \"incident\" WHERE \"org\" = '{rate.Labels["org"]}' AND \"repo\" = '{rate.Labels["repo"]}'",
                    ct))
                .Select(r => new DoraIncident(DateTimeOffset.UnixEpoch.AddTicks(r["time"].GetInt64() / 100), null)).ToList();
            var report = DoraMetrics.Compute(now.AddDays(-28), now.AddTicks(1), production, [], incidents, IncidentFailures.Window);
            Assert.Equal(report.ChangeFailureRate!.Value, rate.Value, 12);
        }

        // One waiting-now instance per repository (the generated organisation has open pull requests nobody reviewed).
        Assert.Equal(organisation.Model.Repositories.Count, results["flowcollector-pickup-slo"].Numbers["B"].Count);
        Assert.All(results["flowcollector-merged-not-deployed"].Numbers["B"], n => Assert.Matches("^(ci_queue|release_wait|promotion_wait:production)$", n.Labels["stage"]));
    }

    private static async Task WriteDatasetAsync(Testing.Servers.InfluxDbServer influx, string database, string lines, CancellationToken ct)
    {
        await influx.CreateDatabaseAsync(database, ct);
        await KeyNumberTests.WriteAsync(influx, database, lines, ct);
    }

    /// <summary>28 days of contoso/web: three pickups a day of 1, 1.5, 2, 2.5 h in turn, merges of 30 min; with a rise the last 7 days' pickups take three times as long.</summary>
    private static string PickupWaits(bool rise)
    {
        var lines = new StringBuilder();
        var arrived = new List<ArrivedChangeWaits>();
        for (var i = 0; i < 84; i++)
        {
            var at = Now.AddHours(-(i * 8) - 1);
            var seconds = 3600 + (1800 * (i % 4));
            if (rise && i < 21)
            {
                seconds *= 3;
            }

            lines.Append(Stage("pickup", "wait", i, seconds, at)).Append(Stage("merge", "wait", i, 1800, at.AddMinutes(5)));
            arrived.Add(new ArrivedChangeWaits($"{i}", null, at.AddMinutes(5), new Dictionary<string, double> { ["pickup"] = seconds, ["merge"] = 1800 }));
        }

        // What the rule reads: the rolling constraint points a full read of these changes writes now.
        lines.Append(RollingConstraintLines.Of(new Domain.Events.RepositoryRef("github", "contoso", "web"), null, arrived, ["coding", "pickup", "review", "merge"], Now));
        return lines.ToString();
    }

    private static string Stage(string stage, string kind, int change, double seconds, DateTimeOffset at) => string.Create(
        CultureInfo.InvariantCulture,
        $"change_stage,kind={kind},org=contoso,repo=web,schema=1,source=github,stage={stage} seconds={seconds},change_id=\"{change}\",url=\"https://github.com/contoso/web/pull/{change}\",clamped=false,direct=false {Nanoseconds(at) + change}\n");

    /// <summary>Polls every 10 minutes over the last 50 minutes: one pull request waits for review with the given ages; drained: the newest poll finds none.</summary>
    private static string Queue(double[] oldestHours, bool drainedAtEnd)
    {
        var lines = new StringBuilder();
        for (var i = 0; i < oldestHours.Length; i++)
        {
            var at = Now.AddMinutes(-10 * (oldestHours.Length - 1 - i)).AddSeconds(-30);
            var last = i == oldestHours.Length - 1;
            lines.Append(CultureInfo.InvariantCulture, $"stage_queue,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=merge count=0i,stage_rule=\"merge\" {Nanoseconds(at)}\n");
            lines.Append(last && drainedAtEnd
                ? $"stage_queue,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=pickup count=0i,stage_rule=\"pickup\" {Nanoseconds(at)}\n"
                : string.Create(CultureInfo.InvariantCulture, $"stage_queue,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=pickup count=1i,stage_rule=\"pickup\",oldest_change_number=7i,oldest_age_seconds={oldestHours[i] * 3600},median_age_seconds={oldestHours[i] * 3600},oldest_change_id=\"7\" {Nanoseconds(at)}\n"));
        }

        return lines.ToString();
    }

    /// <summary>Runs of one target 90, 50 and 10 minutes ago (every 40 minutes) with the given results (a failure carries the previous success, a day ago before any).</summary>
    private static string Sync(params string[] results)
    {
        var lines = new StringBuilder();
        var lastSuccess = Now.AddDays(-1).ToUnixTimeSeconds();
        for (var i = 0; i < results.Length; i++)
        {
            var at = Now.AddMinutes(-90 + (40 * i));
            var ok = results[i] == "success";
            lastSuccess = ok ? at.ToUnixTimeSeconds() : lastSuccess;
            lines.Append(CultureInfo.InvariantCulture, $"collector_sync,org=contoso,repo=web,result={results[i]},schema=1,source=github last_success={lastSuccess}i,lag_seconds=60,api_requests=12i,rate_limit_remaining=4900i,errors={(ok ? 0 : 1)}i,interval_seconds=2400,since_success_seconds={at.ToUnixTimeSeconds() - lastSuccess}");
            lines.Append(ok ? ",events=3i,points=20i" : "").Append(CultureInfo.InvariantCulture, $" {Nanoseconds(at)}\n");
        }

        return lines.ToString();
    }

    private static long Nanoseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() * 1_000_000;
}
