using FlowCollector.State;
using FlowCollector.State.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowCollector.Worker.Tests.State;

/// <summary>The schema migration under the advisory lock, and the start-up errors a wrong setting gives.</summary>
public sealed class PostgreSqlSchemaTests(PostgreSqlFixture postgres)
{
    private const string Password = "s3cret-never-printed";

    [Fact]
    public async Task Three_replicas_migrating_at_once_apply_each_migration_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync();
        var sources = Enumerable.Range(0, 3).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            using var start = new Barrier(3);
            var applied = await Task.WhenAll(sources.Select(source => Task.Run(
                async () =>
                {
                    start.SignalAndWait(ct);
                    return await PostgreSqlSchema.MigrateAsync(source, ct);
                },
                ct)));

            Assert.Equal(PostgreSqlSchema.Migrations.Count, applied.Sum());
            Assert.Equal(0, await PostgreSqlSchema.MigrateAsync(sources[0], ct));
            var versions = await QueryAsync(sources[0], "SELECT component || '=' || version FROM flowcollector_schema_version ORDER BY component");
            Assert.Equal(["quartz=1", "state=1"], versions);
            var quartzTables = await QueryAsync(sources[0], "SELECT table_name::text FROM information_schema.tables WHERE table_name LIKE 'qrtz\\_%' ORDER BY 1");
            Assert.Equal(
                ["qrtz_blob_triggers", "qrtz_calendars", "qrtz_cron_triggers", "qrtz_execution_history", "qrtz_fired_triggers", "qrtz_job_details", "qrtz_job_status", "qrtz_locks",
                 "qrtz_misfire_history", "qrtz_paused_job_grps", "qrtz_paused_trigger_grps", "qrtz_scheduler_state", "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_triggers"],
                quartzTables);
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_a_startup_error_naming_the_setting_without_the_password()
    {
        var server = await postgres.ServerAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor("no_such_database")) { Password = Password }.ConnectionString;

        var error = await InitializeAsync(connectionString);

        Assert.Contains("State:PostgreSql:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_a_startup_error_naming_the_setting_without_the_password()
    {
        var connectionString = $"Host=127.0.0.1;Port={FreePort()};Database=flow;Username=flow;Password={Password};Timeout=3";

        var error = await InitializeAsync(connectionString);

        Assert.Contains("State:PostgreSql:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_without_rights_is_a_startup_error_that_says_what_to_grant()
    {
        var server = await postgres.ServerAsync();
        var database = $"rights_{Guid.NewGuid():N}";
        await server.CreateDatabaseAsync(database, TestContext.Current.CancellationToken);
        var role = $"reader_{Guid.NewGuid():N}"[..20];
        var connectionString = await server.CreateRoleWithoutRightsAsync(role, database, Password, TestContext.Current.CancellationToken);

        var error = await InitializeAsync(connectionString);

        Assert.Contains("State:PostgreSql:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains($"GRANT CREATE ON SCHEMA public TO \"{role}\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    private static async Task<InvalidOperationException> InitializeAsync(string connectionString)
    {
        await using var store = new PostgresStateStore(Options.Create(new StateOptions { PostgreSql = new PostgreSqlStateOptions { ConnectionString = connectionString } }));
        return await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<List<string>> QueryAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
