using FlowCollector.State;
using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

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
    IOptions<CollectionOptions> collection,
    TimeProvider time,
    ILogger<TargetScheduleRegistrar> logger) : IHostedService
{
    public const string Group = "collect";

    public Task StartAsync(CancellationToken cancellationToken) => RegisterAsync(cancellationToken);

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

        var targetsChanged = changed.Count;
        await RollupAsync(scheduler, changed, cancellationToken);
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

        LogRegistered(logger, targetsChanged - replaced, replaced, kept, stale.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The queue rollup's one job (one per cluster: every replica registers the same key), every
    /// <c>Collection:QueueRollupInterval</c>; removed when that is 0. A stored trigger with the same interval is kept.
    /// </summary>
    private async Task RollupAsync(IScheduler scheduler, Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> changed, CancellationToken cancellationToken)
    {
        var every = collection.Value.QueueRollupInterval;
        var key = new TriggerKey(QueueRollupJob.Name, QueueRollupJob.Group);
        if (every <= TimeSpan.Zero)
        {
            await scheduler.DeleteJob(new JobKey(QueueRollupJob.Name, QueueRollupJob.Group), cancellationToken);
            return;
        }

        if (await scheduler.GetTrigger(key, cancellationToken) is ISimpleTrigger stored && stored.RepeatInterval == every)
        {
            return;
        }

        var job = JobBuilder.Create<QueueRollupJob>().WithIdentity(QueueRollupJob.Name, QueueRollupJob.Group).Build();

        // The first rollup one interval after start: by then every target has run once and kept its snapshot.
        var trigger = TriggerBuilder.Create(time).WithIdentity(key).ForJob(job).StartAt(time.GetUtcNow() + every)
            .WithSimpleSchedule(simple => simple.WithInterval(every).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        changed[job] = [trigger];
    }

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
