using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Statistics;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.Hosting;
using FlowCollector.Worker.Scheduling;
using FlowCollector.Worker.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Worker.Cli;

/// <summary>The three commands on one binary. Tests call <see cref="RunAsync"/> in-process with their own writers.</summary>
public static partial class FlowCollectorApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var commandLine = CommandLine.Parse(args);
        if (commandLine.Error is not null)
        {
            await stderr.WriteLineAsync($"flowcollector: {commandLine.Error}");
            await stderr.WriteLineAsync();
            CommandLine.WriteHelp(commandLine.HelpCommand, stderr);
            return ExitCodes.InvalidConfiguration;
        }

        try
        {
            return commandLine.Verb switch
            {
                Verb.Run => await RunServiceAsync(commandLine, stderr, configureServices, cancellationToken),
                Verb.Once => await OnceAsync(commandLine, stdout, stderr, configureServices, cancellationToken),
                Verb.Validate => await ValidateAsync(commandLine, stdout, stderr, configureServices, cancellationToken),
                Verb.Report => await ReportAsync(commandLine, stdout, stderr, configureServices, cancellationToken),
                Verb.Version => await VersionAsync(stdout),
                _ => Help(commandLine.HelpCommand, stdout),
            };
        }
        catch (InvalidDataException e)
        {
            // A configuration file that is not valid JSON.
            await stderr.WriteLineAsync($"flowcollector: cannot read the configuration: {e.Message}");
            return ExitCodes.InvalidConfiguration;
        }
        catch (FileNotFoundException e) when (commandLine.ConfigFile is not null)
        {
            await stderr.WriteLineAsync($"flowcollector: the --config file was not found: {e.FileName ?? commandLine.ConfigFile}");
            return ExitCodes.InvalidConfiguration;
        }
    }

    /// <summary>The first line of a run's log: which build is running, so a log read later says what produced it.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "FlowCollector {Version} starting: {Command}")]
    private static partial void LogStarting(ILogger logger, string version, string command);

    private static async Task<int> VersionAsync(TextWriter stdout)
    {
        await stdout.WriteLineAsync($"flowcollector {CommandLine.Version}");
        return ExitCodes.Ok;
    }

    private static int Help(string? command, TextWriter stdout)
    {
        CommandLine.WriteHelp(command, stdout);
        return ExitCodes.Ok;
    }

    private static HostApplicationBuilder CreateBuilder(CommandLine commandLine, Action<IServiceCollection>? configureServices)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        ConfigurationSetup.Apply(builder.Configuration, commandLine, builder.Environment.EnvironmentName);
        ConfigureLogging(builder.Logging, builder.Configuration.GetSection("Logging"));
        builder.Services.AddFlowCollector(builder.Configuration, prometheus: false);
        configureServices?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>
    /// Console logs with UTC ISO-8601 timestamps, one line each; <c>Logging:Console:FormatterName</c> = <c>json</c> (the
    /// standard .NET key) writes one JSON object per line for a log collector instead.
    /// </summary>
    internal static void ConfigureLogging(ILoggingBuilder logging, IConfigurationSection section)
    {
        logging.AddConfiguration(section);
        logging.AddConsole(console => console.FormatterName ??= Microsoft.Extensions.Logging.Console.ConsoleFormatterNames.Simple);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(console =>
        {
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    private static async Task<int> OnceAsync(CommandLine commandLine, TextWriter stdout, TextWriter stderr, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        // A person at a terminal gets live bars instead of the every-30-seconds progress lines (warnings still print).
        var live = LiveProgress.Wanted(stdout);
        using var host = CreateBuilder(commandLine, live
            ? services =>
            {
                configureServices?.Invoke(services);
                services.Configure<LoggerFilterOptions>(filters => filters.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning));
            }
            : configureServices).Build();
        if (StartupValidation.Rejects(host.Services, host.Services.GetRequiredService<IConfiguration>(), stderr))
        {
            return ExitCodes.InvalidConfiguration;
        }

        host.Services.StartTelemetry();
        var startLog = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FlowCollector");
        LogStarting(startLog, CommandLine.Version, "once");
        var discovery = await DiscoverAsync(host.Services, stderr, cancellationToken);
        var targets = host.Services.GetRequiredService<CollectionTargets>().All;
        await WarnAboutUnmatchedStreamsAsync(host.Services, stderr);
        if (targets.Count == 0)
        {
            await stderr.WriteLineAsync(discovery.All(d => d.Ok) ? NothingToCollect : "flowcollector: nothing to collect: every repository listing failed (see above).");
            return ExitCodes.InvalidConfiguration;
        }

        var store = host.Services.GetRequiredService<IStateStore>();
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            await stderr.WriteLineAsync($"flowcollector: {e.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        var collector = host.Services.GetRequiredService<TargetCollector>();
        var concurrency = host.Services.GetRequiredService<IOptions<CollectionOptions>>().Value.MaxConcurrentTargets;
        var outcomes = new CollectionOutcome[targets.Count];
        Task Collect() => CollectEveryTargetAsync(collector, targets, outcomes, concurrency, cancellationToken);
        if (live)
        {
            await LiveProgress.RunAsync(Spectre.Console.AnsiConsole.Console, targets, host.Services.GetRequiredService<CollectionProgress>(), Collect, TimeSpan.FromMilliseconds(250));
        }
        else
        {
            await Collect();
        }

        var sink = host.Services.GetRequiredService<IPointSink>();
        await stdout.WriteLineAsync();
        foreach (var outcome in outcomes)
        {
            var line = outcome.Succeeded
                ? $"ok      {outcome.TargetKey}: {outcome.EventsRead} events, {outcome.Timelines.Count} merged changes, {outcome.PointsWritten} points, {outcome.ApiRequests} API requests"
                : $"FAILED  {outcome.TargetKey}: {outcome.Error}";
            await stdout.WriteLineAsync(line);
        }

        var succeeded = outcomes.Count(o => o.Succeeded);
        if (succeeded > 0)
        {
            await WriteQueueRollupAsync(host.Services, stdout, cancellationToken);
        }

        await stdout.WriteLineAsync(succeeded switch
        {
            0 => $"No target completed: nothing is known to be written to {sink.Description}; the next run writes it again from the same watermarks.",
            _ when succeeded < outcomes.Length => $"Points written to: {sink.Description} (by the targets that completed: {succeeded} of {outcomes.Length}; the failed ones are written again by the next run).",
            _ => $"Points written to: {sink.Description}",
        });
        await stdout.WriteLineAsync();
        var streams = host.Services.GetRequiredService<ValueStreamCatalog>();
        await PrintStreamsAsync(outcomes.Where(o => o.Stream is not null).Select(o => (o.TargetKey, o.Stream!.ToString())), stdout);

        // Each repository's stages in the order of its own stream.
        var summaries = outcomes.Select(o => StageSummary.From(o.Timelines, DefinitionOf(o, streams))).ToList();
        SummaryPrinter.Print(
            new StageSummary(
                [.. summaries.SelectMany(s => s.Rows).OrderBy(r => r.Repository, StringComparer.Ordinal)],
                [.. summaries.SelectMany(s => s.Repositories).OrderBy(r => r.Repository, StringComparer.Ordinal)]),
            stdout);
        SummaryPrinter.PrintDora(outcomes.Where(o => o.Window is not null).Select(Dora).OfType<(string, DoraReport)>(), stdout);
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        SummaryPrinter.PrintConstraints(
            outcomes.Where(o => o.Succeeded).Select(o => (o.TargetKey, ConstraintAnalysis.Find(o.ArrivedWaits, now - TimeSpan.FromDays(28), now, [.. DefinitionOf(o, streams).Stages.Select(s => s.Name)]))),
            stdout);
        return outcomes.All(o => o.Succeeded) && discovery.All(d => d.Ok) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// Sums the snapshots just kept (with every other target's in the state store) into <c>queue_rollup</c>, as the
    /// rollup job of <c>run</c> does. A failure is reported and costs nothing else: the next rollup sums the same snapshots.
    /// </summary>
    private static async Task WriteQueueRollupAsync(IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (await services.GetRequiredService<QueueRollupWriter>().WriteAsync(cancellationToken) is { } error)
        {
            await stdout.WriteLineAsync($"queue rollup not written: {error}");
        }
    }

    /// <summary>
    /// <c>report</c>: reads the period from the sources as a first backfill would (a throwaway SQLite state, no sink, so
    /// nothing is written and no watermark moves), runs the engine, and writes one self-contained HTML page.
    /// </summary>
    private static async Task<int> ReportAsync(CommandLine commandLine, TextWriter stdout, TextWriter stderr, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromDays(28);
        if (commandLine.Period is { } text && (!Hosting.ConfigurationNormalizer.TryParseDuration(text, out period) || period <= TimeSpan.Zero))
        {
            await stderr.WriteLineAsync($"flowcollector: report --period '{text}' is not a duration; write e.g. 7d, 28d or 90d.");
            return ExitCodes.InvalidConfiguration;
        }

        var output = Path.GetFullPath(commandLine.Output ?? "flowcollector-report.html");
        var scratch = Directory.CreateTempSubdirectory("flowcollector-report-");
        try
        {
            var window = period.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            var dry = commandLine with
            {
                ConfigurationArguments =
                [
                    .. commandLine.ConfigurationArguments,
                    $"--State:SqlitePath={Path.Combine(scratch.FullName, "state.db")}",
                    "--State:PostgreSql:ConnectionString=",
                    $"--Sources:GitHub:Backfill={window}",
                    $"--Sources:AzureDevOps:Backfill={window}",
                ],
            };
            using var host = CreateBuilder(dry, services =>
            {
                configureServices?.Invoke(services);
                services.AddSingleton<IPointSink, DiscardingSink>();
            }).Build();
            if (StartupValidation.Rejects(host.Services, host.Services.GetRequiredService<IConfiguration>(), stderr))
            {
                return ExitCodes.InvalidConfiguration;
            }

            var discovery = await DiscoverAsync(host.Services, stderr, cancellationToken);
            var targets = host.Services.GetRequiredService<CollectionTargets>().All;
            if (targets.Count == 0)
            {
                await stderr.WriteLineAsync(discovery.All(d => d.Ok) ? NothingToCollect : "flowcollector: nothing to collect: every repository listing failed (see above).");
                return ExitCodes.InvalidConfiguration;
            }

            await host.Services.GetRequiredService<IStateStore>().InitializeAsync(cancellationToken);
            var collector = host.Services.GetRequiredService<TargetCollector>();
            var concurrency = host.Services.GetRequiredService<IOptions<CollectionOptions>>().Value.MaxConcurrentTargets;
            var outcomes = new CollectionOutcome[targets.Count];
            await CollectEveryTargetAsync(collector, targets, outcomes, concurrency, cancellationToken);

            var streams = host.Services.GetRequiredService<ValueStreamCatalog>();
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var inputs = targets.Zip(outcomes)
                .Where(x => x.Second.Succeeded)
                .Select(x => new Reporting.ReportRepositoryInput(
                    x.First.Repository,
                    DefinitionOf(x.Second, streams),
                    x.Second.Timelines,
                    x.Second.Window is null ? null : Dora(x.Second with { Window = (now - period, now) })?.Item2,
                    x.Second.Waiting))
                .ToList();
            var scope = targets.Count == 1 ? targets[0].Repository.FullName : $"{targets.Count} repositories";
            var report = Reporting.ValueStreamReport.Build(scope, now - period, now, now, inputs);
            await File.WriteAllTextAsync(output, Reporting.ReportHtml.Render(report), cancellationToken);
            foreach (var failed in outcomes.Where(o => !o.Succeeded))
            {
                await stdout.WriteLineAsync($"FAILED  {failed.TargetKey}: {failed.Error} (not in the report)");
            }

            await stdout.WriteLineAsync($"Report written to {output}: {inputs.Count} repositories, {report.Repositories.Sum(r => r.ChangesArrived)} changes that reached production in the last {(int)period.TotalDays} days.");
            return outcomes.All(o => o.Succeeded) && discovery.All(d => d.Ok) ? ExitCodes.Ok : ExitCodes.Failed;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>One collection of every target, <c>Collection:MaxConcurrentTargets</c> at a time, each outcome in its target's slot.</summary>
    private static Task CollectEveryTargetAsync(TargetCollector collector, IReadOnlyList<CollectionTarget> targets, CollectionOutcome[] outcomes, int concurrency, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) => outcomes[i] = await collector.CollectAsync(targets[i], ct));

    /// <summary>The report's sink: the points are the engine's by-product there, not its output.</summary>
    private sealed class DiscardingSink : IPointSink
    {
        public string Description => "nowhere (report)";

        public Task WriteAsync(IReadOnlyList<Domain.Points.FlowPoint> points, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }

    private static Domain.ValueStream.ValueStreamDefinition DefinitionOf(CollectionOutcome outcome, ValueStreamCatalog streams) =>
        outcome.Stream?.Definition ?? streams.Fallback.Definition;

    /// <summary>Each target's environment path and where it came from (configured, learnt, default).</summary>
    private static async Task PrintStreamsAsync(IEnumerable<(string Target, string Stream)> streams, TextWriter stdout)
    {
        var lines = streams.ToList();
        if (lines.Count == 0)
        {
            return;
        }

        await stdout.WriteLineAsync("Environment paths:");
        foreach (var (target, stream) in lines)
        {
            await stdout.WriteLineAsync($"  {target}: {stream}");
        }

        await stdout.WriteLineAsync();
    }

    /// <summary>
    /// <c>ValueStream:Streams</c> patterns that match no configured or discovered repository: a warning, not an error (the
    /// repository may be created later, or a listing may have failed).
    /// </summary>
    private static async Task WarnAboutUnmatchedStreamsAsync(IServiceProvider services, TextWriter stderr)
    {
        var repositories = services.GetRequiredService<CollectionTargets>().All.Select(t => t.Repository).ToList();
        foreach (var (key, pattern) in services.GetRequiredService<ValueStreamCatalog>().PatternsMatchingNone(repositories))
        {
            await stderr.WriteLineAsync($"flowcollector: warning: {key} is '{pattern}', which matches none of the {repositories.Count} configured or discovered repositories; check its spelling (owner/name, * wildcards, optional source: prefix).");
        }
    }

    /// <summary>
    /// What <c>validate</c> says about each target's stream: the configured one, or the path learnt so far (read from the
    /// state store when it exists; validate creates nothing).
    /// </summary>
    private static async Task<string> DescribeStreamAsync(IServiceProvider services, CollectionTarget target, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<ValueStreamCatalog>();
        if (catalog.Explicit(target.Repository) is { } configured)
        {
            return configured.ToString();
        }

        var state = services.GetRequiredService<IOptions<StateOptions>>().Value;
        if (!state.Clustered && !File.Exists(Path.GetFullPath(state.SqlitePath)))
        {
            return "learnt from its deployments on the first run (nothing stored yet)";
        }

        try
        {
            var stored = EnvironmentPathStateCodec.Decode(await services.GetRequiredService<IStateStore>().GetETagAsync(target.Key, TargetCollector.EnvironmentPathResource, cancellationToken));
            var learnt = new Domain.ValueStream.EnvironmentPathLearner(catalog.Learning, stored).Path();
            return learnt is null ? "learnt from its deployments (none stored yet)" : $"{catalog.Learnt(learnt)} (stored)";
        }
#pragma warning disable CA1031 // The store is checked on its own line below; this line only says what it could not read.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"learnt from its deployments (the stored path could not be read: {e.Message})";
        }
    }

    /// <summary>DORA over the window a run read, for the repositories where production deployments were read.</summary>
    private static (string, DoraReport)? Dora(CollectionOutcome outcome) =>
        DoraMetrics.OfRead(outcome.Deployments, outcome.Timelines, outcome.Incidents, outcome.Window!.Value.From, outcome.Window.Value.To) is { } report
            ? (outcome.TargetKey, report)
            : null;

    private static async Task<int> ValidateAsync(CommandLine commandLine, TextWriter stdout, TextWriter stderr, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        using var host = CreateBuilder(commandLine, configureServices).Build();
        if (StartupValidation.Rejects(host.Services, host.Services.GetRequiredService<IConfiguration>(), stderr))
        {
            return ExitCodes.InvalidConfiguration;
        }

        await stdout.WriteLineAsync("Configuration is valid.");
        var failed = 0;
        foreach (var result in await host.Services.GetRequiredService<CollectionTargets>().RefreshAsync(cancellationToken))
        {
            await stdout.WriteLineAsync(result.Ok
                ? $"Repositories of {result.Source}: {result.Found} ({result.Configured} configured by name, {result.Found - result.Configured} found by listing organisations or projects)"
                : $"Repositories of {result.Source}: FAILED to list: {result.Error}");
            failed += result.Ok ? 0 : 1;
        }

        var targets = host.Services.GetRequiredService<CollectionTargets>().All;
        await WarnAboutUnmatchedStreamsAsync(host.Services, stderr);
        await stdout.WriteLineAsync($"Targets ({targets.Count}):");
        foreach (var target in targets)
        {
            var check = await target.Source.CheckAsync(target.Repository, cancellationToken);
            var schedule = string.IsNullOrWhiteSpace(target.Schedule.Cron) ? $"every {target.Schedule.Interval}" : $"cron '{target.Schedule.Cron}'";
            await stdout.WriteLineAsync($"  {(check.Ok ? "ok    " : "FAILED")} {target.Key} ({schedule}, backfill {target.Schedule.Backfill.TotalDays:0} days): {check.Message}");
            failed += check.Ok ? 0 : 1;
        }

        if (targets.Count > 0)
        {
            await stdout.WriteLineAsync("Environment paths:");
            foreach (var target in targets)
            {
                await stdout.WriteLineAsync($"  {target.Key}: {await DescribeStreamAsync(host.Services, target, cancellationToken)}");
            }
        }

        var sink = host.Services.GetRequiredService<IPointSink>();
        var sinkProblem = await sink.CheckAsync(cancellationToken);
        await stdout.WriteLineAsync(sinkProblem is null ? $"Sink: {sink.Description}: reachable" : $"Sink: {sinkProblem}");
        failed += sinkProblem is null ? 0 : 1;
        foreach (var store in host.Services.GetServices<PostgresStateStore>())
        {
            var storeProblem = await store.CheckAsync(cancellationToken);
            await stdout.WriteLineAsync(storeProblem is null ? $"State: {store}: reachable, schema current or creatable" : $"State: {storeProblem}");
            failed += storeProblem is null ? 0 : 1;
        }

        if (targets.Count == 0)
        {
            // As once and run would: they refuse to start with nothing to collect.
            await stdout.WriteLineAsync("Nothing would be collected: " + NothingToCollectFix);
            return ExitCodes.InvalidConfiguration;
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<int> RunServiceAsync(CommandLine commandLine, TextWriter stderr, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        ConfigurationSetup.Apply(builder.Configuration, commandLine, builder.Environment.EnvironmentName);
        builder.Logging.ClearProviders();
        ConfigureLogging(builder.Logging, builder.Configuration.GetSection("Logging"));
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://0.0.0.0:8080");
        builder.Services.AddFlowCollector(builder.Configuration, prometheus: true);
        builder.Services.AddCollectionSchedule(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck<SchedulerLivenessCheck>("scheduler", tags: ["live"])
            .AddCheck<TargetsReadinessCheck>("targets", tags: ["ready"]);
        configureServices?.Invoke(builder.Services);

        await using var app = builder.Build();
        if (StartupValidation.Rejects(app.Services, app.Configuration, stderr))
        {
            return ExitCodes.InvalidConfiguration;
        }

        var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FlowCollector");
        LogStarting(startLog, CommandLine.Version, "run");

        // The first listing of organisations and projects, before the scheduler registers the targets; later ones run
        // every Collection:DiscoveryInterval. A failed listing is retried then, so only "nothing at all" stops start-up.
        var discovery = await DiscoverAsync(app.Services, stderr, cancellationToken);
        await WarnAboutUnmatchedStreamsAsync(app.Services, stderr);
        if (app.Services.GetRequiredService<CollectionTargets>().All.Count == 0)
        {
            await stderr.WriteLineAsync(discovery.All(d => d.Ok) ? NothingToCollect : "flowcollector: nothing to collect: every repository listing failed (see above).");
            return ExitCodes.InvalidConfiguration;
        }

        try
        {
            await app.Services.GetRequiredService<Domain.Ports.IStateStore>().InitializeAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            await stderr.WriteLineAsync($"flowcollector: {e.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = ReadinessResponse.WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    private const string NothingToCollectFix =
        "set Sources:GitHub:Repositories or Sources:GitHub:Organizations, Sources:AzureDevOps:Repositories or Sources:AzureDevOps:Projects (or pass --repo owner/name).";

    private const string NothingToCollect = "flowcollector: nothing to collect: no targets are configured. " + NothingToCollectFix;

    /// <summary>Lists organisations and projects; a failed listing is reported and the source keeps its configured repositories.</summary>
    private static async Task<IReadOnlyList<DiscoveryResult>> DiscoverAsync(IServiceProvider services, TextWriter stderr, CancellationToken cancellationToken)
    {
        var results = await services.GetRequiredService<CollectionTargets>().RefreshAsync(cancellationToken);
        foreach (var failure in results.Where(r => !r.Ok))
        {
            await stderr.WriteLineAsync($"flowcollector: listing the repositories of {failure.Source} failed: {failure.Error}");
        }

        return results;
    }
}
