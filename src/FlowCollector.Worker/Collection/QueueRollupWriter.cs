using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.State;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Writes the <c>queue_rollup</c> points: reads every target's latest waiting-now counts from the state store in one
/// query and writes their sums per source, organisation, team and stage. In a cluster the state store is shared, so the
/// one replica that runs the rollup job sums every replica's targets.
/// </summary>
public sealed partial class QueueRollupWriter(IStateStore store, IPointSink sink, IOptions<CollectionOptions> options, TimeProvider time, ILogger<QueueRollupWriter> logger)
{
    /// <summary>
    /// Writes one rollup now. Returns null when it was written (or rollups are off), else the one-line reason it was not —
    /// also logged. Nothing is lost by a failure: the next rollup sums the same snapshots.
    /// </summary>
    public async Task<string?> WriteAsync(CancellationToken cancellationToken)
    {
        if (options.Value.QueueRollupInterval <= TimeSpan.Zero)
        {
            return null;
        }

        try
        {
            var now = time.GetUtcNow();
            var stored = await store.GetResourceOfEveryTargetAsync(QueueSnapshotCodec.Resource, cancellationToken);
            var snapshots = stored.Values.Select(QueueSnapshotCodec.Decode).OfType<QueueSnapshot>().ToList();
            var points = QueueRollupPoints.From(snapshots, now, options.Value.QueueRollupInterval);
            if (points.Count > 0)
            {
                await sink.WriteAsync(points, cancellationToken);
            }

            LogWritten(logger, points.Count, snapshots.Count);
            return null;
        }
        catch (Exception e) when (e is SinkException || StateStoreFailure.Describe(e) is not null)
        {
            var error = (e as SinkException)?.Message ?? StateStoreFailure.Describe(e)!;
            LogFailed(logger, error);
            return error;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue rollup: {Points} points from the snapshots of {Targets} targets")]
    private static partial void LogWritten(ILogger logger, int points, int targets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue rollup not written: {Error}; the next one sums the same snapshots")]
    private static partial void LogFailed(ILogger logger, string error);
}
