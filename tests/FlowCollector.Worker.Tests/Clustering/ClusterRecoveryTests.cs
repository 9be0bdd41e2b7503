using System.Diagnostics;
using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Tests.State;

namespace FlowCollector.Worker.Tests.Clustering;

/// <summary>A replica killed in the middle of a collection, and a cluster that cannot reach its database.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterRecoveryTests(PostgreSqlFixture postgres)
{
    private const string Target = "contoso/web";

    [Fact]
    public async Task A_replica_killed_mid_collection_is_recovered_by_another_within_the_recovery_time_with_nothing_lost_or_duplicated()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-4);
        var model = SimulatedGitHub.Generate(seed: 5, repositories: 1, pullRequestsPerRepository: 4, start, new GitHubGenerationOptions { AverageGap = TimeSpan.FromHours(12) });
        await using var cluster = new ClusterScenario(await postgres.CreateDatabaseAsync(), model);
        var target = cluster.Repositories.Single();

        var reference = await RunOnceAsync(cluster.WriteConfig("single", new Dictionary<string, object?> { ["State:PostgreSql:ConnectionString"] = null }));
        Assert.True(reference.Code == ExitCodes.Ok, reference.Stderr);
        cluster.GitHub.ResetCounts();

        // Hold every API answer until released, so replica A is certainly in the middle of the collection when it dies.
        using var gate = new ManualResetEventSlim(false);
        cluster.GitHub.BeforeRender = (_, _) => gate.Wait(TimeSpan.FromSeconds(60), CancellationToken.None);
        var a = cluster.Start("a", cluster.WriteConfig("a"));
        var executing = await WaitForAsync(
            () => cluster.QueryAsync("SELECT instance_name FROM qrtz_fired_triggers WHERE state = 'EXECUTING' AND requests_recovery"),
            rows => rows.Count == 1,
            "replica A to start collecting",
            a);
        var b = cluster.Start("b", cluster.WriteConfig("b"));
        await WaitForAsync(() => cluster.QueryAsync("SELECT instance_name FROM qrtz_scheduler_state"), rows => rows.Count == 2, "replica B to check in", a, b);

        await a.KillAsync();
        var sinceKill = Stopwatch.StartNew();
        gate.Set();
        await WaitForAsync(
            () => cluster.QueryAsync($"SELECT watermark FROM flowcollector_target_state WHERE target_key = 'github:{target}' AND watermark IS NOT NULL"),
            rows => rows.Count == 1,
            "replica B to finish the target",
            b);
        var recovered = sinceKill.Elapsed;

        // Recovery = A's missed check-in noticed (check-in interval 1 s + check-in misfire threshold 2 s), B's idle
        // scheduler picking the recovery trigger up (≤ 1 s, the check-in interval), then the collection itself.
        TestContext.Current.TestOutputHelper?.WriteLine($"killed replica's collection finished by the other {recovered.TotalSeconds:0.0} s after the kill");
        Assert.True(recovered < TimeSpan.FromSeconds(20), $"recovered only after {recovered.TotalSeconds:0.0} s:\n{b.Output}");
        Assert.Contains(executing[0], b.Output, StringComparison.Ordinal);
        Assert.Empty(cluster.Lines("a"));
        var firing = Assert.Single(ClusterScenario.Firings([b]));
        Assert.True(firing.Recovering, "B's run was a regular firing, not the recovery of A's");
        var runs = cluster.Runs(["b"]);
        Assert.Single(runs);
        Assert.Equal(Data(cluster.Lines("single")), Data(cluster.Lines("b")));
        Assert.DoesNotContain(ClusterScenario.DatabasePassword, a.Output + b.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_cannot_be_used_stops_the_service_at_start_up_naming_the_setting_without_the_password()
    {
        var server = await postgres.ServerAsync();
        var model = SimulatedGitHub.Generate(seed: 5, repositories: 1, pullRequestsPerRepository: 1, DateTimeOffset.UtcNow.AddDays(-2));
        await using var cluster = new ClusterScenario(server.ConnectionStringFor("postgres"), model);
        const string password = "pg-password-never-printed";

        var missing = cluster.WriteConfig("missing", connectionString: server.ConnectionStringFor("no_such_database") + $";Password={password}");
        var malformed = cluster.WriteConfig("malformed", connectionString: $"Host=127.0.0.1;Database=flow;Username=flow;Password={password};Pooling=maybe");

        var (missingCode, _, missingError) = await RunAsync(["run", "--config", missing, "--urls", "http://127.0.0.1:0"]);
        var (malformedCode, _, malformedError) = await RunAsync(["run", "--config", malformed, "--urls", "http://127.0.0.1:0"]);

        Assert.Equal(ExitCodes.InvalidConfiguration, missingCode);
        Assert.Contains("State:PostgreSql:ConnectionString", missingError, StringComparison.Ordinal);
        Assert.Contains("no_such_database", missingError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidConfiguration, malformedCode);
        Assert.Contains("State:PostgreSql:ConnectionString is not a valid PostgreSQL connection string", malformedError, StringComparison.Ordinal);
        Assert.DoesNotContain(password, missingError + malformedError, StringComparison.Ordinal);
    }

    private static HashSet<string> Data(IEnumerable<string> lines) =>
        lines.Where(l => !l.StartsWith("collector_sync,", StringComparison.Ordinal) && !l.StartsWith("stage_queue,", StringComparison.Ordinal) && !l.StartsWith("queue_rollup,", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    private static Task<(int Code, string Stdout, string Stderr)> RunOnceAsync(string config) => RunAsync(["once", "--config", config]);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(args, stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<IReadOnlyList<string>> WaitForAsync(Func<Task<IReadOnlyList<string>>> query, Func<IReadOnlyList<string>, bool> done, string what, params CollectorProcess[] processes)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var rows = await query();
                if (done(rows))
                {
                    return rows;
                }
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                // The first replica has not migrated yet.
            }

            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                Assert.Fail($"collector {exited.Name} exited with {exited.ExitCode} while waiting for {what}:\n{exited.Output}");
            }

            if (stopwatch.Elapsed > TimeSpan.FromSeconds(40))
            {
                Assert.Fail($"no {what} within 40 s:\n{string.Join('\n', processes.Select(p => $"--- {p.Name}:\n{p.Output}"))}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
