using FlowCollector.Worker.Collection;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Scheduling glue only: one durable job per target, keyed by the target, so Quartz never runs the same
/// target twice at once (across the cluster, too); the collector does the work.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class CollectTargetJob(CollectionTargets targets, TargetCollector collector, ApiBudgetRecorder budgets, ShutdownSignal shutdown, ILogger<CollectTargetJob> logger) : IJob
{
    public const string TargetKey = "target";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var key = context.MergedJobDataMap.GetString(TargetKey);
        var target = key is null ? null : targets.Find(key);
        if (target is null)
        {
            // A target removed from configuration while its trigger was still stored: nothing to do.
            return;
        }

        LogFiring(logger, target.Key, context.ScheduledFireTimeUtc, context.Scheduler.SchedulerInstanceId, context.Recovering);
        // The shutdown signal fires Collection:ShutdownGrace after the host starts stopping (Quartz's own token only when a
        // job is interrupted); the collections running meanwhile are named in the log at both moments.
        using var running = shutdown.Running(target.Key);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Abandon);
        context.Result = await collector.CollectAsync(budgets.Wrap(target, context.Scheduler.SchedulerInstanceId), linked.Token);
    }

    /// <summary>Which replica runs which tick of which target: in a cluster, the answer to "who collected this, and when was it due?".</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Collecting {Target} for the tick of {ScheduledFireTime:O} on {InstanceId} (recovering {Recovering})")]
    private static partial void LogFiring(ILogger logger, string target, DateTimeOffset? scheduledFireTime, string instanceId, bool recovering);
}
