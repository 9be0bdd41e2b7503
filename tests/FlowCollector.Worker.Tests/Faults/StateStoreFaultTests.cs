using FlowCollector.State;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Tests.EndToEnd;
using FlowCollector.Worker.Tests.State;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>
/// A PostgreSQL state store that goes away in the middle of a run (issue 21): the run fails with one line naming
/// <c>State:PostgreSql:ConnectionString</c> (no stack trace, not "a FlowCollector bug"), the failure's collector_sync point
/// still reaches the sink although the state store cannot record the failure, the watermark stays, and a re-run once the
/// database is back gives exactly the hand-worked points.
/// </summary>
public sealed class StateStoreFaultTests(PostgreSqlFixture postgres) : IDisposable
{
    private const string Target = "github:contoso/web";

    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task A_database_that_refuses_connections_mid_run_fails_the_run_with_one_line_and_a_rerun_gives_the_fault_free_points()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await postgres.ServerAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var config = scenario.WriteConfig(new Dictionary<string, object?>
        {
            ["State:SqlitePath"] = null,
            ["State:PostgreSql:ConnectionString"] = connectionString,
        });

        // What a database restart looks like from here: every session is ended (SQLSTATE 57P01) and new ones are refused,
        // at the moment the source reads the pull requests — after the run read its state, before it replays its pending set.
        var cut = 0;
        scenario.GitHub.BeforeRender = (path, _) =>
        {
            if (path.EndsWith("/pulls", StringComparison.Ordinal) && Interlocked.Exchange(ref cut, 1) == 0)
            {
                server.ExecuteAsync("postgres", $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false", ct).GetAwaiter().GetResult();
                server.ExecuteAsync("postgres", $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'", ct).GetAwaiter().GetResult();
            }
        };

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);
        var output = stdout + stderr;

        Assert.Equal(1, cut);
        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "The state store (PostgreSQL) failed: ");
        Assert.Contains("Check State:PostgreSql:ConnectionString and that the database is up", output, StringComparison.Ordinal);
        var lines = File.ReadAllLines(scenario.PointsPath);
        Assert.Contains(lines, l => l.StartsWith("collector_sync,", StringComparison.Ordinal) && l.Contains("errors=1i", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("change_stage,", StringComparison.Ordinal));

        // The database is back: the watermark was never advanced, and a re-run gives exactly the hand-worked stages.
        scenario.GitHub.BeforeRender = null;
        await server.ExecuteAsync("postgres", $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true", ct);
        await using (var store = new PostgresStateStore(Options.Create(new StateOptions { PostgreSql = new PostgreSqlStateOptions { ConnectionString = connectionString } })))
        {
            Assert.Null((await store.GetTargetAsync(Target, ct))?.Watermark);
        }

        File.Delete(scenario.PointsPath);
        var again = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(again.Code == ExitCodes.Ok, again.Stdout + again.Stderr);
        var stages = File.ReadAllLines(scenario.PointsPath).Count(l => l.StartsWith("change_stage,", StringComparison.Ordinal));
        Assert.Equal(WorkerScenario.ExpectedStages.Count, stages);
    }
}
