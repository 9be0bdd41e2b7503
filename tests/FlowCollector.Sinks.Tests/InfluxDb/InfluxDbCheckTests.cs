using FlowCollector.Testing.Servers;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>
/// What <c>validate</c> asks of the sink, against a real influxd 1.6.7 with authentication: the database must exist and the
/// credential may write to it. It writes nothing (an empty write), so the checked database stays empty.
/// </summary>
public sealed class InfluxDbCheckTests
{
    [Fact]
    public async Task The_check_names_a_missing_database_a_read_only_user_and_a_wrong_password_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InfluxDbServer.StartAsync(authentication: true, ct);
        await server.CreateDatabaseAsync("flow", ct);
        await server.CreateUserAsync("writer", "w-pw", "flow", "WRITE", ct);
        await server.CreateUserAsync("reader", "r-pw", "flow", "READ", ct);

        async Task<string?> Check(string database, string user, string password)
        {
            using var provider = SinkProvider.Build(SinkProvider.V1(server.Url.AbsoluteUri, ("Database", database), ("Username", user), ("Password", password)));
            return await provider.Sink().CheckAsync(ct);
        }

        var fine = await Check("flow", "writer", "w-pw");
        var missing = await Check("flw", "writer", "w-pw");
        var readOnly = await Check("flow", "reader", "r-pw");
        var wrong = await Check("flow", "writer", "not-the-password");

        Assert.Null(fine);
        Assert.Contains("the database does not exist", missing, StringComparison.Ordinal);
        Assert.Contains("Sinks:InfluxDb:Database", missing, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", readOnly, StringComparison.Ordinal);
        Assert.Contains("Sinks:InfluxDb:Username", readOnly, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("w-pw", (missing ?? "") + readOnly + wrong, StringComparison.Ordinal);
        var measurements = await server.QueryRowsAsync("flow", "SHOW MEASUREMENTS", ct);
        Assert.Empty(measurements);
    }
}
