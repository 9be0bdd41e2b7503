using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>A sink that keeps what it was given, or fails with <see cref="FailWith"/> as an unreachable InfluxDB would.</summary>
internal sealed class RecordingSink : IPointSink
{
    public List<FlowPoint> Points { get; } = [];

    public Exception? FailWith { get; set; }

    public string Description => "memory";

    public Task WriteAsync(IReadOnlyList<FlowPoint> points, CancellationToken cancellationToken)
    {
        if (FailWith is not null)
        {
            return Task.FromException(FailWith);
        }

        Points.AddRange(points);
        return Task.CompletedTask;
    }

    public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
