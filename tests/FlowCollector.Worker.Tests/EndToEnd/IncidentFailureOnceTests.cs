using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// Issue 17's one-truth rule end to end (simulator → <c>once</c> ×2 → a real InfluxDB): an incident read in a later run
/// fails the production deployment an earlier run wrote, on that deployment's own point (<c>incident_failure</c>, what
/// the DORA board and the change-failure-rate alert count), and its restore time becomes a <c>recovery</c> point.
/// The first run's deployment reaches the second run only through the per-target incident ledger.
/// </summary>
public sealed class IncidentFailureOnceTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task An_incident_read_a_run_later_fails_the_deployment_before_it_and_records_its_restore_time()
    {
        var ct = TestContext.Current.CancellationToken;

        // Worked by hand, t = 10 hours ago on the hour: #1 merged at t+1h15m, its merge commit deployed to production,
        // finished t+2h10m (d1). #2 opened at t+6h and left open, so the watermark moves past d1 and the second read does
        // not list it again. The incident opens at t+7h — 4 h 50 min after d1 finished, inside the 24-hour window: d1 failed
        // (change failure rate 1 of 1) — and is closed at t+8h: restore 3,600 s.
        var now = DateTimeOffset.UtcNow;
        var t = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-10);
        var ops = scenario.Model.AddRepository("contoso/ops");
        var first = ops.OpenPullRequest("alice", t).Commit(t.AddHours(-1))
            .Review("bob", SimulatedReviewState.Approved, t.AddHours(1))
            .Merge(t.AddHours(1.25));
        ops.Deploy("production", first.MergeCommitSha!, t.AddHours(2), t.AddHours(2), t.AddHours(2).AddMinutes(10));
        ops.OpenPullRequest("carol", t.AddHours(6)).Commit(t.AddHours(5.5));

        var (influx, config) = await scenario.StartInfluxAsync(ct, new Dictionary<string, object?>
            {
                ["Sources:GitHub:IncidentLabels"] = new[] { "incident" },

                // The change probe asks for pull requests, pushes, runs and deployments, not issues: without it every run reads
                // in full (with it, a new incident waits for Collection:ReconcileInterval, docs/configuration.md).
                ["Collection:ReconcileInterval"] = "00:00:00",
            }, ["contoso/ops"]);
        await using var server = influx;

        var before = await WorkerScenario.RunAsync("once", "--config", config);
        Assert.True(before.Code == ExitCodes.Ok, before.Stdout + before.Stderr);
        var d1 = Assert.Single(await influx.QueryRowsAsync("flow", "SELECT * FROM \"deployment\" WHERE \"production\" = 'true'", ct));
        Assert.True(!d1.TryGetValue("incident_failure", out var none) || none.ValueKind == System.Text.Json.JsonValueKind.Null, "no incident yet");

        var incident = new SimulatedIssue(ops, 50, "Checkout errors", SimulatedUser.Named("oncall"), t.AddHours(7)) { ClosedAt = t.AddHours(8) };
        incident.Labels.Add("incident");
        ops.Issues.Add(incident);

        var after = await WorkerScenario.RunAsync("once", "--config", config);
        Assert.True(after.Code == ExitCodes.Ok, after.Stdout + after.Stderr);

        var failed = Assert.Single(await influx.QueryRowsAsync("flow", "SELECT * FROM \"deployment\" WHERE \"production\" = 'true'", ct));
        Assert.Equal(d1["time"].GetInt64(), failed["time"].GetInt64()); // merged into d1's own point, not a second one
        Assert.Equal(d1["deployment_id"].GetString(), failed["deployment_id"].GetString());
        Assert.Equal("success", failed["result"].GetString());
        Assert.Equal(1, failed["incident_failure"].GetDouble());
        Assert.Equal("issue-50", failed["incident_id"].GetString());

        // The board's change failure rate over these points: (failed + rollbacks + Σ incident_failure) ÷ attempts = 1 / 1.
        var rate = Assert.Single(await influx.QueryRowsAsync(
            "flow",
            "SELECT sum(\"failed\") / sum(\"all\") AS \"rate\" FROM (SELECT \"duration_seconds\" * 0 + 1 AS \"all\" FROM \"deployment\" WHERE \"production\" = 'true'), (SELECT \"incident_failure\" * 1.0 AS \"failed\" FROM \"deployment\" WHERE \"production\" = 'true')",
            ct));
        Assert.Equal(1.0, rate["rate"].GetDouble());

        var restore = Assert.Single(await influx.QueryRowsAsync("flow", "SELECT \"seconds\", \"incident_id\" FROM \"recovery\" WHERE \"incident_id\" <> ''", ct));
        Assert.Equal(3600, restore["seconds"].GetDouble());
        Assert.Equal("issue-50", restore["incident_id"].GetString());
    }
}
