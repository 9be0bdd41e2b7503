using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Faults;
using FlowCollector.Testing.Simulation.AzureDevOps;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>
/// Issue 21's faults against the Azure DevOps source, end to end through <c>once</c>: a generated organisation (one
/// repository, pull requests with votes and threads, multi-stage deployment runs) behind a <see cref="FaultProxy"/>.
/// Each case: the exit code, the one line, the watermark kept on failure, and a re-run after the fault giving exactly
/// the points of a fault-free run of the same data.
/// </summary>
public sealed partial class AzureDevOpsFaultTests : SourceFaultCases
{
    private const string PullRequestList = @"/pullrequests\?";
    private const string CompletedBuilds = @"/build/builds\?.*statusFilter=completed";

    private readonly AzureDevOpsSimulator ado;
    private readonly string repository;
    private readonly string target;

    public AzureDevOpsFaultTests()
        : base("ado")
    {
        var now = DateTimeOffset.UtcNow;
        var model = SimulatedAzureDevOps.Generate(seed: 21, projects: 1, reposPerProject: 1, prsPerRepo: 40, now.AddDays(-6), new AzureDevOpsGenerationOptions { Now = now.AddHours(-1) });
        var project = model.Projects[0];
        repository = $"{project.Name}/{project.Repositories[0].Name}";
        target = $"azuredevops:{model.Organization}/{repository}";
        ado = new AzureDevOpsSimulator(model);
    }

    protected override string UpstreamUrl => ado.Url;

    protected override string Target => target;

    protected override string CutRequest => PullRequestList;

    protected override string CutLine => "The connection to Azure DevOps was cut in the middle of the answer to GET /";

    protected override void AssertBaseline(List<string> points)
    {
        Assert.Contains(points, l => l.StartsWith("change_stage,", StringComparison.Ordinal));
        Assert.Contains(points, l => l.StartsWith("deployment,", StringComparison.Ordinal));
    }

    protected override void DisposeSimulator() => ado.Dispose();

    [Fact]
    public async Task An_HTML_page_that_is_not_the_sign_in_page_points_at_the_organisation_URL_or_a_proxy_not_the_credential()
    {
        Proxy.HtmlNext(PullRequestList, "<!DOCTYPE html><html><head><title>Corporate proxy: access denied</title></head><body>Blocked by policy</body></html>", times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "with an HTML page (200, \"Corporate proxy: access denied\") instead of data");
        Assert.Contains("Sources:AzureDevOps:OrganizationUrl", output, StringComparison.Ordinal);
        Assert.DoesNotContain("credential was not accepted", output, StringComparison.Ordinal);
        await AssertReRunGivesTheFaultFreePointsAsync();
    }

