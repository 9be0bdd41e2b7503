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

public sealed class TargetCollectorTests : IDisposable
{
    private static readonly RepositoryRef Web = new("github", "contoso", "web");
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-collector-").FullName;
    private readonly FakeTimeProvider time = new(Now);
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TargetHealthRegistry health = new();

    public void Dispose()
    {
        services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_first_run_reads_the_backfill_window_writes_the_stages_and_then_advances_the_watermark()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new ScriptedSource(MergedPullRequest("42", Now.AddDays(-2)));
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink);

        var outcome = await collector.CollectAsync(Target(source), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(Now - TimeSpan.FromDays(30), Assert.Single(source.Since));
        var stages = sink.Points.Where(p => p.Measurement == FlowSchema.Measurements.ChangeStage).Select(p => (p.Tag("stage"), p.Field("seconds")!.Value.AsFloat)).ToList();
        Assert.Equal([("coding", 3600.0), ("pickup", 7200.0), ("review", 1800.0), ("merge", 900.0)], stages);
        var sync = Assert.Single(sink.Points, p => p.Measurement == FlowSchema.Measurements.CollectorSync);
        Assert.Equal("success", sync.Tag("result"));
        Assert.Equal(ScriptedSource.HighWatermark, (await store.GetTargetAsync(Web.Key, ct))!.Watermark);
    }

