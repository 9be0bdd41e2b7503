using FlowCollector.Worker.Collection;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Scheduling glue only: every <c>Collection:QueueRollupInterval</c>, on one replica of a cluster (one durable job),
/// the waiting-now counts of every target are summed (<see cref="QueueRollupWriter"/>, which reports its own failures).
/// </summary>
[DisallowConcurrentExecution]
internal sealed class QueueRollupJob(QueueRollupWriter writer) : IJob
{
    public const string Group = "rollup";

    public const string Name = "queue-rollup";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await writer.WriteAsync(cancellationToken);
}
