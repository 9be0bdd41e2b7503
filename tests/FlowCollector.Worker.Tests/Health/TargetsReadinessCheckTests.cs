using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Worker.Tests.Health;

/// <summary>
/// Issue 21 item 7: in a cluster a replica that saw a target fail stayed not-ready until it collected that target itself,
/// although another replica had collected it since. Readiness now asks the state store (the cluster's view) first.
/// </summary>
public sealed class TargetsReadinessCheckTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("flowcollector-readiness-");
    private readonly TargetHealthRegistry registry = new();
    private readonly FakeTimeProvider time = new(T0.AddHours(2));
    private readonly SqliteStateStore store;

    public TargetsReadinessCheckTests()
    {
        store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(directory.FullName, "state.db") }));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_target_failing_here_but_collected_since_by_another_replica_does_not_make_this_one_unready()
    {
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        registry.Failed("github:a/one", T0, "GitHub answered 502");           // failing here for 2 h (limit 1 h)
        registry.Failed("github:a/two", T0, "GitHub answered 502");
        await store.SaveTargetAsync(new TargetState("github:a/one", T0, T0.AddHours(1.5), T0.AddHours(1.5), null), TestContext.Current.CancellationToken);

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("github:a/two failing for 0.02:00:00", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("github:a/one", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_that_failed_again_after_the_other_replicas_success_counts_as_failing_since_that_success()
    {
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        registry.Failed("github:a/one", T0, "GitHub answered 502");
        await store.SaveTargetAsync(new TargetState("github:a/one", T0, T0.AddMinutes(30), T0.AddHours(1.9), "GitHub answered 502"), TestContext.Current.CancellationToken);

        // Success at 09:30 elsewhere, failing again after it: 1 h 30 m > 1 h at 11:00 — still unready, for 1 h 30 m, not 2 h.
        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("github:a/one failing for 0.01:30:00", result.Description, StringComparison.Ordinal);

        // A later success anywhere in the cluster ends it — seen at the next check against the store, at most every 30 s
        // (readiness probes come every few seconds; the database is not asked each time).
        await store.SaveTargetAsync(new TargetState("github:a/one", T0, T0.AddHours(1.95), T0.AddHours(1.95), null), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync()).Status);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }

    private Task<HealthCheckResult> CheckAsync() =>
        new TargetsReadinessCheck(registry, Options.Create(new HealthOptions { MaxFailureDuration = TimeSpan.FromHours(1) }), store, time)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
}
