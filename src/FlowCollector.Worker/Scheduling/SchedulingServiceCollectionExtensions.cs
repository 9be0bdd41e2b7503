using FlowCollector.State;
using FlowCollector.Worker.Collection;
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
        services.AddScoped<QueueRollupJob>();
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
