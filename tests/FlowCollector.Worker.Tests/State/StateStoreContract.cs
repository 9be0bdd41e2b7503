using FlowCollector.Domain.Ports;

namespace FlowCollector.Worker.Tests.State;

/// <summary>
/// What every <see cref="IStateStore"/> must do, run against each implementation (SQLite and PostgreSQL), so the
/// clustered store cannot drift from the embedded one.
/// </summary>
public abstract class StateStoreContract
{
    /// <summary>A new store instance over this test's storage (the same storage on every call), initialised.</summary>
    protected abstract Task<IStateStore> OpenAsync();

    [Fact]
    public async Task Target_state_round_trips_and_survives_a_new_store_instance()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var watermark = new DateTimeOffset(2025, 3, 3, 12, 0, 0, 123, TimeSpan.Zero);
        await store.SaveTargetAsync(new TargetState("github:contoso/web", watermark, watermark.AddMinutes(1), watermark.AddMinutes(2), null), ct);

        var reopened = await OpenAsync();
        var state = await reopened.GetTargetAsync("github:contoso/web", ct);

        Assert.Equal(new TargetState("github:contoso/web", watermark, watermark.AddMinutes(1), watermark.AddMinutes(2), null), state);
        Assert.Null(await reopened.GetTargetAsync("github:contoso/other", ct));
    }

    [Fact]
    public async Task Times_are_kept_to_the_millisecond_in_UTC()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var local = new DateTimeOffset(2025, 3, 3, 14, 0, 0, 456, TimeSpan.FromHours(2)).AddTicks(7_890);
        await store.SaveTargetAsync(new TargetState("k", local, null, local, null), ct);

        var state = await store.GetTargetAsync("k", ct);

        Assert.Equal(new DateTimeOffset(2025, 3, 3, 12, 0, 0, 456, TimeSpan.Zero), state!.Watermark);
        Assert.Equal(TimeSpan.Zero, state.Watermark!.Value.Offset);
        Assert.Null(state.LastSuccess);
    }

    [Fact]
    public async Task Saving_again_replaces_the_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
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
        var store = await OpenAsync();
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
    public async Task One_resource_of_every_target_is_read_in_one_call_and_other_resources_are_left_out()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        await store.SaveETagAsync("github:contoso/web", "queues", "{\"web\":1}", ct);
        await store.SaveETagAsync("github:contoso/api", "queues", "{\"api\":1}", ct);
        await store.SaveETagAsync("github:contoso/api", "queues", "{\"api\":2}", ct);
        await store.SaveETagAsync("github:contoso/docs", "probe", "W/\"9\"", ct);

        var queues = await store.GetResourceOfEveryTargetAsync("queues", ct);

        Assert.Equal(new Dictionary<string, string> { ["github:contoso/api"] = "{\"api\":2}", ["github:contoso/web"] = "{\"web\":1}" }, queues);
        Assert.Empty(await store.GetResourceOfEveryTargetAsync("never-saved", ct));
    }

    [Fact]
    public async Task Replacing_with_an_empty_set_clears_the_pending_changes_and_a_large_set_is_kept_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var many = Enumerable.Range(1, 2_000).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => $"{{\"n\":{i},\"s\":\"ü'\\\"\"}}");
        await store.ReplacePendingChangesAsync("a", many, ct);
        await store.ReplacePendingChangesAsync("b", new Dictionary<string, string> { ["1"] = "{}" }, ct);

        Assert.Equal(many, await store.GetPendingChangesAsync("a", ct));

        await store.ReplacePendingChangesAsync("a", new Dictionary<string, string>(), ct);

        Assert.Empty(await store.GetPendingChangesAsync("a", ct));
        Assert.Single(await store.GetPendingChangesAsync("b", ct));
    }

    [Fact]
    public async Task Initialising_again_keeps_what_was_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var t = new DateTimeOffset(2025, 3, 3, 12, 0, 0, TimeSpan.Zero);
        await store.SaveTargetAsync(new TargetState("k", t, t, t, null), ct);
        await store.SaveETagAsync("k", "r", "e", ct);

        await store.InitializeAsync(ct);
        var reopened = await OpenAsync();

        Assert.Equal(t, (await reopened.GetTargetAsync("k", ct))!.Watermark);
        Assert.Equal("e", await reopened.GetETagAsync("k", "r", ct));
    }
}
