using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary><c>flowcollector report</c> against the simulated GitHub: a page from the engine's numbers, and nothing else written.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task Report_writes_the_page_and_leaves_no_points_and_no_state()
    {
        var config = scenario.WriteConfig();
        var page = Path.Combine(scenario.Directory, "web.html");

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("report", "--config", config, "--out", page, "--period", "90d");

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        Assert.True(stdout.Contains($"Report written to {page}: 1 repositories, 2 changes that reached production in the last 90 days.", StringComparison.Ordinal), stdout);
        var html = await File.ReadAllTextAsync(page, TestContext.Current.CancellationToken);
        Assert.Contains("<section class=\"repo\" data-repository=\"contoso/web\">", html, StringComparison.Ordinal);

        // The organisation's hand-worked stages (WorkerScenario.ExpectedStages): #1 and #3 reached production (#2 merged
        // after the deployment). Process = coding + review + deploy: #1 3600 + 3600 + 600 = 7800 of flow 18600,
        // #3 1800 + 600 = 2400 of flow 16800 → 10200 / 35400. Pickup: only #1, 7200 s; release_wait 2700 and 10800 → median 2700.
        Assert.Contains($"data-flow-efficiency=\"{(10200.0 / 35400).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-stage=\"pickup\" data-kind=\"wait\" data-median-seconds=\"7200\"", html, StringComparison.Ordinal);
        Assert.Contains("data-stage=\"release_wait\" data-kind=\"wait\" data-median-seconds=\"2700\"", html, StringComparison.Ordinal);
        Assert.Contains("No constraint named: 2 change(s) arrived; a constraint is named from 5.", html, StringComparison.Ordinal);

        // Nothing of the collector's own: no points file, no state database.
        Assert.False(File.Exists(scenario.PointsPath), "report must not write points");
        Assert.False(File.Exists(scenario.StatePath), "report must not touch the configured state");
    }

    [Fact]
    public async Task A_period_that_is_not_a_duration_is_one_line_and_exit_2()
    {
        var config = scenario.WriteConfig();

        var (code, _, stderr) = await WorkerScenario.RunAsync("report", "--config", config, "--period", "a month");

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Equal("flowcollector: report --period 'a month' is not a duration; write e.g. 7d, 28d or 90d.", stderr.Trim());
    }
}
