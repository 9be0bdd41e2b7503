using FlowCollector.Domain.Points;

namespace FlowCollector.Domain.Ports;

/// <summary>
/// Where points go (InfluxDB, the embedded line-protocol file). <see cref="WriteAsync"/> returns only
/// when every point was acknowledged by the storage; it throws <see cref="SinkException"/> otherwise,
/// so the caller can keep its watermark where it was.
/// </summary>
public interface IPointSink
{
    /// <summary>A one-line description for logs and <c>validate</c>, without secrets (e.g. <c>influxdb v2 http://influx:8086 bucket=flow</c>).</summary>
    string Description { get; }

    Task WriteAsync(IReadOnlyList<FlowPoint> points, CancellationToken cancellationToken);

    /// <summary>Checks the sink is reachable and writable without writing data; used by <c>validate</c>.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>A write that was not acknowledged. <see cref="Permanent"/> is true for errors a retry cannot fix (401, 404 bucket, 400 bad line).</summary>
public sealed class SinkException : Exception
{
    public SinkException()
    {
    }

    public SinkException(string message)
        : base(message)
    {
    }

    public SinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SinkException(string message, bool permanent, Exception? innerException = null)
        : base(message, innerException)
    {
        Permanent = permanent;
    }

    public bool Permanent { get; }
}
