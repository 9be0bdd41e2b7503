using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Writes the <c>queue_rollup</c> points: reads every target's latest waiting-now counts from the state store in one
/// query and writes their sums per source, organisation, team and stage. In a cluster the state store is shared, so the
/// one replica that runs the rollup job sums every replica's targets.
/// </summary>
public sealed partial class QueueRollupWriter(IStateStore store, IPointSink sink, IOptions<CollectionOptions> options, TimeProvider time, ILogger<QueueRollupWriter> logger)
{
    /// <summary>Writes one rollup now; returns the number of points written.</summary>
    public async Task<int> WriteAsync(CancellationToken cancellationToken)
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
        return points.Count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue rollup: {Points} points from the snapshots of {Targets} targets")]
    private static partial void LogWritten(ILogger logger, int points, int targets);
}
