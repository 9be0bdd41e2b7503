using FlowCollector.Domain.Ports;
using FlowCollector.Worker.State;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.State;

public sealed class SqliteStateStoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-state-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(this.directory, recursive: true);
    }

    [Fact]
    public async Task Target_state_round_trips_and_survives_a_new_store_instance()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await this.OpenAsync();
        var watermark = new DateTimeOffset(2025, 3, 3, 12, 0, 0, 123, TimeSpan.Zero);
        await store.SaveTargetAsync(new TargetState("github:contoso/web", watermark, watermark.AddMinutes(1), watermark.AddMinutes(2), null), ct);

        var reopened = await this.OpenAsync();
        var state = await reopened.GetTargetAsync("github:contoso/web", ct);

        Assert.Equal(new TargetState("github:contoso/web", watermark, watermark.AddMinutes(1), watermark.AddMinutes(2), null), state);
        Assert.Null(await reopened.GetTargetAsync("github:contoso/other", ct));
    }

    [Fact]
    public async Task Saving_again_replaces_the_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await this.OpenAsync();
        var t = new DateTimeOffset(2025, 3, 3, 12, 0, 0, TimeSpan.Zero);
        await store.SaveTargetAsync(new TargetState("k", t, t, t, null), ct);
        await store.SaveTargetAsync(new TargetState("k", t, t, t.AddHours(1), "GitHub rejected the token"), ct);

        var state = await store.GetTargetAsync("k", ct);

        Assert.Equal("GitHub rejected the token", state!.LastError);
        Assert.Equal(t.AddHours(1), state.LastAttempt);
        Assert.Equal(t, state.Watermark);
    }

    [Fact]
    public async Task ETags_and_pending_changes_are_kept_per_target()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await this.OpenAsync();
        await store.SaveETagAsync("a", "/repos/contoso/web/pulls?page=1", "W/\"1\"", ct);
        await store.SaveETagAsync("a", "/repos/contoso/web/pulls?page=1", "W/\"2\"", ct);
        await store.ReplacePendingChangesAsync("a", new Dictionary<string, string> { ["41"] = "{}", ["42"] = "{\"x\":1}" }, ct);
        await store.ReplacePendingChangesAsync("b", new Dictionary<string, string> { ["7"] = "{}" }, ct);
        await store.ReplacePendingChangesAsync("a", new Dictionary<string, string> { ["42"] = "{\"x\":2}" }, ct);

        Assert.Equal("W/\"2\"", await store.GetETagAsync("a", "/repos/contoso/web/pulls?page=1", ct));
        Assert.Null(await store.GetETagAsync("b", "/repos/contoso/web/pulls?page=1", ct));
        Assert.Equal(new Dictionary<string, string> { ["42"] = "{\"x\":2}" }, await store.GetPendingChangesAsync("a", ct));
        Assert.Equal(["7"], (await store.GetPendingChangesAsync("b", ct)).Keys);
    }

    [Fact]
    public async Task An_unwritable_location_names_the_setting()
    {
        var blocker = Path.Combine(this.directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "", TestContext.Current.CancellationToken);
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(blocker, "state.db") }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));

        Assert.Contains("State:SqlitePath", error.Message, StringComparison.Ordinal);
    }

    private async Task<SqliteStateStore> OpenAsync()
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(this.directory, "sub", "state.db") }));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }
}
