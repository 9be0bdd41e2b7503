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
        this.Baseline = new FaultRun($"{name}-baseline");
        this.Run = new FaultRun(name);
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
        this.Proxy = await FaultProxy.StartAsync(this.UpstreamUrl, TestContext.Current.CancellationToken);
        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.Baseline));
        Assert.True(code == ExitCodes.Ok, output);
        this.FaultFree = this.Baseline.DeliveryPoints();
        this.FaultFreeRequests = this.Proxy.Requests;
        this.AssertBaseline(this.FaultFree);
    }

    public async ValueTask DisposeAsync()
    {
        await this.Proxy.DisposeAsync();
        this.DisposeSimulator();
        this.Baseline.Dispose();
        this.Run.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_body_cut_once_is_retried_and_the_run_gives_the_fault_free_points()
    {
        this.Proxy.CutBodyNext(this.CutRequest);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.Run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Equal(1, this.Proxy.Injected);
        Assert.Equal(this.FaultFree, this.Run.DeliveryPoints());
    }

    [Fact]
    public async Task A_body_cut_on_every_attempt_fails_with_one_transient_network_line_and_keeps_the_watermark()
    {
        this.Proxy.CutBodyNext(this.CutRequest, times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.Run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, this.CutLine);
        Assert.Contains("a transient network error", output, StringComparison.Ordinal);
        Assert.True(this.Proxy.Injected >= 4, $"retried: {this.Proxy.Injected} cuts"); // the first attempt and the standard handler's 3 retries
        await this.AssertReRunGivesTheFaultFreePointsAsync();
    }

    /// <summary>A configuration of <paramref name="run"/> reading the target through the proxy, with <paramref name="extra"/> keys.</summary>
    protected abstract string Config(FaultRun run, params (string Key, object? Value)[] extra);

    /// <summary>What the fault-free run must have written for the cases to mean anything.</summary>
    protected abstract void AssertBaseline(List<string> points);

    protected abstract void DisposeSimulator();

    /// <summary>After a failed run: no watermark, no delivery point, a failure sync point; then, the fault gone, the fault-free points.</summary>
    protected async Task AssertReRunGivesTheFaultFreePointsAsync()
    {
        Assert.Null(await this.Run.WatermarkAsync(this.Target));
        Assert.Empty(this.Run.DeliveryPoints());
        Assert.Contains(this.Run.SyncPoints(), l => l.Contains("errors=1i", StringComparison.Ordinal));

        this.Proxy.Clear();
        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.Run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.NotNull(await this.Run.WatermarkAsync(this.Target));
        Assert.Equal(this.FaultFree, this.Run.DeliveryPoints());
    }
}
