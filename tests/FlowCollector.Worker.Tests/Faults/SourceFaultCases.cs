using FlowCollector.Testing.Faults;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>
/// What every source's fault suite shares: a simulator behind a <see cref="FaultProxy"/>, a fault-free baseline run of
/// the same data, the cases every source must pass alike (a body cut once, a body cut on every attempt), and the
/// check after a failure — watermark kept, nothing written, and a re-run giving exactly the fault-free points.
/// </summary>
public abstract class SourceFaultCases : IAsyncLifetime
{
    protected SourceFaultCases(string name)
    {
        Baseline = new FaultRun($"{name}-baseline");
        Run = new FaultRun(name);
    }

    protected FaultRun Baseline { get; }

    protected FaultRun Run { get; }

    protected FaultProxy Proxy { get; private set; } = null!;

    /// <summary>The baseline's delivery points, sorted (<see cref="FaultRun.DeliveryPoints"/>).</summary>
    protected List<string> FaultFree { get; private set; } = [];

    /// <summary>The requests the baseline run sent through the proxy.</summary>
    protected int FaultFreeRequests { get; private set; }

    /// <summary>The simulator's base address, behind the proxy.</summary>
    protected abstract string UpstreamUrl { get; }

    /// <summary>The collector's key of the target, e.g. <c>github:contoso/web</c>.</summary>
    protected abstract string Target { get; }

    /// <summary>A request of the read whose answer the body-cut cases cut (a regex of its path and query).</summary>
    protected abstract string CutRequest { get; }

    /// <summary>The start of the one line a cut on every attempt must give.</summary>
    protected abstract string CutLine { get; }

    public async ValueTask InitializeAsync()
    {
        Proxy = await FaultProxy.StartAsync(UpstreamUrl, TestContext.Current.CancellationToken);
        var (code, output, _) = await FaultRun.OnceAsync(Config(Baseline));
        Assert.True(code == ExitCodes.Ok, output);
        FaultFree = Baseline.DeliveryPoints();
        FaultFreeRequests = Proxy.Requests;
        AssertBaseline(FaultFree);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        DisposeSimulator();
        Baseline.Dispose();
        Run.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_body_cut_once_is_retried_and_the_run_gives_the_fault_free_points()
    {
        Proxy.CutBodyNext(CutRequest);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Equal(1, Proxy.Injected);
        Assert.Equal(FaultFree, Run.DeliveryPoints());
    }

    [Fact]
    public async Task A_body_cut_on_every_attempt_fails_with_one_transient_network_line_and_keeps_the_watermark()
    {
        Proxy.CutBodyNext(CutRequest, times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, CutLine);
        Assert.Contains("a transient network error", output, StringComparison.Ordinal);
        Assert.True(Proxy.Injected >= 4, $"retried: {Proxy.Injected} cuts"); // the first attempt and the standard handler's 3 retries
        await AssertReRunGivesTheFaultFreePointsAsync();
    }

    /// <summary>A configuration of <paramref name="run"/> reading the target through the proxy, with <paramref name="extra"/> keys.</summary>
    protected abstract string Config(FaultRun run, params (string Key, object? Value)[] extra);

    /// <summary>What the fault-free run must have written for the cases to mean anything.</summary>
    protected abstract void AssertBaseline(List<string> points);

    protected abstract void DisposeSimulator();

    /// <summary>After a failed run: no watermark, no delivery point, a failure sync point; then, the fault gone, the fault-free points.</summary>
    protected async Task AssertReRunGivesTheFaultFreePointsAsync()
    {
        Assert.Null(await Run.WatermarkAsync(Target));
        Assert.Empty(Run.DeliveryPoints());
        Assert.Contains(Run.SyncPoints(), l => l.Contains("errors=1i", StringComparison.Ordinal));

        Proxy.Clear();
        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.NotNull(await Run.WatermarkAsync(Target));
        Assert.Equal(FaultFree, Run.DeliveryPoints());
    }
}
