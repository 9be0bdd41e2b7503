using System.Text.Json;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// The organisation rollup of the changes waiting now, end to end: simulated GitHub → <c>once</c> → the state store's
/// snapshots of every target → <c>queue_rollup</c> in a real InfluxDB.
/// </summary>
public sealed class QueueRollupOnceTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task The_rollup_sums_each_organisation_and_team_and_a_later_run_of_one_target_still_counts_the_others_from_the_state_store()
    {
        var ct = TestContext.Current.CancellationToken;
        var teams = new Dictionary<string, object?> { ["ValueStream:Teams:shop-team:0"] = "fabrikam/*" };
        var (influx, both) = await scenario.StartInfluxAsync(ct, teams, ["contoso/web", "fabrikam/shop"]);
        await using var server = influx;

        var first = await WorkerScenario.RunAsync("once", "--config", both);

        Assert.True(first.Code == ExitCodes.Ok, first.Stdout + first.Stderr);

        // contoso/web, worked by hand in OnceCommandTests: #5 approved, not merged (merge); #2 merged, not released (release_wait).
        var rollup = await RollupAsync(influx, ct);
        Assert.Equal((1L, 1L), (rollup[("contoso", "", "merge")].Count, rollup[("contoso", "", "merge")].Repos));
        Assert.Equal((1L, 1L), (rollup[("contoso", "", "release_wait")].Count, rollup[("contoso", "", "release_wait")].Repos));
        Assert.Equal((0L, 1L), (rollup[("contoso", "", "pickup")].Count, rollup[("contoso", "", "pickup")].Repos));

        // fabrikam/shop belongs to shop-team: its rollup has the team tag and the counts of its own snapshot.
        var shop = await influx.QueryRowsAsync("flow", "SELECT last(\"count\") AS \"count\" FROM \"stage_queue\" WHERE \"repo\" = 'shop' GROUP BY \"stage\"", ct);
        Assert.NotEmpty(shop);
        foreach (var row in shop)
        {
            var stage = row["stage"].GetString()!;
            Assert.Equal((row["count"].GetInt64(), 1L), rollup[("fabrikam", "shop-team", stage)]);
        }

        // A run of contoso/web alone (a minute later, as the next tick of one target would be): fabrikam/shop's snapshot is
        // in the state store and younger than three of its intervals, so the organisation sums still include it.
        var webOnly = scenario.WriteConfig(new Dictionary<string, object?>(teams)
        {
            ["Sinks:InfluxDb:Url"] = influx.Url.ToString(),
            ["Sinks:InfluxDb:ApiVersion"] = "V1",
            ["Sinks:InfluxDb:Database"] = "flow",
        });
        await Task.Delay(TimeSpan.FromSeconds(1.1), ct);
        var second = await WorkerScenario.RunAsync("once", "--config", webOnly);

        Assert.True(second.Code == ExitCodes.Ok, second.Stdout + second.Stderr);
        var times = await influx.QueryRowsAsync("flow", "SELECT \"count\" FROM \"queue_rollup\" WHERE \"org\" = 'fabrikam'", ct);
        Assert.Equal(2 * shop.Count, times.Count);
        var again = await RollupAsync(influx, ct);
        Assert.Equal(rollup, again);
    }

    /// <summary>The latest rollup point of each (org, team, stage): its count and how many repositories it sums.</summary>
    private static async Task<Dictionary<(string Org, string Team, string Stage), (long Count, long Repos)>> RollupAsync(Testing.Servers.InfluxDbServer influx, CancellationToken ct)
    {
        var rows = await influx.QueryRowsAsync("flow", "SELECT last(\"count\") AS \"count\", last(\"repos\") AS \"repos\" FROM \"queue_rollup\" GROUP BY \"org\", \"team\", \"stage\"", ct);
        return rows.ToDictionary(
            r => (r["org"].GetString()!, r["team"].ValueKind == JsonValueKind.String ? r["team"].GetString()! : "", r["stage"].GetString()!),
            r => (r["count"].GetInt64(), r["repos"].GetInt64()));
    }
}
