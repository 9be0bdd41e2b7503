using System.Diagnostics;
using FlowCollector.State;
using FlowCollector.Worker.Scheduling;
using FlowCollector.Worker.Tests.EndToEnd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>
/// <c>run</c> as a real process stopped with SIGTERM (what Kubernetes sends at a rolling update) while a collection is
/// running against a slow simulated GitHub (issue 21, item 2): the running collection gets
/// <c>Collection:ShutdownGrace</c> to finish, and is abandoned after it with a line naming it.
/// </summary>
public sealed class ShutdownGraceTests : IDisposable
{
    private const string Target = "github:contoso/web";

    private WorkerScenario? scenario;

    public void Dispose() => scenario?.Dispose();

    [Fact]
    public async Task A_collection_running_at_SIGTERM_finishes_within_the_grace_and_its_points_and_watermark_are_kept()
    {
        // 400 ms per request and about 8 requests: the read needs ~3 s after the signal, the grace allows 60 s.
        scenario = new WorkerScenario(latency: TimeSpan.FromMilliseconds(400));
        var (code, output, afterSignal) = await RunAndTerminateAsync(grace: "00:01:00");

        Assert.True(code == 0, output);
        Assert.True(afterSignal > TimeSpan.FromSeconds(1), $"exited {afterSignal} after SIGTERM: the collection cannot have finished");
        // Within the 60-second grace: the bound is the grace itself (a loaded CI took 46.6 s to finish this read).
        Assert.True(afterSignal < TimeSpan.FromSeconds(60), $"exited {afterSignal} after SIGTERM");
        Assert.Contains($"Collected {Target}", output, StringComparison.Ordinal);
        Assert.Contains($"FlowCollector {FlowCollector.Worker.Cli.CommandLine.Version} starting: run", output, StringComparison.Ordinal);
        Assert.DoesNotContain("abandoned", output, StringComparison.Ordinal);
        Assert.NotNull(await WatermarkAsync());
        var stages = File.ReadAllLines(scenario.PointsPath).Count(l => l.StartsWith("change_stage,", StringComparison.Ordinal));
        Assert.Equal(WorkerScenario.ExpectedStages.Count, stages);
    }

    [Fact]
    public async Task A_collection_still_running_when_the_grace_ends_is_abandoned_with_a_line_naming_it_and_its_watermark_kept()
    {
        // 3 s per request: the read cannot finish in a 2-second grace.
        scenario = new WorkerScenario(latency: TimeSpan.FromSeconds(3));
        var (code, output, afterSignal) = await RunAndTerminateAsync(grace: "00:00:02");

        Assert.True(code == 0, output);
        Assert.True(afterSignal >= TimeSpan.FromSeconds(1.5), $"exited {afterSignal} after SIGTERM: the grace was not given");
        Assert.True(afterSignal < TimeSpan.FromSeconds(20), $"exited {afterSignal} after SIGTERM");
        Assert.Contains($"Shutdown grace (00:00:02) ended; abandoning the collections still running: {Target}", output, StringComparison.Ordinal);
        Assert.Contains($"Collection of {Target} abandoned by shutdown; its watermark was not advanced", output, StringComparison.Ordinal);
        Assert.Null(await WatermarkAsync());
    }

    [Theory]
    [InlineData("00:00:20", 30)] // the host's own 30 s already cover 20 s + 10 s
    [InlineData("00:01:00", 70)] // 60 s + 10 s: the host's 30 s would cut the grace in half
    [InlineData("00:10:00", 610)]
    public void The_host_waits_for_the_grace_plus_ten_seconds_for_abandoned_collections_to_unwind(string grace, int seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Collection:ShutdownGrace"] = grace }).Build();
        var services = new ServiceCollection();
        services.AddOptions<FlowCollector.Worker.Collection.CollectionOptions>().Bind(configuration.GetSection("Collection"));
        services.AddCollectionSchedule(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(seconds), provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    private async Task<(int Code, string Output, TimeSpan AfterSignal)> RunAndTerminateAsync(string grace)
    {
        var ct = TestContext.Current.CancellationToken;
        var config = scenario!.WriteConfig(new Dictionary<string, object?> { ["Collection:ShutdownGrace"] = grace });
        var log = Path.Combine(scenario.Directory, "run.log");
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = scenario.Directory };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec dotnet \"$@\" > \"$LOG\" 2>&1");
        startInfo.ArgumentList.Add("sh");
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "flowcollector.dll"));
        foreach (var argument in (string[])["run", "--config", config, "--urls", "http://127.0.0.1:0"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove("GITHUB_TOKEN");
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["LOG"] = log;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dotnet");
        try
        {
            // The collection is under way once the simulator has answered (or is answering) a request of the read.
            // Generous: in CI this process starts while every test module runs at once on two cores (the cluster tests
            // start three more collectors), and it once needed more than 60 s to send its first request.
            var deadline = DateTime.UtcNow.AddSeconds(180);
            while (scenario.GitHub.RequestCount == 0 && DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50, ct);
            }

            Assert.True(scenario.GitHub.RequestCount > 0, "the collection never started: " + Read(log));
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
            }

            var signalled = Stopwatch.StartNew();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, Read(log), signalled.Elapsed);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task<DateTimeOffset?> WatermarkAsync()
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = scenario!.StatePath }));
        return (await store.GetTargetAsync(Target, TestContext.Current.CancellationToken))?.Watermark;
    }

    private static string Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
