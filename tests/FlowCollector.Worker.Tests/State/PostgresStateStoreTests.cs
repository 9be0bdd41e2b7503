using FlowCollector.Domain.Ports;
using FlowCollector.State;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.State;

public sealed class PostgresStateStoreTests(PostgreSqlFixture postgres) : StateStoreContract, IAsyncLifetime
{
    private readonly List<PostgresStateStore> stores = [];
    private string connectionString = "";

    public async ValueTask InitializeAsync() => connectionString = await postgres.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_API_budget_keeps_the_newest_observation_per_credential()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = (PostgresStateStore)await OpenAsync();
        var t = new DateTimeOffset(2025, 3, 3, 12, 0, 0, 250, TimeSpan.Zero);
        await store.RecordAsync(new ApiBudget("github:aaaa", "github", 4000, t, "node-1"), ct);
        await store.RecordAsync(new ApiBudget("github:aaaa", "github", 4100, t.AddSeconds(-5), "node-2"), ct); // late report of an older reading
        await store.RecordAsync(new ApiBudget("github:bbbb", "github", 10, t, "node-2"), ct);

        Assert.Equal(new ApiBudget("github:aaaa", "github", 4000, t, "node-1"), await store.GetAsync("github:aaaa", ct));
        Assert.Equal(10, (await store.GetAsync("github:bbbb", ct))!.Remaining);
        Assert.Null(await store.GetAsync("github:cccc", ct));
    }

    protected override async Task<IStateStore> OpenAsync()
    {
        var store = Create(connectionString);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    private PostgresStateStore Create(string connectionString)
    {
        var store = new PostgresStateStore(Options.Create(new StateOptions { PostgreSql = new PostgreSqlStateOptions { ConnectionString = connectionString } }));
        stores.Add(store);
        return store;
    }
}
