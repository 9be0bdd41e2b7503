using FlowCollector.Worker.Collection;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// One Quartz job per configured target with its source's interval or cron; at most
    /// <c>Collection:MaxConcurrentTargets</c> run at once (Quartz's thread pool); on shutdown Quartz waits for
    /// running jobs, which the <see cref="ShutdownSignal"/> abandons after the grace period.
    /// </summary>
    public static IServiceCollection AddCollectionSchedule(this IServiceCollection services, IConfiguration configuration)
    {
        var concurrency = configuration.GetSection(CollectionOptions.SectionName).Get<CollectionOptions>()?.MaxConcurrentTargets ?? 4;
        services.AddSingleton<ShutdownSignal>();
        services.AddScoped<CollectTargetJob>();
        services.AddQuartz(quartz => quartz.UseDefaultThreadPool(Math.Clamp(concurrency, 1, 64)));

        // Registered before Quartz's hosted service so every job is in the store when the scheduler starts.
        services.AddHostedService<TargetScheduleRegistrar>();
        services.AddQuartzHostedService(hosting => hosting.WaitForJobsToComplete = true);
        return services;
    }
}

/// <summary>Adds a job and a trigger for every target; targets are only known once the sources are resolved.</summary>
internal sealed class TargetScheduleRegistrar(CollectionTargets targets, ISchedulerFactory schedulers, TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var index = 0;
        foreach (var target in targets.All)
        {
            var job = JobBuilder.Create<CollectTargetJob>()
                .WithIdentity(target.Key, "collect")
                .UsingJobData(CollectTargetJob.TargetKey, target.Key)
                .Build();

            // Stagger first runs by a second per target so many targets do not hit an API in the same instant.
            var trigger = TriggerBuilder.Create(time).WithIdentity(target.Key, "collect").ForJob(job);
            trigger = string.IsNullOrWhiteSpace(target.Schedule.Cron)
                ? trigger.StartAt(time.GetUtcNow().AddSeconds(index++ % 60))
                    .WithSimpleSchedule(simple => simple.WithInterval(target.Schedule.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                : trigger.WithCronSchedule(target.Schedule.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing));

            await scheduler.ScheduleJob(job, trigger.Build(), new ScheduleJobOptions { Replace = true }, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