    [Fact]
    public async Task When_the_sink_fails_the_watermark_stays_and_the_next_run_rereads_the_same_window()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new ScriptedSource(MergedPullRequest("42", Now.AddDays(-2)));
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink);
        await collector.CollectAsync(Target(source), ct);
        var watermark = (await store.GetTargetAsync(Web.Key, ct))!.Watermark!.Value;

        sink.FailWith = new SinkException("InfluxDB at http://influx:8086 is unreachable");
        time.Advance(TimeSpan.FromMinutes(15));
        var failed = await collector.CollectAsync(Target(source), ct);

        Assert.Equal(CollectionResult.Failure, failed.Result);
        Assert.Equal("InfluxDB at http://influx:8086 is unreachable", failed.Error);
        var state = await store.GetTargetAsync(Web.Key, ct);
        Assert.Equal(watermark, state!.Watermark);
        Assert.Equal("InfluxDB at http://influx:8086 is unreachable", state.LastError);

        sink.FailWith = null;
        time.Advance(TimeSpan.FromMinutes(15));
        var recovered = await collector.CollectAsync(Target(source), ct);

        Assert.True(recovered.Succeeded);
        Assert.Equal([Now - TimeSpan.FromDays(30), watermark - TimeSpan.FromHours(1), watermark - TimeSpan.FromHours(1)], source.Since);
        Assert.Null((await store.GetTargetAsync(Web.Key, ct))!.LastError);
    }

    [Fact]
    public async Task A_source_failure_is_reported_without_touching_the_watermark_or_writing_data()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new ScriptedSource { FailWith = new SourceException("GitHub rejected the token for contoso/web (401 Bad credentials): check Sources:GitHub:Token.") };
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink);

        var outcome = await collector.CollectAsync(Target(source), ct);

        Assert.Equal(CollectionResult.Failure, outcome.Result);
        Assert.Contains("Sources:GitHub:Token", outcome.Error, StringComparison.Ordinal);
        Assert.Null((await store.GetTargetAsync(Web.Key, ct))!.Watermark);
        var only = Assert.Single(sink.Points);
        Assert.Equal(FlowSchema.Measurements.CollectorSync, only.Measurement);
        Assert.Equal("failure", only.Tag("result"));
    }

    [Fact]
    public async Task A_run_cancelled_by_shutdown_writes_nothing_and_keeps_the_watermark()
    {
        using var cancelled = new CancellationTokenSource();
        var source = new ScriptedSource(MergedPullRequest("42", Now.AddDays(-2))) { OnRead = cancelled.Cancel };
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink);

        var outcome = await collector.CollectAsync(Target(source), cancelled.Token);

        Assert.Equal(CollectionResult.Cancelled, outcome.Result);
        Assert.Empty(sink.Points);
        Assert.Null(await store.GetTargetAsync(Web.Key, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_change_merged_in_one_run_is_completed_by_a_deployment_read_in_a_later_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var opened = Now.AddDays(-2);
        var merged = opened.AddHours(2.75);
        var sink = new RecordingSink();
        var (collector, store) = await CreateAsync(sink);
        await collector.CollectAsync(Target(new ScriptedSource(MergedPullRequest("42", opened))), ct);
        Assert.Equal(["42"], (await store.GetPendingChangesAsync(Web.Key, ct)).Keys);
        sink.Points.Clear();

        // The next run reads only the production deployment of the merge commit, 1 h after the merge, lasting 10 min.
        time.Advance(TimeSpan.FromHours(1));
        var deployment = new ScriptedSource(
            new FlowEvent { Kind = FlowEventKind.DeploymentStarted, Repository = Web, SubjectId = "d1", OccurredAt = merged.AddHours(1), Sha = "m42", Environment = "production" },
            new FlowEvent { Kind = FlowEventKind.DeploymentFinished, Repository = Web, SubjectId = "d1", OccurredAt = merged.AddHours(1).AddMinutes(10), Sha = "m42", Environment = "production", Result = "success" });
        var outcome = await collector.CollectAsync(Target(deployment), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        var stages = sink.Points.Where(p => p.Measurement == FlowSchema.Measurements.ChangeStage).Select(p => (p.Tag("stage"), p.Field("seconds")!.Value.AsFloat)).ToList();
        Assert.Equal([("coding", 3600.0), ("pickup", 7200.0), ("review", 1800.0), ("merge", 900.0), ("release_wait", 3600.0), ("deploy:production", 600.0)], stages);

        // Lead time: first commit (opened − 1 h) → deployed (merged + 1 h 10 min) = 4 h 55 min; process = coding + review + deploy.
        var change = Assert.Single(sink.Points, p => p.Measurement == FlowSchema.Measurements.Change);
        Assert.Equal(17700, change.Field(FlowSchema.Fields.LeadSeconds)!.Value.AsFloat);
        Assert.Equal(6000, change.Field(FlowSchema.Fields.ProcessSeconds)!.Value.AsFloat);
        Assert.Equal(11700, change.Field(FlowSchema.Fields.WaitSeconds)!.Value.AsFloat);
        var delivered = Assert.Single(sink.Points, p => p.Measurement == FlowSchema.Measurements.Deployment);
        Assert.Equal(1, delivered.Field(FlowSchema.Fields.Changes)!.Value.AsInteger);
    }

    [Fact]
    public async Task A_pending_change_older_than_the_cap_is_forgotten()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, store) = await CreateAsync(new RecordingSink());

        await collector.CollectAsync(Target(new ScriptedSource([.. MergedPullRequest("42", Now.AddDays(-2)), .. MergedPullRequest("7", Now.AddDays(-120))])), ct);

        Assert.Equal(["42"], (await store.GetPendingChangesAsync(Web.Key, ct)).Keys);
    }

    private static CollectionTarget Target(IFlowEventSource source) => new(Web, source, new SourceScheduleOptions());

    /// <summary>Opened at t, first commit 1 h before, reviewed 2 h after opening, approved 30 min later, merged 15 min after that.</summary>
    private static FlowEvent[] MergedPullRequest(string number, DateTimeOffset opened) =>
    [
        new() { Kind = FlowEventKind.CommitAuthored, Repository = Web, SubjectId = number, OccurredAt = opened.AddHours(-1), Sha = "c" + number },
        new() { Kind = FlowEventKind.ChangeOpened, Repository = Web, SubjectId = number, OccurredAt = opened, Actor = "alice" },
        new() { Kind = FlowEventKind.ReviewSubmitted, Repository = Web, SubjectId = number, OccurredAt = opened.AddHours(2), Actor = "bob", ReviewState = ReviewState.ChangesRequested },
        new() { Kind = FlowEventKind.ReviewSubmitted, Repository = Web, SubjectId = number, OccurredAt = opened.AddHours(2.5), Actor = "bob", ReviewState = ReviewState.Approved },
        new() { Kind = FlowEventKind.ChangeMerged, Repository = Web, SubjectId = number, OccurredAt = opened.AddHours(2.75), Sha = "m" + number },
    ];

    private async Task<(TargetCollector Collector, SqliteStateStore Store)> CreateAsync(IPointSink sink)
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(directory, "state.db") }));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var telemetry = new FlowCollectorTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), time);
        return (new TargetCollector(store, Options.Create(new CollectionOptions()), sink, ValueStreamCatalog.OneForAll(ValueStreamDefinition.Default()), TeamDirectory.None, health, telemetry, time, NullLogger<TargetCollector>.Instance), store);
    }

    private sealed class ScriptedSource(params FlowEvent[] events) : IFlowEventSource
    {
        public static readonly DateTimeOffset HighWatermark = Now.AddHours(-3);

        public List<DateTimeOffset> Since { get; } = [];

        public Exception? FailWith { get; init; }

        public Action? OnRead { get; init; }

        public string Source => "github";

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => [Web];

        public Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken)
        {
            Since.Add(since);
            OnRead?.Invoke();
            return FailWith is not null
                ? Task.FromException<SourceReadResult>(FailWith)
                : Task.FromResult(new SourceReadResult(events, HighWatermark, new SourceUsage(4, 4990)));
        }

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) =>
            Task.FromResult(new TargetCheck(repository, true, "ok"));
    }
}
