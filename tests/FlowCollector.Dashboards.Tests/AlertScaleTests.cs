using System.Diagnostics;
using System.Globalization;
using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// The healthy organisation of <see cref="AlertOrganisation"/> grown to many repositories (the first 20 busy, the rest
/// small — most repositories of a real organisation see a change every few days): no rule fires, however many
/// instances Grafana evaluates. 100 repositories by default; set FLOWCOLLECTOR_ALERT_SCALE_REPOSITORIES=1000 for the
/// figure of docs/performance.md (instances, and each rule's evaluation time, in the test output).
/// </summary>
public sealed class AlertScaleTests(CollectedOrganisation organisation)
{
    [Fact]
    public async Task A_large_healthy_organisation_fires_no_rule()
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var repositories = int.TryParse(Environment.GetEnvironmentVariable("FLOWCOLLECTOR_ALERT_SCALE_REPOSITORIES"), CultureInfo.InvariantCulture, out var n) ? n : 100;
        var database = $"alerts_scale_{repositories}";
        await influx.CreateDatabaseAsync(database, ct);
        foreach (var chunk in AlertOrganisation.Lines(now, AlertProblem.None, repositories).Split('\n').Chunk(20_000))
        {
            await KeyNumberTests.WriteAsync(influx, database, string.Join('\n', chunk), ct);
        }

        var instances = 0;
        foreach (var rule in AlertRule.All(GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile)))
        {
            var watch = Stopwatch.StartNew();
            var evaluation = await AlertEvaluator.EvaluateAsync(rule, influx, database, now, ct);
            TestContext.Current.SendDiagnosticMessage($"{rule.Uid}: {evaluation.Condition.Count} instances, {watch.Elapsed.TotalSeconds:0.00} s");
            instances += evaluation.Condition.Count;
            Assert.True(evaluation.Firing.Count == 0, $"{rule.Uid} fires {evaluation.Firing.Count} times on a healthy organisation of {repositories} repositories: {string.Join(", ", evaluation.Firing.Take(5))}");
        }

        // Per repository: 4 wait stages (wait rising; backlog excluded) + 1 pickup + 1 merged-not-deployed (release_wait: the
        // empty ci_queue and promotion queues have no age, so no instance) + 1 failure rate + 1 stale = 8; the 20 busy ones
        // add a constraint instance each (moved for svc-04, share for the other 19; the small ones' 6 changes are filtered
        // out); 1 rate-limit instance (contoso, the only organisation on GitHub, which reports a budget) and 1 silent.
        Assert.Equal((repositories * 8) + 20 + 1 + 1, instances);
        TestContext.Current.SendDiagnosticMessage($"{repositories} repositories: {instances} instances, none firing");
    }
}
