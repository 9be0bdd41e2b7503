using FlowCollector.State;
using FlowCollector.State.PostgreSql;
using FlowCollector.Worker.Scheduling;
using FlowCollector.Worker.Tests.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FlowCollector.Worker.Tests.Clustering;

/// <summary>How many replicas share the API budgets: the Quartz nodes that checked in recently, on a real PostgreSQL.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class QuartzClusterReplicasTests(PostgreSqlFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Counts_the_nodes_that_checked_in_recently_and_counts_again_each_checkin_interval()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = NpgsqlDataSource.Create(connectionString);
        await PostgreSqlSchema.MigrateAsync(database, TestContext.Current.CancellationToken);

        // Alive: checked in 1 s and 15 s ago (within 10 s interval + 20 s threshold); dead: 5 min ago; another scheduler's node.
        await CheckInAsync(database, "a", Now.AddSeconds(-1));
        await CheckInAsync(database, "b", Now.AddSeconds(-15));
        await CheckInAsync(database, "dead", Now.AddMinutes(-5));
        await CheckInAsync(database, "other", Now, scheduler: "someone-else");
        var time = new FakeTimeProvider(Now);
        var state = Options.Create(new StateOptions
        {
            PostgreSql = new PostgreSqlStateOptions { ConnectionString = connectionString, CheckinInterval = TimeSpan.FromSeconds(10), CheckinMisfireThreshold = TimeSpan.FromSeconds(20) },
        });
        await using var replicas = new QuartzClusterReplicas(state, time, NullLogger<QuartzClusterReplicas>.Instance);

        Assert.Equal(1, replicas.Replicas); // before the first count: never blocks a request on the database
        await EventuallyAsync(() => replicas.Replicas == 2);

        // A third node joins: not seen before the next check-in interval, then counted.
        await CheckInAsync(database, "c", Now);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(2, replicas.Replicas);
        time.Advance(TimeSpan.FromSeconds(10));
        await EventuallyAsync(() => replicas.Replicas == 3);
    }

    [Fact]
    public async Task Before_the_migration_created_the_table_it_counts_one_without_an_error_in_the_database_log()
    {
        // Issue 21 item 7: the first count can come before the migration (the discovery's first requests precede the
        // scheduler); querying the missing table left "relation … does not exist" in the server log at every cold start.
        var connectionString = await postgres.CreateDatabaseAsync();
        var time = new FakeTimeProvider(Now);
        var state = Options.Create(new StateOptions
        {
            PostgreSql = new PostgreSqlStateOptions { ConnectionString = connectionString, CheckinInterval = TimeSpan.FromSeconds(10) },
        });
        await using var replicas = new QuartzClusterReplicas(state, time, NullLogger<QuartzClusterReplicas>.Instance);

        Assert.Equal(1, replicas.Replicas);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(1, replicas.Replicas);

        // Migrated and two nodes checked in: the next interval's count sees them.
        await using (var database = NpgsqlDataSource.Create(connectionString))
        {
            await PostgreSqlSchema.MigrateAsync(database, TestContext.Current.CancellationToken);
            await CheckInAsync(database, "a", Now);
            await CheckInAsync(database, "b", Now);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        await EventuallyAsync(() => replicas.Replicas == 2);
        var log = (await postgres.ServerAsync()).Log;
        Assert.DoesNotContain("relation \"qrtz_scheduler_state\" does not exist", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_PostgreSQL_store_the_process_is_the_only_replica()
    {
        await using var replicas = new QuartzClusterReplicas(Options.Create(new StateOptions()), TimeProvider.System, NullLogger<QuartzClusterReplicas>.Instance);

        Assert.Equal(1, replicas.Replicas);
    }

    private static async Task CheckInAsync(NpgsqlDataSource database, string instance, DateTimeOffset at, string scheduler = SchedulingServiceCollectionExtensions.SchedulerName)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO qrtz_scheduler_state (sched_name, instance_name, last_checkin_time, checkin_interval) VALUES (@scheduler, @instance, @at, 10000) "
            + "ON CONFLICT (sched_name, instance_name) DO UPDATE SET last_checkin_time = excluded.last_checkin_time");
        command.Parameters.AddWithValue("scheduler", scheduler);
        command.Parameters.AddWithValue("instance", instance);
        command.Parameters.AddWithValue("at", at.UtcTicks);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
