using System.Globalization;
using FlowCollector.Testing.Servers;
using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// Issue 21 item 1, end to end on a real InfluxDB: a re-collection that moves a stage's end (here a review drafted
/// before the first comment the collector knew of, submitted days later) leaves exactly one point per change and
/// stage, carrying the corrected durations. Without the point-time ledger the moved <c>pickup</c> would be a second
/// point beside the first, and every board would count change #1 twice. And a delivered change read again without the
/// deployment that delivered it is not mistaken for one waiting for release.
/// </summary>
public sealed class MovedPointTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task A_stage_end_moved_by_a_late_review_overwrites_its_point_instead_of_adding_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var (influx, config) = await scenario.StartInfluxAsync(ct);
        await using var server = influx;

        // Activity two days later moves the watermark far past #1's deployment (t+4h): the second read does not see it.
        scenario.Model.Repository("contoso/web").PullRequest(5).Touch(scenario.T.AddDays(2));
        var first = await WorkerScenario.RunAsync("once", "--config", config);
        Assert.True(first.Code == ExitCodes.Ok, first.Stdout + first.Stderr);
        var before = await StagesOfChangeOneAsync(influx, ct);

        // Worked by hand (WorkerScenario, #1 opened at t): bob's comment at t+2h ended pickup (7200 s), his approval at
        // t+3h ended review (3600 s). Heidi drafted a comment at t+1h and submits it now: pickup t → t+1h = 3600 s,
        // review t+1h → t+3h = 7200 s. Nothing else of #1 moves.
        Assert.Equal(7200, before["pickup"].Seconds);
        Assert.Equal(3600, before["review"].Seconds);
        scenario.Model.Repository("contoso/web").PullRequest(1)
            .Review("heidi", SimulatedReviewState.Commented, DateTimeOffset.UtcNow.AddSeconds(-5), firstCommentAt: scenario.T.AddHours(1));

        var second = await WorkerScenario.RunAsync("once", "--config", config);
        Assert.True(second.Code == ExitCodes.Ok, second.Stdout + second.Stderr);
        var after = await StagesOfChangeOneAsync(influx, ct);

        Assert.Equal(3600, after["pickup"].Seconds);
        Assert.Equal(7200, after["review"].Seconds);
        Assert.Equal(before.Keys.Order(), after.Keys.Order()); // one point per stage (a duplicate would have thrown below)
        Assert.Equal(before["pickup"].Time, after["pickup"].Time); // written where it was: the first end, t+2h
        foreach (var stage in new[] { "coding", "merge", "release_wait", "deploy:production" })
        {
            Assert.Equal(before[stage], after[stage]);
        }

        var changes = await influx.QueryRowsAsync("flow", "SELECT lead_seconds FROM \"change\" WHERE change_id = '1'", ct);
        Assert.Single(changes);

        // #1 was read again without the deployment that delivered it three days ago (outside the second read's window):
        // it is not waiting for release. Only #2 (merged, never deployed) is, in this run's snapshot and the next one's
        // (#1 was not kept as pending either).
        Assert.Equal("2", await OldestWaitingForReleaseAsync(influx, ct));
        var third = await WorkerScenario.RunAsync("once", "--config", config);
        Assert.True(third.Code == ExitCodes.Ok, third.Stdout + third.Stderr);
        Assert.Equal("2", await OldestWaitingForReleaseAsync(influx, ct));
    }

    /// <summary>The latest waiting-now snapshot of <c>release_wait</c>: one change waiting, and which.</summary>
    private static async Task<string> OldestWaitingForReleaseAsync(InfluxDbServer influx, CancellationToken ct)
    {
        var row = Assert.Single(await influx.QueryRowsAsync("flow", "SELECT last(\"count\") AS n, last(oldest_change_id) AS oldest FROM stage_queue WHERE stage = 'release_wait'", ct));
        Assert.Equal(1, row["n"].GetDouble());
        return row["oldest"].GetString()!;
    }

    /// <summary>Change #1's <c>change_stage</c> points by stage; throws when a stage has two points.</summary>
    private static async Task<Dictionary<string, (double Seconds, string Time)>> StagesOfChangeOneAsync(InfluxDbServer influx, CancellationToken ct)
    {
        var rows = await influx.QueryRowsAsync("flow", "SELECT seconds, stage FROM change_stage WHERE change_id = '1'", ct);
        var stages = new Dictionary<string, (double Seconds, string Time)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            stages.Add(row["stage"].GetString()!, (row["seconds"].GetDouble(), row["time"].ToString()));
        }

        Assert.Equal(6, stages.Count);
        return stages;
    }
}
