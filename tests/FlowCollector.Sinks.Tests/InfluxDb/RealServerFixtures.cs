using FlowCollector.Testing.Servers;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>
/// One real server per test class, started by the first test that asks for it (so a missing binary skips or fails
/// that test through <see cref="RequiredBinary"/>, not the fixture) and stopped with the class.
/// </summary>
public abstract class LazyServerFixture<TServer> : IAsyncDisposable
    where TServer : class, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private TServer? server;

    public async Task<TServer> ServerAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return server ??= await StartAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        gate.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<TServer> StartAsync(CancellationToken cancellationToken);
}

public sealed class InfluxDbServerFixture : LazyServerFixture<InfluxDbServer>
{
    protected override Task<InfluxDbServer> StartAsync(CancellationToken cancellationToken) => InfluxDbServer.StartAsync(cancellationToken);
}

public sealed class VictoriaMetricsServerFixture : LazyServerFixture<VictoriaMetricsServer>
{
    protected override Task<VictoriaMetricsServer> StartAsync(CancellationToken cancellationToken) => VictoriaMetricsServer.StartAsync(cancellationToken);
}
