using FlowCollector.Testing.Servers;
using FlowCollector.Worker.Tests.State;

[assembly: AssemblyFixture(typeof(PostgreSqlFixture))]

namespace FlowCollector.Worker.Tests.State;

/// <summary>
/// One throwaway PostgreSQL for the whole test assembly, started by the first test that asks for it (so a machine
/// without PostgreSQL skips only those tests); every test gets a database of its own.
/// </summary>
public sealed class PostgreSqlFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private PostgreSqlServer? server;
    private int databases;

    /// <summary>The running server; skips the test (or fails it on CI) when PostgreSQL is not installed.</summary>
    public async Task<PostgreSqlServer> ServerAsync()
    {
        await gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return server ??= await PostgreSqlServer.StartAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A new empty database; returns the superuser's connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var server = await ServerAsync();
        return await server.CreateDatabaseAsync($"test_{Interlocked.Increment(ref databases)}_{Guid.NewGuid():N}", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        gate.Dispose();
    }
}
