using System.Net;
using System.Net.Sockets;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// The rollup job inside <c>run</c>, as the scheduler resolves it: triggered once the target has been collected (rather
/// than waiting its 15 minutes), it writes the organisation's sums to the sink.
/// </summary>
public sealed class QueueRollupRunTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task In_run_the_rollup_job_writes_the_sums_of_the_collected_targets()
    {
        var ct = TestContext.Current.CancellationToken;
        var config = scenario.WriteConfig();
        var services = new TaskCompletionSource<IServiceProvider>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var run = FlowCollectorApp.RunAsync(
            ["run", "--config", config, "--urls", $"http://127.0.0.1:{FreePort()}"],
            stdout,
            stderr,
            s => s.AddHostedService(provider => new Capture(provider, services)),
            stop.Token);

        try
        {
            var provider = await services.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            await UntilAsync(() => Lines().Any(l => l.StartsWith("collector_sync,", StringComparison.Ordinal)), run, ct);
            Assert.DoesNotContain(Lines(), l => l.StartsWith("queue_rollup,", StringComparison.Ordinal));

            // The collection keeps its counts in the state store just after its points reach the file: trigger until the
            // rollup has them (a rollup of no snapshot writes nothing).
            var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
            var rollupJob = new JobKey(QueueRollupJob.Name, QueueRollupJob.Group);
            await UntilAsync(() => Lines().Any(l => l.StartsWith("queue_rollup,", StringComparison.Ordinal)), run, ct, () => scheduler.TriggerJob(rollupJob, ct));

            // contoso/web, worked by hand in OnceCommandTests: #5 waits to merge, #2 for a release; one repository summed.
            var rollup = Lines().Where(l => l.StartsWith("queue_rollup,", StringComparison.Ordinal)).ToList();
            Assert.Contains(rollup, l => l.StartsWith("queue_rollup,kind=wait,org=contoso,schema=1,source=github,stage=merge count=1i,", StringComparison.Ordinal) && l.Contains("repos=1i", StringComparison.Ordinal));
            Assert.Contains(rollup, l => l.StartsWith("queue_rollup,kind=wait,org=contoso,schema=1,source=github,stage=release_wait count=1i,", StringComparison.Ordinal));
            Assert.Contains(rollup, l => l.StartsWith("queue_rollup,kind=wait,org=contoso,schema=1,source=github,stage=pickup count=0i,repos=1i ", StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            var code = await run;
            Assert.True(code == ExitCodes.Ok, stderr.ToString());
        }
    }

    private List<string> Lines()
    {
        try
        {
            return File.Exists(scenario.PointsPath) ? [.. File.ReadAllLines(scenario.PointsPath)] : [];
        }
        catch (IOException)
        {
            return []; // being written; the next look sees it
        }
    }

    /// <summary>Waits up to 60 s for <paramref name="done"/>, doing <paramref name="meanwhile"/> (if any) after each look.</summary>
    private static async Task UntilAsync(Func<bool> done, Task<int> run, CancellationToken ct, Func<ValueTask>? meanwhile = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done())
        {
            if (run.IsCompleted)
            {
                throw new InvalidOperationException($"run exited early with code {await run}");
            }

            Assert.True(DateTime.UtcNow < deadline, "not within 60 s");
            if (meanwhile is not null)
            {
                await meanwhile();
            }

            await Task.Delay(500, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Hands the test the running host's services (its scheduler).</summary>
    private sealed class Capture(IServiceProvider provider, TaskCompletionSource<IServiceProvider> services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.TrySetResult(provider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
