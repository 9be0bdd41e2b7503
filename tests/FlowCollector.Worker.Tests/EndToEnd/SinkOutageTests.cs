using System.Text.Json;
using FlowCollector.Sinks.InfluxDb;
using FlowCollector.State;
using FlowCollector.Testing.Servers;
using FlowCollector.Worker.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// InfluxDB dies in the middle of a run (killed after it acknowledged some batches), comes back, and the collector
/// runs again: the final data must equal a run that never saw the fault — nothing lost, nothing duplicated — and the
/// failed run must not have moved the watermark.
/// </summary>
public sealed class SinkOutageTests : IDisposable
{
    private static readonly string[] DeliveryMeasurements = ["change_stage", "change", "deployment"];

    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task A_server_killed_mid_run_loses_and_duplicates_nothing_once_it_is_back_and_the_run_is_repeated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await InfluxDbServer.StartAsync(ct);
        await using var faulty = await InfluxDbServer.StartAsync(ct);
        await reference.CreateDatabaseAsync("flow", ct);
        await faulty.CreateDatabaseAsync("flow", ct);

        // The reference: the same collection with a server that stays up (its own state file, so both start from scratch).
        var referenceConfig = Config(reference, "reference.db");
        var clean = await WorkerScenario.RunAsync("once", "--config", referenceConfig);
        Assert.True(clean.Code == ExitCodes.Ok, clean.Stdout + clean.Stderr);
        var expected = await DeliveryRowsAsync(reference, ct);
        Assert.True(expected.Count >= 12, $"the scenario should write a dozen delivery points, wrote {expected.Count}");

        // The fault: batches of 3 lines; the server is killed right after acknowledging the second batch.
        var faultyConfig = Config(faulty, "faulty.db");
        var outage = new Outage(faulty, acknowledgedWrites: 2);
        var failed = await RunAsync(faultyConfig, services => services.AddHttpClient(InfluxDbSink.HttpClientName).AddHttpMessageHandler(() => new KillingHandler(outage)));

        Assert.True(failed.Code == ExitCodes.Failed, failed.Stdout + failed.Stderr);
        Assert.Contains("Sinks:InfluxDb:Url", failed.Stdout + failed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Points written to", failed.Stdout, StringComparison.Ordinal); // nothing completed: say so, not where points went
        Assert.Contains("No target completed", failed.Stdout, StringComparison.Ordinal);
        var state = await new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = Path.Combine(scenario.Directory, "faulty.db") }))
            .GetTargetAsync("github:contoso/web", ct);
        Assert.NotNull(state);
        Assert.Null(state.Watermark);
        Assert.NotNull(state.LastError);

        await faulty.RestartAsync(ct);
        var partial = await DeliveryRowsAsync(faulty, ct);
        Assert.InRange(partial.Count, 1, expected.Count - 1); // the outage really was mid-run: some, not all, arrived

        var again = await WorkerScenario.RunAsync("once", "--config", faultyConfig);

        Assert.True(again.Code == ExitCodes.Ok, again.Stdout + again.Stderr);
        Assert.Equal(expected, await DeliveryRowsAsync(faulty, ct));
    }

    private string Config(InfluxDbServer influx, string stateFile) => scenario.WriteConfig(new Dictionary<string, object?>
    {
        ["State:SqlitePath"] = Path.Combine(scenario.Directory, stateFile),
        ["Sinks:InfluxDb:Url"] = influx.Url.ToString(),
        ["Sinks:InfluxDb:ApiVersion"] = "V1",
        ["Sinks:InfluxDb:Database"] = "flow",
        ["Sinks:InfluxDb:BatchSize"] = 3,
        ["Sinks:InfluxDb:Resilience:Retry:MaxRetryAttempts"] = 1,
        ["Sinks:InfluxDb:Resilience:Retry:Delay"] = "00:00:00.010",
    });

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string config, Action<IServiceCollection> configureServices)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(["once", "--config", config], stdout, stderr, configureServices, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Every delivery point as one comparable line: measurement, time and all tags and fields, ordered.</summary>
    private static async Task<List<string>> DeliveryRowsAsync(InfluxDbServer influx, CancellationToken ct)
    {
        var rows = new List<string>();
        foreach (var measurement in DeliveryMeasurements)
        {
            foreach (var row in await influx.QueryRowsAsync("flow", $"SELECT * FROM \"{measurement}\"", ct))
            {
                rows.Add(measurement + " " + string.Join(" ", row.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value.GetRawText()}")));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Lets <paramref name="acknowledgedWrites"/> writes through, then kills the server before the next one is sent.</summary>
    private sealed class Outage(InfluxDbServer server, int acknowledgedWrites)
    {
        private int writes;

        public async Task BeforeWriteAsync()
        {
            if (Interlocked.Increment(ref writes) == acknowledgedWrites + 1)
            {
                await server.StopAsync();
            }
        }
    }

    private sealed class KillingHandler(Outage outage) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await outage.BeforeWriteAsync();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
