using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Cli;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.EndToEnd;

public sealed class ShutdownTests : IDisposable
{
    // Every simulated API call takes 300 ms, so a collection is still running when the service is stopped.
    private readonly WorkerScenario scenario = new(latency: TimeSpan.FromMilliseconds(300));

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task Stopping_the_service_abandons_a_running_collection_without_advancing_its_watermark()
    {
        var ct = TestContext.Current.CancellationToken;
        var config = scenario.WriteConfig(new Dictionary<string, object?> { ["Collection:ShutdownGrace"] = "00:00:00" });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var run = FlowCollectorApp.RunAsync(["run", "--config", config, "--urls", "http://127.0.0.1:0"], stdout, stderr, cancellationToken: stop.Token);

        // Wait until the first collection is under way (the simulator has answered a request), then stop.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (scenario.GitHub.RequestCount == 0 && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(50, ct);
        }

        Assert.True(scenario.GitHub.RequestCount > 0, "the collection never started: " + stderr);
        await stop.CancelAsync();
        var code = await run;

        Assert.True(code == ExitCodes.Ok, stderr.ToString());
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = scenario.StatePath }));
        var state = await store.GetTargetAsync("github:contoso/web", ct);
        Assert.Null(state?.Watermark);
        Assert.False(File.Exists(scenario.PointsPath) && File.ReadAllLines(scenario.PointsPath).Any(l => l.StartsWith("change_stage", StringComparison.Ordinal)));
    }
}
