using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// Every alert rule, evaluated as Grafana does (<see cref="AlertEvaluator"/>), against a healthy simulated organisation
/// (<see cref="AlertOrganisation"/>: 30 repositories, two sources, two teams) and against the same organisation with one
/// injected problem: the healthy one fires nothing, each problem fires exactly its rule — one instance, no other rule —
/// and the rendered annotations name the repository, the team and, where there is one, the change.
/// </summary>
public sealed class AlertOrganisationTests(CollectedOrganisation organisation)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static IReadOnlyList<AlertRule> Rules => AlertRule.All(GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile));

    public static TheoryData<AlertProblem, string, string, string[]> Problems => new()
    {
        // problem, the rule it must fire, the repository (or organisation) the summary names ("" for the collector itself), more text it names
        { AlertProblem.WaitRising, "flowcollector-wait-rising", "contoso/svc-03", ["pickup", "team payments", "2.4×", "28 changes"] },
        { AlertProblem.PickupStuck, "flowcollector-pickup-slo", "contoso/svc-05", ["pull request #4711", "1d 6h 0m 0s", "team payments"] },
        { AlertProblem.MergedNotDeployed, "flowcollector-merged-not-deployed", "fabrikam/svc-22", ["pull request #815", "ship-queue", "2d 12h 0m 0s"] },
        { AlertProblem.ChangeFailureRate, "flowcollector-change-failure-rate", "contoso/svc-07", ["25%", "20 production deployments", "team payments"] },
        { AlertProblem.ConstraintMoved, "flowcollector-constraint-moved", "contoso/svc-11", ["moved to pickup", "50%", "40%", "team search"] },
        { AlertProblem.ConstraintShareGrew, "flowcollector-constraint-share-grew", "contoso/svc-12", ["release_wait", "70%", "25%", "team search"] },
        { AlertProblem.TargetStale, "flowcollector-target-stale", "fabrikam/svc-21", ["1h 15m 0s", "5 × its interval"] },
        { AlertProblem.RateLimitLow, "flowcollector-rate-limit-low", "github contoso", ["120 API requests left"] },
        { AlertProblem.CollectorSilent, "flowcollector-collector-silent", "", ["wrote no collector_sync point"] },
    };

    [Fact]
    public async Task The_healthy_organisation_fires_no_rule_although_every_rule_evaluates_instances()
    {
        var evaluations = await EvaluateAsync(AlertProblem.None);

        Assert.All(evaluations, e => Assert.True(e.Value.Condition.Count > 0, $"{e.Key}: no instance on the healthy organisation, so its quiet proves nothing. {e.Value}"));
        Assert.All(evaluations, e => Assert.True(e.Value.State == AlertEvaluation.Normal, $"{e.Key} fires on the healthy organisation: {e.Value}"));

        // Minimum samples, by hand. Small repository svc-20: 7 pickups in the last 7 days (5, 6, 8, 10, 5, 6, 8 h; nearest-rank
        // p75 = the 6th of 7 sorted = 8 h) and 28 in 28 days (21 of 2 h and those seven; p75 = the 21st = 2 h): 8 / 2 = 4 > 1.5
        // and 8 h > 1 h, but 7 changes < 20, so no verdict — without the minimum the rule fired here, on a healthy team.
        var rising = evaluations["flowcollector-wait-rising"];
        var small = Instance(rising, "E", "svc-20", "pickup");
        Assert.Equal(4.0, small.Value, 12);
        Assert.Equal(7, Instance(rising, "M", "svc-20", "pickup").Value);
        Assert.Equal(0, Instance(rising, "I", "svc-20", "pickup").Value);

        // backlog is not a stage of the rule: svc-00's backlog waits tripled (30 h vs a 28-day p75 of 10 h over 28 changes).
        Assert.DoesNotContain(rising.Numbers["E"], n => n.Labels["stage"] == "backlog");

        // A busy repository's pickup: 28 waits cycling 1–2.5 h in 7 days and 112 in 28: both p75 = 2 h, ratio 1.
        Assert.Equal(1.0, Instance(rising, "E", "svc-00", "pickup").Value, 12);
        Assert.Equal("payments", Instance(rising, "E", "svc-00", "pickup").Labels["team"]);

        // Change failure rate: small svc-20 has 1 failure in 4 production deployments (25 % > 15 %) but fewer than 10.
        var cfr = evaluations["flowcollector-change-failure-rate"];
        Assert.Equal(0.25, Instance(cfr, "B", "svc-20").Value, 12);
        Assert.Equal(0, Instance(cfr, "I", "svc-20").Value);
        Assert.Equal(0.05, Instance(cfr, "B", "svc-01").Value, 12); // PROD: 1 of 20; staging's 10 failures do not count

        // Constraint: svc-04's moved by a near-tie (margin 0.05 ≤ 0.1); small repositories' moved with 6 changes (< 10)
        // are filtered out; the week before last and the 28-day points lie outside the window or the period.
        var moved = evaluations["flowcollector-constraint-moved"];
        Assert.Equal(0.05, Assert.Single(moved.Numbers["B"]).Value, 12);
        Assert.Equal(19, evaluations["flowcollector-constraint-share-grew"].Condition.Count); // the 20 busy repositories but svc-04, whose constraint moved

        // Staleness: svc-03's last two runs failed, 1800 s since its success = 2 runs of 900 s (≤ 3); svc-13 runs every 6 h.
        var stale = evaluations["flowcollector-target-stale"];
        Assert.Equal(2, Instance(stale, "B", "svc-03").Value);
        Assert.Equal(0, Instance(stale, "B", "svc-13").Value);
        Assert.Equal(30, stale.Condition.Count);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task Each_injected_problem_fires_exactly_its_rule_naming_the_repository_team_and_change(AlertProblem problem, string uid, string target, string[] named)
    {
        var evaluations = await EvaluateAsync(problem);

        var firing = evaluations.Where(e => e.Value.Firing.Count > 0).ToDictionary(e => e.Key, e => e.Value);
        Assert.True(firing.Keys.SequenceEqual([uid]), $"{problem}: expected only {uid} to fire, got {string.Join(", ", firing.Select(f => $"{f.Key}: {f.Value}"))}");
        var instance = Assert.Single(firing[uid].Firing);
        var rule = Rules.Single(r => r.Uid == uid);
        var annotations = AlertEvaluator.Annotations(rule, firing[uid], instance);
        var summary = annotations["summary"];
        if (target.Length > 0)
        {
            Assert.Contains(target, summary, StringComparison.Ordinal);
        }

        Assert.All(named, text => Assert.Contains(text, summary, StringComparison.Ordinal));
        Assert.DoesNotContain("NaN", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("<no value>", summary, StringComparison.Ordinal);
        Assert.Contains("runbooks.md#", annotations["runbook_url"], StringComparison.Ordinal);
        if (annotations.TryGetValue("change_url", out var url) && instance.Labels.GetValueOrDefault("source") == "github")
        {
            Assert.Matches(@"^https://github\.com/contoso/svc-\d\d/pull/\d+$", url);
        }
    }

    [Fact]
    public async Task The_constraint_share_rule_compares_week_over_week_growth_with_the_threshold_by_hand()
    {
        var evaluations = await EvaluateAsync(AlertProblem.ConstraintShareGrew);
        var grew = evaluations["flowcollector-constraint-share-grew"];

        // svc-12: release_wait held 70 of the week's 100 change-hours waited (share 0.70) after 45 of 100 the week before
        // (0.45): share_change = 0.70 − 0.45 = 0.25 > 0.15 → fires, with 20 changes ≥ 10.
        Assert.Equal(0.25, Instance(grew, "B", "svc-12").Value, 12);
        Assert.Equal(0.7, Instance(grew, "K", "svc-12").Value, 12);
        Assert.Equal(1, Instance(grew, "C", "svc-12").Value);

        // svc-00: 0.45 after 0.43, +0.02 ≤ 0.15 → quiet. svc-04 moved (the other rule's case, near-tie) → not evaluated here.
        Assert.Equal(0.02, Instance(grew, "B", "svc-00").Value, 12);
        Assert.Equal(0, Instance(grew, "C", "svc-00").Value);
        Assert.DoesNotContain(grew.Numbers["B"], n => n.Labels["repo"] == "svc-04");
    }

    private static AlertNumber Instance(AlertEvaluation evaluation, string refId, string repo, string? stage = null) =>
        evaluation.Numbers[refId].Single(n => n.Labels["repo"] == repo && (stage is null || n.Labels["stage"] == stage));

    private async Task<Dictionary<string, AlertEvaluation>> EvaluateAsync(AlertProblem problem)
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var database = $"alerts_{problem.ToString().ToLowerInvariant()}";
        await influx.CreateDatabaseAsync(database, ct);
        await KeyNumberTests.WriteAsync(influx, database, AlertOrganisation.Lines(Now, problem), ct);
        var evaluations = new Dictionary<string, AlertEvaluation>(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            evaluations[rule.Uid] = await AlertEvaluator.EvaluateAsync(rule, influx, database, Now, ct);
        }

        return evaluations;
    }
}
