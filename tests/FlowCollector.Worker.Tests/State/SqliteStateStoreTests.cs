using FlowCollector.Domain.Ports;
using FlowCollector.State;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.State;

public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-state-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task An_unwritable_location_names_the_setting()
    {
        var blocker = Path.Combine(directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "", TestContext.Current.CancellationToken);
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(blocker, "state.db") }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));

        Assert.Contains("State:SqlitePath", error.Message, StringComparison.Ordinal);
    }

    protected override async Task<IStateStore> OpenAsync()
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(directory, "sub", "state.db") }));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }
}