    [Fact]
    public async Task The_real_sign_in_page_still_means_the_credential()
    {
        var (code, output, _) = await FaultRun.OnceAsync(Config(Run, ("Sources:AzureDevOps:Pat", "wrongpat0000000000000000000000000000000000000000000")));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "with a sign-in page (203) instead of data: the credential was not accepted");
        Assert.Null(await Run.WatermarkAsync(target));
    }

    [Theory]
    [InlineData(10)] // 10 % of requests
    [InlineData(12)] // 1 in 12
    public async Task Transient_500s_at_a_steady_rate_are_absorbed_by_retries_without_opening_the_circuit(int every)
    {
        Proxy.FailEvery(every);

        // The defaults (Resilience keys unset): what a deployment without tuning gets. FLOWCOLLECTOR_FAULT_RESILIENCE=library
        // measures the resilience library's own defaults instead (breaker at 10 % failures, 2 s retry delay), for docs/faults.md.
        var library = Environment.GetEnvironmentVariable("FLOWCOLLECTOR_FAULT_RESILIENCE") == "library";
        var (code, output, elapsed) = await FaultRun.OnceAsync(library
            ? Config(Run, ("Sources:AzureDevOps:Resilience:Retry:Delay", "00:00:02"), ("Sources:AzureDevOps:Resilience:CircuitBreaker:FailureRatio", "0.1"))
            : Config(Run, ("Sources:AzureDevOps:Resilience", null)));
        if (Environment.GetEnvironmentVariable("FLOWCOLLECTOR_FAULT_FIGURES") is { Length: > 0 } figures)
        {
            await File.AppendAllTextAsync(
                figures,
                $"1 in {every} ({(library ? "library defaults" : "FlowCollector defaults")}): exit {code}, {Proxy.Injected} 500s in {Proxy.Requests - FaultFreeRequests} requests (fault-free run: {FaultFreeRequests}), {elapsed.TotalSeconds:0.0} s{Environment.NewLine}",
                TestContext.Current.CancellationToken);
        }

        Assert.True(code == ExitCodes.Ok, output);
        Assert.DoesNotContain("circuit", output, StringComparison.OrdinalIgnoreCase);
        Assert.True(Proxy.Injected >= (FaultFreeRequests / every) - 1, $"{Proxy.Injected} 500s injected of {Proxy.Requests - FaultFreeRequests} requests");
        Assert.Equal(FaultFree, Run.DeliveryPoints());
    }

    [Fact]
    public async Task A_page_shorter_than_top_with_a_continuation_token_is_not_the_end_of_the_list()
    {
        // Azure DevOps may answer fewer than $top items and still say more follow (x-ms-continuationtoken): the first page
        // of pull requests comes back with one item and the token; the rest must still be read.
        Proxy.RewriteNext(PullRequestList, body =>
        {
            var json = JsonNode.Parse(body)!.AsObject();
            var items = json["value"]!.AsArray();
            Assert.True(items.Count > 1, "the list must hold more than one pull request");
            while (items.Count > 1)
            {
                items.RemoveAt(items.Count - 1);
            }

            json["count"] = 1;
            return (json.ToJsonString(), new Dictionary<string, string> { ["x-ms-continuationtoken"] = "more" });
        });

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Equal(1, Proxy.Injected);
        Assert.Equal(FaultFree, Run.DeliveryPoints());
    }

    [Fact]
    public async Task A_completed_build_without_finishTime_fails_the_read_clearly_and_keeps_the_watermark()
    {
        Proxy.RewriteNext(CompletedBuilds, body => (FinishTime().Replace(body, "", 1), null), times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "as completed without finishTime");
        Assert.Contains("nothing of this read was kept (watermark unchanged)", output, StringComparison.Ordinal);
        await AssertReRunGivesTheFaultFreePointsAsync();
    }

    [Fact]
    public async Task A_completed_pull_request_without_closedDate_is_treated_alike()
    {
        Proxy.RewriteNext(PullRequestList, body => (ClosedDate().Replace(body, "", 1), null), times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(Config(Run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "without pullRequestId, creationDate or closedDate");
        Assert.Contains("nothing of this read was kept (watermark unchanged)", output, StringComparison.Ordinal);
        await AssertReRunGivesTheFaultFreePointsAsync();
    }

    protected override string Config(FaultRun run, params (string Key, object? Value)[] extra)
    {
        var keys = new Dictionary<string, object?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = Proxy.Url,
            ["Sources:AzureDevOps:Pat"] = ado.Pat,
            ["Sources:AzureDevOps:Repositories"] = new[] { repository },
            ["Sources:AzureDevOps:Resilience:Retry:Delay"] = "00:00:00.010",
        };
        foreach (var (key, value) in extra)
        {
            if (value is null)
            {
                foreach (var under in keys.Keys.Where(k => k.StartsWith(key + ":", StringComparison.Ordinal)).ToList())
                {
                    keys.Remove(under);
                }
            }
            else
            {
                keys[key] = value;
            }
        }

        return run.WriteConfig(keys);
    }

    // The first completed item's end, with the comma before it (a property in the middle of the object).
    [GeneratedRegex(@",\s*""finishTime""\s*:\s*""[^""]*""")]
    private static partial Regex FinishTime();

    [GeneratedRegex(@",\s*""closedDate""\s*:\s*""[^""]*""")]
    private static partial Regex ClosedDate();
}
