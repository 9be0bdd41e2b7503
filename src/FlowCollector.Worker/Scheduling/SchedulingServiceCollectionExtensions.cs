using FlowCollector.Worker.Collection;
using FlowCollector.Worker.State;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The Quartz scheduler name, the <c>sched_name</c> of every <c>qrtz_*</c> row a cluster shares.</summary>
    public const string SchedulerName = "flowcollector";

    /// <summary>What abandoned collections get, after the grace, to stop and record that they were abandoned.</summary>
    internal static readonly TimeSpan AbandonMargin = TimeSpan.FromSeconds(10);

    /// <summary>
    /// One Quartz job per configured target with its source's interval or cron; at most
    /// <c>Collection:MaxConcurrentTargets</c> run at once per process (Quartz's thread pool); on shutdown Quartz waits for
    /// running jobs, which the <see cref="ShutdownSignal"/> abandons after the grace period. In memory by default; with
    /// <c>State:PostgreSql:ConnectionString</c> set, Quartz's clustered ADO.NET job store on that database, so the
    /// targets spread over every replica and a dead replica's collections are recovered by the others.
    /// </summary>
    public static IServiceCollection AddCollectionSchedule(this IServiceCollection services, IConfiguration configuration)
    {
        var concurrency = configuration.GetSection(CollectionOptions.SectionName).Get<CollectionOptions>()?.MaxConcurrentTargets ?? 4;
        var state = StateOptions.From(configuration);
        services.AddSingleton<ShutdownSignal>();
        services.AddSingleton<ApiBudgetRecorder>();
        services.AddScoped<CollectTargetJob>();
        services.AddQuartz(quartz =>
        {
            quartz.UseDefaultThreadPool(Math.Clamp(concurrency, 1, 64));
            if (state.Clustered)
            {
                UseCluster(quartz, state.PostgreSql);
            }
            else
            {
                // Quartz's in-memory store counts a run 60 s late as missed and skips it to the next tick: a collector whose
                // scheduler starts more than a minute after the schedule was registered (a node starved of CPU at start-up)
                // would wait a whole interval for its first collection. The same threshold as the clustered store.
                quartz.UseInMemoryStore(store => store.MisfireThreshold = state.PostgreSql.MisfireThreshold);
            }
        });

        // Registered before Quartz's hosted service so every job is in the store when the scheduler starts.
        services.AddSingleton<TargetScheduleRegistrar>();
        services.AddHostedService(provider => provider.GetRequiredService<TargetScheduleRegistrar>());
        services.AddHostedService<TargetDiscoveryService>();
        services.AddQuartzHostedService(hosting => hosting.WaitForJobsToComplete = true);

        // The host stops waiting for its services after HostOptions.ShutdownTimeout (30 s by default), whatever the grace:
        // leave room for the grace and for abandoned collections to unwind (and Kubernetes' terminationGracePeriodSeconds
        // must allow the same, see the chart).
        services.AddOptions<HostOptions>().Configure<IOptions<CollectionOptions>>((host, collection) =>
        {
            var needed = collection.Value.ShutdownGrace + AbandonMargin;
            host.ShutdownTimeout = needed > host.ShutdownTimeout ? needed : host.ShutdownTimeout;
        });
        return services;
    }

    private static void UseCluster(IQuartzBuilder quartz, PostgreSqlStateOptions options)
    {
        quartz.ConfigureScheduler(scheduler =>
        {
            scheduler.InstanceName = SchedulerName;

            // AUTO: host name + start time, so a restarted pod is a new node and never mistakes a peer's firings for its own.
            scheduler.GenerateInstanceId = true;

            // An idle node looks for due work at least this often (Quartz's default is 30 s): a dead peer's recovered
            // collection or a trigger another replica added is picked up within one check-in interval, not half a minute.
            scheduler.IdleWaitTime = options.CheckinInterval;
        });
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(options.ConnectionString!);
            store.UseSystemTextJsonSerializer();
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = options.CheckinInterval;
                cluster.CheckinMisfireThreshold = options.CheckinMisfireThreshold;
            });

            // The qrtz_* tables are created by our own migration (PostgreSqlSchema) before the scheduler starts; Quartz
            // only checks them, so the database role needs no DDL rights beyond that first start.
            store.ConfigureStore(job =>
            {
                job.MisfireThreshold = options.MisfireThreshold;
                job.SchemaProvisioning = SchemaProvisioning.Validate;
            });
        });
    }
}

