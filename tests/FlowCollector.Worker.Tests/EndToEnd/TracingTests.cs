using System.Collections.Concurrent;
using System.Diagnostics;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Telemetry;

namespace FlowCollector.Worker.Tests.EndToEnd;

public sealed class TracingTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task Each_target_run_is_a_span_with_every_API_call_under_it()
    {
        var finished = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is FlowCollectorTelemetry.Name or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = finished.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var config = scenario.WriteConfig();

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        var githubUrl = scenario.GitHub.Url.TrimEnd('/');
        var calls = finished.Where(a => a.Source.Name == "System.Net.Http" && (a.GetTagItem("url.full") as string ?? "").StartsWith(githubUrl, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(calls);
        var runs = calls.Select(c => c.TraceId).Distinct().Select(trace => finished.Single(a => a.Source.Name == FlowCollectorTelemetry.Name && a.TraceId == trace)).ToList();
        var run = Assert.Single(runs);
        Assert.Equal("collect github:contoso/web", run.DisplayName);
        Assert.Equal("github:contoso/web", run.GetTagItem("flowcollector.target"));
    }
}
