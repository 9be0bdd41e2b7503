using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Sources.GitHub;
using FlowCollector.State;
using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>
/// The collector with a source that can probe (the real GitHub source against the simulator): probe, then read only
/// when something changed or a full read is due, and keep the validators only with written points.
/// </summary>
public sealed class TargetCollectorProbeTests : IDisposable
{
    private const string Repo = "contoso/web";
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly RepositoryRef Web = new("github", "contoso", "web");
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-probe-").FullName;
    private readonly FakeTimeProvider time = new(Now);
    private readonly ServiceProvider metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SimulatedGitHub model = new();
    private readonly GitHubSimulator simulator;
    private readonly ServiceProvider github;
    private readonly RecordingSink sink = new();
    private readonly SimulatedRepository repo;

    public TargetCollectorProbeTests()
    {
        var repo = this.repo = model.AddRepository(Repo);
        repo.OpenPullRequest("alice", Now.AddDays(-2)).Commit(Now.AddDays(-2).AddHours(-1)).Merge(Now.AddDays(-2).AddHours(3), "m1");
        repo.OpenPullRequest("bob", Now.AddDays(-1)).Commit(Now.AddDays(-1).AddHours(-1)).RequestReview("carol", Now.AddDays(-1).AddMinutes(5));
        repo.Run("build", "m1", Now.AddDays(-2).AddHours(3), Now.AddDays(-2).AddHours(3), Now.AddDays(-2).AddHours(3.2));
        simulator = new GitHubSimulator(model);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = simulator.Url,
            ["Sources:GitHub:Token"] = simulator.Token,
            ["Sources:GitHub:Repositories:0"] = Repo,
        }).Build();
        github = new ServiceCollection().AddGitHubSource(configuration).BuildServiceProvider();
    }

    private IFlowEventSource Source => github.GetServices<IFlowEventSource>().Single();

    public void Dispose()
    {
        github.Dispose();
        simulator.Dispose();
        metrics.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task An_unchanged_repository_is_not_read_but_its_waiting_snapshot_and_sync_point_are_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, store) = await CreateAsync();
        Assert.True((await collector.CollectAsync(Target(), ct)).Succeeded);
        var first = (await store.GetTargetAsync(Web.Key, ct))!;
        sink.Points.Clear();
        simulator.ResetCounts();
        var budget = simulator.RateLimitRemaining;

        time.Advance(TimeSpan.FromMinutes(15));
        var outcome = await collector.CollectAsync(Target(), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(3, outcome.ApiRequests);
        Assert.Equal(0, outcome.EventsRead);
        Assert.All(simulator.Requests, r => Assert.Equal(304, r.StatusCode)); // no GraphQL query, no read
        Assert.Equal(3, simulator.RequestCount);
        Assert.Equal(budget, simulator.RateLimitRemaining);

        // The open pull request waits for review; its age grew by the 15 minutes.
        var waiting = sink.Points.Where(p => p.Measurement == FlowSchema.Measurements.StageQueue && p.Field(FlowSchema.Fields.Count)?.AsInteger > 0).ToList();
        Assert.NotEmpty(waiting);
        Assert.Contains(waiting, p => p.Field(FlowSchema.Fields.OldestChangeId)?.AsString == "2");
        var sync = Assert.Single(sink.Points, p => p.Measurement == FlowSchema.Measurements.CollectorSync);
        Assert.Equal("success", sync.Tag(FlowSchema.Tags.Result));
        Assert.Equal(3, sync.Field(FlowSchema.Fields.ApiRequests)!.Value.AsInteger);
        Assert.Equal(0, sync.Field(FlowSchema.Fields.Events)!.Value.AsInteger);
        Assert.Equal(sink.Points.Count, sync.Field(FlowSchema.Fields.Points)!.Value.AsInteger);

        var second = (await store.GetTargetAsync(Web.Key, ct))!;
        Assert.Equal(first.Watermark, second.Watermark);
        Assert.Equal(Now.AddMinutes(15), second.LastSuccess);
        Assert.Null(second.LastError);
    }

    [Fact]
    public async Task A_change_is_read_and_moves_the_watermark_and_the_validators()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, store) = await CreateAsync();
        await collector.CollectAsync(Target(), ct);
        var validators = await store.GetETagAsync(Web.Key, TargetCollector.ProbeValidatorsResource, ct);
        var watermark = (await store.GetTargetAsync(Web.Key, ct))!.Watermark;
        simulator.ResetCounts();

        time.Advance(TimeSpan.FromMinutes(15));
        model.Repository(Repo).PullRequest(2).Review("carol", SimulatedReviewState.Approved, Now.AddMinutes(10));
        var outcome = await collector.CollectAsync(Target(), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.True(simulator.RequestsTo("/graphql") > 0);
        Assert.True(outcome.EventsRead > 0);
        Assert.Equal(outcome.ApiRequests, simulator.RequestCount); // probe and read, both counted
        Assert.NotEqual(validators, await store.GetETagAsync(Web.Key, TargetCollector.ProbeValidatorsResource, ct));
        Assert.True((await store.GetTargetAsync(Web.Key, ct))!.Watermark > watermark);
    }

    [Fact]
    public async Task A_failed_write_after_a_changed_probe_keeps_the_old_validators_so_the_next_run_reads_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, store) = await CreateAsync();
        await collector.CollectAsync(Target(), ct);
        var validators = await store.GetETagAsync(Web.Key, TargetCollector.ProbeValidatorsResource, ct);
        var watermark = (await store.GetTargetAsync(Web.Key, ct))!.Watermark;

        time.Advance(TimeSpan.FromMinutes(15));
        model.Repository(Repo).PullRequest(2).Review("carol", SimulatedReviewState.Approved, Now.AddMinutes(10));
        sink.FailWith = new SinkException("InfluxDB at http://influx:8086 is unreachable");
        var failed = await collector.CollectAsync(Target(), ct);

        Assert.Equal(CollectionResult.Failure, failed.Result);
        Assert.Equal(validators, await store.GetETagAsync(Web.Key, TargetCollector.ProbeValidatorsResource, ct));
        Assert.Equal(watermark, (await store.GetTargetAsync(Web.Key, ct))!.Watermark);

        sink.FailWith = null;
        simulator.ResetCounts();
        time.Advance(TimeSpan.FromMinutes(15));
        var recovered = await collector.CollectAsync(Target(), ct);

        Assert.True(recovered.Succeeded, recovered.Error);
        Assert.True(simulator.RequestsTo("/graphql") > 0); // read again, the review is not lost
        Assert.Contains(sink.Points, p => p.Measurement == FlowSchema.Measurements.ChangeStage || p.Measurement == FlowSchema.Measurements.StageQueue);
        Assert.True(recovered.EventsRead > 0);
    }

    [Fact]
    public async Task The_reconcile_interval_forces_a_full_read_of_an_unchanged_repository()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, _) = await CreateAsync(new CollectionOptions { ReconcileInterval = TimeSpan.FromHours(1) });
        await collector.CollectAsync(Target(), ct);

        simulator.ResetCounts();
        time.Advance(TimeSpan.FromMinutes(59));
        await collector.CollectAsync(Target(), ct);
        Assert.Equal(0, simulator.RequestsTo("/graphql"));

        simulator.ResetCounts();
        time.Advance(TimeSpan.FromMinutes(1));
        var reconciled = await collector.CollectAsync(Target(), ct);
        Assert.True(reconciled.Succeeded, reconciled.Error);
        Assert.True(simulator.RequestsTo("/graphql") > 0);

        // The full read restarted the interval: the next unchanged run is a probe again.
        simulator.ResetCounts();
        time.Advance(TimeSpan.FromMinutes(15));
        await collector.CollectAsync(Target(), ct);
        Assert.Equal(0, simulator.RequestsTo("/graphql"));
    }

    [Fact]
    public async Task A_zero_reconcile_interval_turns_the_probe_off()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, store) = await CreateAsync(new CollectionOptions { ReconcileInterval = TimeSpan.Zero });
        await collector.CollectAsync(Target(), ct);
        simulator.ResetCounts();

        time.Advance(TimeSpan.FromMinutes(15));
        await collector.CollectAsync(Target(), ct);

        Assert.True(simulator.RequestsTo("/graphql") > 0);
        Assert.Equal(0, simulator.RequestsTo($"/repos/{Repo}/pulls"));
        Assert.Null(await store.GetETagAsync(Web.Key, TargetCollector.ProbeValidatorsResource, ct));
    }

    [Fact]
    public async Task A_probe_refused_for_bad_credentials_fails_the_run_without_reading()
    {
        var ct = TestContext.Current.CancellationToken;
        var (collector, store) = await CreateAsync();
        await collector.CollectAsync(Target(), ct);
        var watermark = (await store.GetTargetAsync(Web.Key, ct))!.Watermark;
        simulator.ResetCounts();
        simulator.FailNext($"/repos/{Repo}/pulls", 1, System.Net.HttpStatusCode.Unauthorized, "Bad credentials");

        time.Advance(TimeSpan.FromMinutes(15));
        var failed = await collector.CollectAsync(Target(), ct);

        Assert.Equal(CollectionResult.Failure, failed.Result);
        Assert.Contains("Sources:GitHub:Token", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, simulator.RequestsTo("/graphql"));
        Assert.Equal(watermark, (await store.GetTargetAsync(Web.Key, ct))!.Watermark);
    }

    /// <summary>
    /// A probe-only run measures the waiting changes along the path learnt by the last full read (issue 16): m1 (pull
    /// request 1) went staging → production, m2 (pull request 3) reached staging only, so it waits in
    /// <c>promotion_wait:production</c> — with the default stream (production only) it would wait in <c>release_wait</c>.
    /// </summary>
    [Fact]
    public async Task An_unchanged_repository_keeps_the_path_learnt_by_the_last_full_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = Now.AddDays(-2);
        repo.Deploy("staging", "m1", t.AddHours(4), t.AddHours(4), t.AddHours(4.2));
        repo.Deploy("production", "m1", t.AddHours(5), t.AddHours(5), t.AddHours(5.2));
        repo.OpenPullRequest("erin", t.AddHours(12)).Commit(t.AddHours(11)).Merge(t.AddHours(13), "m2");
        repo.Deploy("staging", "m2", t.AddHours(14), t.AddHours(14), t.AddHours(14.2));
        var options = new ValueStreamOptions();
        var (collector, _) = await CreateAsync(streams: ValueStreamCatalog.From(options));
        Assert.Equal(StreamOrigin.Learnt, (await collector.CollectAsync(Target(), ct)).Stream!.Origin);
        sink.Points.Clear();

        time.Advance(TimeSpan.FromMinutes(15));
        var outcome = await collector.CollectAsync(Target(), ct);

        Assert.Equal(0, outcome.EventsRead); // the probe saw nothing new
        Assert.Equal("staging → production (production: production), learnt from its deployments", outcome.Stream!.ToString());
        var waiting = sink.Points.Where(p => p.Measurement == FlowSchema.Measurements.StageQueue && p.Field(FlowSchema.Fields.Count)?.AsInteger > 0).ToList();
        var promotion = Assert.Single(waiting, p => p.Tag(FlowSchema.Tags.Stage) == "promotion_wait:production");
        Assert.Equal("3", promotion.Field(FlowSchema.Fields.OldestChangeId)?.AsString);
        Assert.DoesNotContain(waiting, p => p.Tag(FlowSchema.Tags.Stage) == "release_wait");
    }

    private CollectionTarget Target() => new(Web, Source, new SourceScheduleOptions());

    private async Task<(TargetCollector Collector, SqliteStateStore Store)> CreateAsync(CollectionOptions? options = null, ValueStreamCatalog? streams = null)
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(directory, "state.db") }));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var telemetry = new FlowCollectorTelemetry(metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), time);
        streams ??= ValueStreamCatalog.OneForAll(ValueStreamDefinition.Default());
        var collector = new TargetCollector(store, Options.Create(options ?? new CollectionOptions()), sink, streams, TeamDirectory.None, new TargetHealthRegistry(), telemetry, time, NullLogger<TargetCollector>.Instance);
        return (collector, store);
    }
}