/// <summary>
/// Adds a job and a trigger for every target; targets are only known once the sources are resolved. Idempotent, so
/// every replica of a cluster runs it at start-up: a trigger already stored with the same schedule is left as it is
/// (its next fire time stays), a changed one is replaced, a missing one added, and the jobs of targets no longer
/// configured are deleted. In a cluster the replicas take turns under an advisory lock.
/// </summary>
internal sealed partial class TargetScheduleRegistrar(
    CollectionTargets targets,
    ISchedulerFactory schedulers,
    IEnumerable<PostgresStateStore> shared,
    TimeProvider time,
    ILogger<TargetScheduleRegistrar> logger) : IHostedService
{
    public const string Group = "collect";

    public Task StartAsync(CancellationToken cancellationToken) => this.RegisterAsync(cancellationToken);

    /// <summary>Brings the stored jobs and triggers in line with <see cref="CollectionTargets.All"/>.</summary>
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var store = shared.FirstOrDefault();
        await using var registration = store is null ? null : await store.LockScheduleRegistrationAsync(cancellationToken);

        // Read and write in batches: one store transaction each, not one per target (thousands of targets in a cluster).
        var all = targets.All;
        var stored = (await scheduler.GetTriggers(all.Select(t => new TriggerKey(t.Key, Group)).ToList(), cancellationToken))
            .ToDictionary(t => t.Key.Name, StringComparer.Ordinal);
        var index = 0;
        var changed = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        int replaced = 0, kept = 0;
        foreach (var target in all)
        {
            if (stored.TryGetValue(target.Key, out var existing) && SameSchedule(existing, target.Schedule))
            {
                kept++;
                continue;
            }

            replaced += existing is null ? 0 : 1;
            var job = JobBuilder.Create<CollectTargetJob>()
                .WithIdentity(target.Key, Group)
                .UsingJobData(CollectTargetJob.TargetKey, target.Key)
                .RequestRecovery() // a replica that dies mid-run: another re-runs the target at once, from the unchanged watermark
                .Build();

            // Spread the first runs (and so every later tick, which keeps the phase) evenly over two seconds per target,
            // at most one interval: a few targets start at once, thousands are spread over the whole interval instead
            // of all hitting an API (and its rate limit) in the same minute.
            var trigger = TriggerBuilder.Create(time).WithIdentity(target.Key, Group).ForJob(job);
            trigger = string.IsNullOrWhiteSpace(target.Schedule.Cron)
                ? trigger.StartAt(time.GetUtcNow() + FirstRunOffset(index++, all.Count, target.Schedule.Interval))
                    .WithSimpleSchedule(simple => simple.WithInterval(target.Schedule.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                : trigger.WithCronSchedule(target.Schedule.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing));
            changed[job] = [trigger.Build()];
        }

        if (changed.Count > 0)
        {
            await scheduler.ScheduleJobs(changed, new ScheduleJobOptions { Replace = true }, cancellationToken);
        }

        var configured = all.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        var stale = (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken)).Where(k => !configured.Contains(k.Name)).ToList();
        if (stale.Count > 0)
        {
            await scheduler.DeleteJobs(stale, cancellationToken);
        }

        LogRegistered(logger, changed.Count - replaced, replaced, kept, stale.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Where in the spread window the <paramref name="index"/>-th of <paramref name="count"/> targets starts.</summary>
    internal static TimeSpan FirstRunOffset(int index, int count, TimeSpan interval)
    {
        var window = TimeSpan.FromSeconds(2.0 * count) < interval ? TimeSpan.FromSeconds(2.0 * count) : interval;
        return count <= 1 ? TimeSpan.Zero : window * index / count;
    }

    private static bool SameSchedule(ITrigger trigger, SourceScheduleOptions schedule) =>
        string.IsNullOrWhiteSpace(schedule.Cron)
            ? trigger is ISimpleTrigger simple && simple.RepeatInterval == schedule.Interval
            : trigger is ICronTrigger cron && string.Equals(cron.CronExpressionString, schedule.Cron, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule registered: {Added} targets added, {Replaced} with a changed schedule replaced, {Kept} kept, {Removed} no longer configured removed")]
    private static partial void LogRegistered(ILogger logger, int added, int replaced, int kept, int removed);
}

/// <summary>
/// Lists organisations and projects again every <c>Collection:DiscoveryInterval</c> and re-registers the schedule, so
/// repositories created, archived or excluded since start-up join or leave it without a restart. The first listing
/// happens before the scheduler starts (see the <c>run</c> command).
/// </summary>
internal sealed partial class TargetDiscoveryService(
    CollectionTargets targets,
    TargetScheduleRegistrar registrar,
    IOptions<CollectionOptions> options,
    TimeProvider time,
    ILogger<TargetDiscoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DiscoveryInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await this.RediscoverAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task RediscoverAsync(CancellationToken cancellationToken)
    {
        foreach (var result in await targets.RefreshAsync(cancellationToken))
        {
            if (result.Error is { } error)
            {
                LogDiscoveryFailed(logger, result.Source, error);
            }
        }

        try
        {
            await registrar.RegisterAsync(cancellationToken);
        }
        catch (SchedulerException e)
        {
            // The store may be briefly unreachable; the next interval tries again and the current schedule keeps running.
            LogRegistrationFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Listing the repositories of {Source} failed; its targets stay as they were until the next discovery: {Error}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string source, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-registering the schedule after discovery failed; the next discovery tries again: {Error}")]
    private static partial void LogRegistrationFailed(ILogger logger, string error);
}
