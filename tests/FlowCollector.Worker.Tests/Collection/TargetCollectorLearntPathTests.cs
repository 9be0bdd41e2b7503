using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.ValueStream;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>
/// The collector learns a target's environment path from the deployments it read before building the flow, and keeps
/// what it learnt in the state store only once the points are written (like the watermark).
/// </summary>
public sealed class TargetCollectorLearntPathTests : IDisposable
{
    private static readonly RepositoryRef Web = new("github", "contoso", "web");
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-learnt-").FullName;
    private readonly FakeTimeProvider time = new(Now);
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task The_first_run_measures_along_the_path_learnt_from_its_own_read_and_then_stores_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink, new ValueStreamOptions());

        var outcome = await collector.CollectAsync(Target(), ct);

        // Merged at t (2 days ago); staging started t+1h, finished t+1h10; production started t+2h, finished t+2h10:
        // release_wait 3600, deploy:staging 600, promotion_wait:production 3000, deploy:production 600.
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(
            [("release_wait", 3600.0), ("deploy:staging", 600.0), ("promotion_wait:production", 3000.0), ("deploy:production", 600.0)],
            sink.Points.Where(p => p.Measurement == FlowSchema.Measurements.ChangeStage && p.Tag("stage") is not ("coding" or "merge"))
                .Select(p => (p.Tag("stage"), p.Field("seconds")!.Value.AsFloat)));
        Assert.Equal(StreamOrigin.Learnt, outcome.Stream!.Origin);
        var stored = EnvironmentPathStateCodec.Decode(await store.GetETagAsync(Web.Key, TargetCollector.EnvironmentPathResource, ct));
        Assert.Equal("staging → production (production: production)", new EnvironmentPathLearner(EnvironmentLearning.Default, stored).Path()!.ToString());
    }

    [Fact]
    public async Task When_the_sink_fails_nothing_learnt_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new RecordingSink { FailWith = new SinkException("InfluxDB is down") };
        var (collector, store) = await CreateAsync(sink, new ValueStreamOptions());

        var outcome = await collector.CollectAsync(Target(), ct);

        Assert.False(outcome.Succeeded);
        Assert.Null(await store.GetETagAsync(Web.Key, TargetCollector.EnvironmentPathResource, ct));
    }

    [Fact]
    public async Task A_configured_stream_is_used_as_it_is_and_nothing_is_learnt()
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink, new ValueStreamOptions { Environments = ["production"] });

        var outcome = await collector.CollectAsync(Target(), ct);

        // Only production is on the path: release_wait from the merge to the production start, 7200.
        Assert.Equal(
            [("release_wait", 7200.0), ("deploy:production", 600.0)],
            sink.Points.Where(p => p.Measurement == FlowSchema.Measurements.ChangeStage && p.Tag("stage") is not ("coding" or "merge"))
                .Select(p => (p.Tag("stage"), p.Field("seconds")!.Value.AsFloat)));
        Assert.Equal(StreamOrigin.Configured, outcome.Stream!.Origin);
        Assert.Null(await store.GetETagAsync(Web.Key, TargetCollector.EnvironmentPathResource, ct));
    }

    private static CollectionTarget Target() => new(Web, new ScriptedSource(Delivered()), new SourceScheduleOptions());

    /// <summary>Pull request 42: first commit t-1h, opened t-30m, merged at t (no review), deployed to staging then production.</summary>
    private static FlowEvent[] Delivered()
    {
        var t = Now.AddDays(-2);
        FlowEvent Deployment(FlowEventKind kind, string id, string environment, DateTimeOffset at) =>
            new() { Kind = kind, Repository = Web, SubjectId = id, OccurredAt = at, Environment = environment, Sha = "m42", Result = kind == FlowEventKind.DeploymentFinished ? "success" : null };
        return
        [
            new() { Kind = FlowEventKind.CommitAuthored, Repository = Web, SubjectId = "42", OccurredAt = t.AddHours(-1), Sha = "c42" },
            new() { Kind = FlowEventKind.ChangeOpened, Repository = Web, SubjectId = "42", OccurredAt = t.AddMinutes(-30), Actor = "alice" },
            new() { Kind = FlowEventKind.ChangeMerged, Repository = Web, SubjectId = "42", OccurredAt = t, Sha = "m42" },
            Deployment(FlowEventKind.DeploymentStarted, "d1", "staging", t.AddHours(1)),
            Deployment(FlowEventKind.DeploymentFinished, "d1", "staging", t.AddHours(1).AddMinutes(10)),
            Deployment(FlowEventKind.DeploymentStarted, "d2", "production", t.AddHours(2)),
            Deployment(FlowEventKind.DeploymentFinished, "d2", "production", t.AddHours(2).AddMinutes(10)),
        ];
    }

    private async Task<(TargetCollector Collector, SqliteStateStore Store)> CreateAsync(IPointSink sink, ValueStreamOptions options)
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(directory, "state.db") }));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var telemetry = new FlowCollectorTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), time);
        return (new TargetCollector(store, Options.Create(new CollectionOptions()), sink, ValueStreamCatalog.From(options), TeamDirectory.None, new TargetHealthRegistry(), telemetry, time, NullLogger<TargetCollector>.Instance), store);
    }

    private sealed class ScriptedSource(FlowEvent[] events) : IFlowEventSource
    {
        public string Source => "github";

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => [Web];

        public Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult(new SourceReadResult(events, Now.AddHours(-3), new SourceUsage(4, 4990)));

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) =>
            Task.FromResult(new TargetCheck(repository, true, "ok"));
    }
}
