using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Scheduling glue only: every <c>Collection:QueueRollupInterval</c>, on one replica of a cluster (one durable job),
/// the waiting-now counts of every target are summed (<see cref="QueueRollupWriter"/>).
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class QueueRollupJob(QueueRollupWriter writer, ILogger<QueueRollupJob> logger) : IJob
{
    public const string Group = "rollup";

    public const string Name = "queue-rollup";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await writer.WriteAsync(cancellationToken);
        }
        catch (Exception e) when (e is SinkException || StateStoreFailure.Describe(e) is not null)
        {
            // Nothing is lost: the next rollup sums the same snapshots (the collections report sink and store trouble themselves).
            LogFailed(logger, (e as SinkException)?.Message ?? StateStoreFailure.Describe(e)!);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue rollup not written: {Error}; the next one sums the same snapshots")]
    private static partial void LogFailed(ILogger logger, string error);
}
