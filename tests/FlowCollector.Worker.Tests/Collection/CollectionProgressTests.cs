using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>A first backfill tells the user what it is doing: its window, then a line at most every 30 s; /readyz and a gauge show it too.</summary>
public sealed class CollectionProgressTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_read_logs_its_window_then_at_most_one_line_every_30_seconds_with_what_is_known()
    {
        var time = new FakeTimeProvider(Now);
        var logger = new FakeLogger<CollectionProgress>();
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var progress = new CollectionProgress(time, metrics.GetRequiredService<IMeterFactory>(), logger);

        using (var reading = progress.Begin(Target(), Now.AddDays(-30), Now, firstBackfill: true))
        {
            Assert.Equal("Reading github:contoso/web from 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z (30d00h, first backfill)", Assert.Single(logger.Collector.GetSnapshot()).Message);

            time.Advance(TimeSpan.FromSeconds(29));
            ReadProgress.Listed(100, Now.AddDays(-10));
            ReadProgress.Requested(4990);
            ReadProgress.Requested(null);
            ReadProgress.Requested(4988);
            Assert.Single(logger.Collector.GetSnapshot()); // nothing before 30 s

            time.Advance(TimeSpan.FromSeconds(1));
            // 30 s in, the newest-first listing reached back 10 of the window's 30 days (1/3): the other 2/3 at the same
            // pace take 30 s × (2/3) / (1/3) = 60 s. The budget is the last one an API reported (4,988).
            Assert.Equal(
                "Still collecting github:contoso/web after 30s: 100 items listed back to 2026-11-21T00:00:00Z (33% of the window), 3 requests, rate limit left 4988, about 1m00s left",
                logger.Collector.LatestRecord.Message);

            // Reading in full starts at 30 s (the listing is over); at 60 s 2 of 4 are done in 30 s: 2 more take 30 s.
            ReadProgress.Detailed(1, 4);
            time.Advance(TimeSpan.FromSeconds(29));
            ReadProgress.Detailed(2, 4);
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(
                "Still collecting github:contoso/web after 1m00s: 100 items listed back to 2026-11-21T00:00:00Z (33% of the window), 2 of 4 read in full, 3 requests, rate limit left 4988, about 30s left",
                logger.Collector.LatestRecord.Message);
            Assert.Equal(3, logger.Collector.Count);
            Assert.All(logger.Collector.GetSnapshot(), r => Assert.Equal(LogLevel.Information, r.Level));
            reading.Succeeded();
        }

        // Disposed: no more lines, and reports on this flow go nowhere.
        ReadProgress.Listed(5, null);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, logger.Collector.Count);
        var done = Assert.Single(progress.Targets());
        Assert.Equal(("collected", false, 100, 3), (done.State, done.FirstBackfill, done.ItemsListed, done.Requests));
    }

    [Fact]
    public void Nothing_to_go_on_means_no_estimate_rather_than_a_wrong_one()
    {
        var time = new FakeTimeProvider(Now);
        var logger = new FakeLogger<CollectionProgress>();
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var progress = new CollectionProgress(time, metrics.GetRequiredService<IMeterFactory>(), logger);

        using var reading = progress.Begin(Target(), Now.AddHours(-1), Now, firstBackfill: false);
        ReadProgress.Requested(null);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("Still collecting github:contoso/web after 30s: 0 items listed, 1 requests, time left unknown", logger.Collector.LatestRecord.Message);

        // The listing reached the window's start: what remains (deployments, runs) is not proportional to dates.
        ReadProgress.Listed(3, Now.AddHours(-1));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("Still collecting github:contoso/web after 1m00s: 3 items listed back to 2026-11-30T23:00:00Z (100% of the window), 1 requests, time left unknown", logger.Collector.LatestRecord.Message);
        Assert.Contains("since the watermark", logger.Collector.GetSnapshot()[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_backfilling_gauge_counts_targets_whose_first_backfill_has_not_completed()
    {
        var time = new FakeTimeProvider(Now);
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = metrics.GetRequiredService<IMeterFactory>();
        var progress = new CollectionProgress(time, factory, new FakeLogger<CollectionProgress>());
        long? backfilling = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "flowcollector.targets.backfilling" && instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => backfilling = value);
        listener.Start();
        long? Observe()
        {
            backfilling = null;
            listener.RecordObservableInstruments();
            return backfilling;
        }

        var web = progress.Begin(Target("web"), Now.AddDays(-30), Now, firstBackfill: true);
        var api = progress.Begin(Target("api"), Now.AddDays(-30), Now, firstBackfill: true);
        using (progress.Begin(Target("old"), Now.AddHours(-1), Now, firstBackfill: false))
        {
            Assert.Equal(2, Observe());
        }

        web.Succeeded();
        web.Dispose();
        api.Dispose(); // failed: api is still in its first backfill, and so is its next read
        Assert.Equal(1, Observe());
        using (progress.Begin(Target("api"), Now.AddDays(-30), Now, firstBackfill: false))
        {
            Assert.Equal(1, Observe());
            Assert.Equal(["github:contoso/api"], progress.Targets().Where(t => t.FirstBackfill).Select(t => t.Target));
        }
    }

    [Fact]
    public async Task A_slow_simulated_backfill_logs_its_window_and_progress_lines_while_it_reads()
    {
        // 150 ms per GitHub request: the first backfill of contoso/web takes a couple of seconds; lines every 200 ms.
        using var scenario = new WorkerScenario(latency: TimeSpan.FromMilliseconds(150));
        var logs = new CapturingLoggerProvider();
        var config = scenario.WriteConfig();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await FlowCollectorApp.RunAsync(["once", "--config", config], stdout, stderr, services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton(sp => new CollectionProgress(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ILogger<CollectionProgress>>())
            {
                ReportEvery = TimeSpan.FromMilliseconds(200),
            });
        }, TestContext.Current.CancellationToken);

        Assert.True(code == ExitCodes.Ok, stdout.ToString() + stderr);
        var lines = logs.Messages.ToList();
        Assert.Contains(lines, l => l.StartsWith("Reading github:contoso/web from ", StringComparison.Ordinal) && l.EndsWith("(30d00h, first backfill)", StringComparison.Ordinal));
        var progress = lines.Where(l => l.StartsWith("Still collecting github:contoso/web after ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        // Requests are counted by the HTTP pipeline of the read, so some line has seen at least one.
        Assert.Contains(progress, l => System.Text.RegularExpressions.Regex.IsMatch(l, @", [1-9]\d* requests"));
        Assert.True(lines.IndexOf(progress[0]) > lines.FindIndex(l => l.StartsWith("Reading github:contoso/web", StringComparison.Ordinal)));
    }

    private static CollectionTarget Target(string name = "web") =>
        new(new RepositoryRef("github", "contoso", name), null!, new SourceScheduleOptions());

    /// <summary>Collects the formatted messages of every logger.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
