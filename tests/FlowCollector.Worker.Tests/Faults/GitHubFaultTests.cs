using FlowCollector.Testing.Faults;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Tests.EndToEnd;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>
/// Issue 21's faults against the GitHub source, end to end through <c>once</c>: simulated GitHub behind a
/// <see cref="FaultProxy"/>. Each case: the exit code, the one line, the watermark kept on failure, and a re-run after
/// the fault giving exactly the points of a fault-free run (<see cref="WorkerScenario.ExpectedStages"/>, worked by hand).
/// </summary>
public sealed partial class GitHubFaultTests() : SourceFaultCases("github")
{
    private const string Runs = "/repos/contoso/web/actions/runs";

    /// <summary>The read's runs query (the change probe asks the same path without <c>branch</c>).</summary>
    private const string RunsRead = @"/repos/contoso/web/actions/runs\?branch=";

    private readonly WorkerScenario scenario = new();

    protected override string UpstreamUrl => scenario.GitHub.Url;

    protected override string Target => "github:contoso/web";

    protected override string CutRequest => Runs;

    protected override string CutLine => "The connection to GitHub was cut in the middle of the answer to GET /repos/contoso/web/actions/runs";

    protected override void AssertBaseline(List<string> points) =>
        Assert.Equal(WorkerScenario.ExpectedStages.Count, points.Count(l => l.StartsWith("change_stage,", StringComparison.Ordinal)));

    protected override void DisposeSimulator() => scenario.Dispose();

    [Fact]
    public async Task A_runs_list_shorter_than_its_total_count_fails_the_read_and_keeps_the_watermark()
    {
        // The scenario has no workflow runs: GitHub saying there are 3 while delivering none is the same short answer.
        Proxy.RewriteNext(RunsRead, body => (TotalCount().Replace(body, "\"total_count\":3", 1), null), times: 1);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.Equal(1, Proxy.Injected);
        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "GitHub returned an incomplete list for GET /repos/contoso/web/actions/runs");
        Assert.Contains("0 workflow runs delivered across the pages, but total_count said 3", output, StringComparison.Ordinal);
        await AssertReRunGivesTheFaultFreePointsAsync();
    }

    [Fact]
    public async Task Transient_500s_on_one_request_in_three_are_absorbed_by_retries()
    {
        // A GitHub read of this repository takes 7 requests: one in three fails at least twice.
        Proxy.FailEvery(3);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.True(Proxy.Injected >= 2, $"{Proxy.Injected} 500s injected");
        Assert.Equal(FaultFree, Run.DeliveryPoints());
    }

    [Fact]
    public async Task A_rate_limit_reset_is_measured_on_the_servers_Date_so_an_hour_of_clock_skew_waits_seconds_not_an_hour()
    {
        // GitHub's clock is an hour ahead of ours: its Date and x-ratelimit-reset say so alike. The budget is spent and
        // resets 3 s later by GitHub's clock. Measured on our clock the reset would be 1 h 3 s away, beyond MaxWait (2 min),
        // and the target would fail at once; measured against Date it is 3 s (+1 s margin).
        var skew = TimeSpan.FromHours(1);
        Proxy.DateSkew = skew;
        scenario.GitHub.RateLimitRemaining = 0;
        scenario.GitHub.RateLimitReset = DateTimeOffset.UtcNow + skew + TimeSpan.FromSeconds(3);
        var ct = TestContext.Current.CancellationToken;
        var refill = Task.Run(
            async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                scenario.GitHub.RateLimitRemaining = 5000;
            },
            ct);

        var (code, output, elapsed) = await FaultRun.OnceAsync(Config(Run, ("Sources:GitHub:RateLimit:MaxWait", "00:02:00")));
        await refill;

        Assert.True(code == ExitCodes.Ok, output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
        Assert.Equal(FaultFree, Run.DeliveryPoints());
    }

    protected override string Config(FaultRun run, params (string Key, object? Value)[] extra)
    {
        var keys = new Dictionary<string, object?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = Proxy.Url,
            ["Sources:GitHub:Token"] = WorkerScenario.Token,
            ["Sources:GitHub:Repositories"] = new[] { "contoso/web" },
            ["Sources:GitHub:Resilience:Retry:Delay"] = "00:00:00.010",
        };
        foreach (var (key, value) in extra)
        {
            keys[key] = value;
        }

        return run.WriteConfig(keys);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"""total_count""\s*:\s*0")]
    private static partial System.Text.RegularExpressions.Regex TotalCount();
}
