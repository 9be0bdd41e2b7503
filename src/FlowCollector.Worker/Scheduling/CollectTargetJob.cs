using FlowCollector.Worker.Collection;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Scheduling glue only: one durable job per target, keyed by the target, so Quartz never runs the same
/// target twice at once; the collector does the work.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class CollectTargetJob(CollectionTargets targets, TargetCollector collector, ShutdownSignal shutdown) : IJob
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

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Abandon);
        context.Result = await collector.CollectAsync(target, linked.Token);
    }
}
