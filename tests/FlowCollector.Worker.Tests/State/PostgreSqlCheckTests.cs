using FlowCollector.State;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowCollector.Worker.Tests.State;

/// <summary><c>validate</c>'s check of the shared state store: what it says for a usable database and for each way it is not.</summary>
public sealed class PostgreSqlCheckTests(PostgreSqlFixture postgres)
{
    private const string Password = "s3cret-never-printed";

    [Fact]
    public async Task An_empty_database_the_role_may_create_tables_in_passes_and_stays_empty()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var store = Store(connectionString);

        Assert.Null(await store.CheckAsync(TestContext.Current.CancellationToken));

        // The check writes nothing: not even the version table exists afterwards.
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Equal(0L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_migrated_database_passes()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var store = Store(connectionString);
        await store.InitializeAsync(TestContext.Current.CancellationToken);

        Assert.Null(await store.CheckAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_role_that_may_not_create_the_tables_is_named_with_what_to_grant_and_without_the_password()
    {
        var server = await postgres.ServerAsync();
        var database = $"check_{Guid.NewGuid():N}";
        await server.CreateDatabaseAsync(database, TestContext.Current.CancellationToken);
        var role = $"reader_{Guid.NewGuid():N}"[..20];
        var connectionString = await server.CreateRoleWithoutRightsAsync(role, database, Password, TestContext.Current.CancellationToken);
        await using var store = Store(connectionString);

        var problem = await store.CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.Contains("State:PostgreSql:ConnectionString", problem, StringComparison.Ordinal);
        Assert.Contains("state v1", problem, StringComparison.Ordinal);
        Assert.Contains(role, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_that_may_not_write_the_existing_tables_gets_them_listed()
    {
        var server = await postgres.ServerAsync();
        var database = $"check_{Guid.NewGuid():N}";
        var ownerConnection = await server.CreateDatabaseAsync(database, TestContext.Current.CancellationToken);
        await using (var owner = Store(ownerConnection))
        {
            await owner.InitializeAsync(TestContext.Current.CancellationToken);
        }

        var role = $"reader_{Guid.NewGuid():N}"[..20];
        var connectionString = await server.CreateRoleWithoutRightsAsync(role, database, Password, TestContext.Current.CancellationToken);
        await using var store = Store(connectionString);

        var problem = await store.CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.Contains("may not read and write", problem, StringComparison.Ordinal);
        Assert.Contains("flowcollector_target_state", problem, StringComparison.Ordinal);
        Assert.Contains("qrtz_triggers", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_reported_not_thrown()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var store = Store($"Host=127.0.0.1;Port={port};Database=flow;Username=flow;Password={Password};Timeout=3");

        var problem = await store.CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.Contains("127.0.0.1", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, problem, StringComparison.Ordinal);
    }

    private static PostgresStateStore Store(string connectionString) =>
        new(Options.Create(new StateOptions { PostgreSql = new PostgreSqlStateOptions { ConnectionString = connectionString } }));
}
