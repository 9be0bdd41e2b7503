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
public sealed partial class AzureDevOpsFaultTests : IAsyncLifetime
{
    private const string PullRequestList = @"/pullrequests\?";
    private const string CompletedBuilds = @"/build/builds\?.*statusFilter=completed";

    private readonly AzureDevOpsSimulator ado;
    private readonly string repository;
    private readonly string target;
    private readonly FaultRun baseline = new("ado-baseline");
    private readonly FaultRun run = new("ado");
    private FaultProxy proxy = null!;
    private List<string> faultFree = [];
    private int faultFreeRequests;

    public AzureDevOpsFaultTests()
    {
        var now = DateTimeOffset.UtcNow;
        var model = SimulatedAzureDevOps.Generate(seed: 21, projects: 1, reposPerProject: 1, prsPerRepo: 40, now.AddDays(-6), new AzureDevOpsGenerationOptions { Now = now.AddHours(-1) });
        var project = model.Projects[0];
        this.repository = $"{project.Name}/{project.Repositories[0].Name}";
        this.target = $"azuredevops:{model.Organization}/{this.repository}";
        this.ado = new AzureDevOpsSimulator(model);
    }

    public async ValueTask InitializeAsync()
    {
        this.proxy = await FaultProxy.StartAsync(this.ado.Url, TestContext.Current.CancellationToken);
        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.baseline));
        Assert.True(code == ExitCodes.Ok, output);
        this.faultFree = this.baseline.DeliveryPoints();
        this.faultFreeRequests = this.proxy.Requests;
        Assert.Contains(this.faultFree, l => l.StartsWith("change_stage,", StringComparison.Ordinal));
        Assert.Contains(this.faultFree, l => l.StartsWith("deployment,", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await this.proxy.DisposeAsync();
        this.ado.Dispose();
        this.baseline.Dispose();
        this.run.Dispose();
    }

    [Fact]
    public async Task A_body_cut_once_is_retried_and_the_run_gives_the_fault_free_points()
    {
        this.proxy.CutBodyNext(PullRequestList);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Equal(1, this.proxy.Injected);
        Assert.Equal(this.faultFree, this.run.DeliveryPoints());
    }

    [Fact]
    public async Task A_body_cut_on_every_attempt_fails_with_one_transient_network_line_and_keeps_the_watermark()
    {
        this.proxy.CutBodyNext(PullRequestList, times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "The connection to Azure DevOps was cut in the middle of the answer to GET /");
        Assert.Contains("a transient network error", output, StringComparison.Ordinal);
        Assert.True(this.proxy.Injected >= 4, $"retried: {this.proxy.Injected} cuts");
        await this.AssertReRunGivesTheFaultFreePointsAsync();
    }

    [Fact]
    public async Task An_HTML_page_that_is_not_the_sign_in_page_points_at_the_organisation_URL_or_a_proxy_not_the_credential()
    {
        this.proxy.HtmlNext(PullRequestList, "<!DOCTYPE html><html><head><title>Corporate proxy: access denied</title></head><body>Blocked by policy</body></html>", times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "with an HTML page (200, \"Corporate proxy: access denied\") instead of data");
        Assert.Contains("Sources:AzureDevOps:OrganizationUrl", output, StringComparison.Ordinal);
        Assert.DoesNotContain("credential was not accepted", output, StringComparison.Ordinal);
        await this.AssertReRunGivesTheFaultFreePointsAsync();
    }

    [Fact]
    public async Task The_real_sign_in_page_still_means_the_credential()
    {
        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run, ("Sources:AzureDevOps:Pat", "wrongpat0000000000000000000000000000000000000000000")));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "with a sign-in page (203) instead of data: the credential was not accepted");
        Assert.Null(await this.run.WatermarkAsync(this.target));
    }

    [Theory]
    [InlineData(10)] // 10 % of requests
    [InlineData(12)] // 1 in 12
    public async Task Transient_500s_at_a_steady_rate_are_absorbed_by_retries_without_opening_the_circuit(int every)
    {
        this.proxy.FailEvery(every);

        // The defaults (Resilience keys unset): what a deployment without tuning gets. FLOWCOLLECTOR_FAULT_RESILIENCE=library
        // measures the resilience library's own defaults instead (breaker at 10 % failures, 2 s retry delay), for docs/faults.md.
        var library = Environment.GetEnvironmentVariable("FLOWCOLLECTOR_FAULT_RESILIENCE") == "library";
        var (code, output, elapsed) = await FaultRun.OnceAsync(library
            ? this.Config(this.run, ("Sources:AzureDevOps:Resilience:Retry:Delay", "00:00:02"), ("Sources:AzureDevOps:Resilience:CircuitBreaker:FailureRatio", "0.1"))
            : this.Config(this.run, ("Sources:AzureDevOps:Resilience", null)));
        if (Environment.GetEnvironmentVariable("FLOWCOLLECTOR_FAULT_FIGURES") is { Length: > 0 } figures)
        {
            await File.AppendAllTextAsync(
                figures,
                $"1 in {every} ({(library ? "library defaults" : "FlowCollector defaults")}): exit {code}, {this.proxy.Injected} 500s in {this.proxy.Requests - this.faultFreeRequests} requests (fault-free run: {this.faultFreeRequests}), {elapsed.TotalSeconds:0.0} s{Environment.NewLine}",
                TestContext.Current.CancellationToken);
        }

        Assert.True(code == ExitCodes.Ok, output);
        Assert.DoesNotContain("circuit", output, StringComparison.OrdinalIgnoreCase);
        Assert.True(this.proxy.Injected >= (this.faultFreeRequests / every) - 1, $"{this.proxy.Injected} 500s injected of {this.proxy.Requests - this.faultFreeRequests} requests");
        Assert.Equal(this.faultFree, this.run.DeliveryPoints());
    }

    [Fact]
    public async Task A_page_shorter_than_top_with_a_continuation_token_is_not_the_end_of_the_list()
    {
        // Azure DevOps may answer fewer than $top items and still say more follow (x-ms-continuationtoken): the first page
        // of pull requests comes back with one item and the token; the rest must still be read.
        this.proxy.RewriteNext(PullRequestList, body =>
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

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Equal(1, this.proxy.Injected);
        Assert.Equal(this.faultFree, this.run.DeliveryPoints());
    }

    [Fact]
    public async Task A_completed_build_without_finishTime_fails_the_read_clearly_and_keeps_the_watermark()
    {
        this.proxy.RewriteNext(CompletedBuilds, body => (FinishTime().Replace(body, "", 1), null), times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "as completed without finishTime");
        Assert.Contains("nothing of this read was kept (watermark unchanged)", output, StringComparison.Ordinal);
        await this.AssertReRunGivesTheFaultFreePointsAsync();
    }

    [Fact]
    public async Task A_completed_pull_request_without_closedDate_is_treated_alike()
    {
        this.proxy.RewriteNext(PullRequestList, body => (ClosedDate().Replace(body, "", 1), null), times: 50);

        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.Equal(ExitCodes.Failed, code);
        FaultRun.AssertOneClearLine(output, "without pullRequestId, creationDate or closedDate");
        Assert.Contains("nothing of this read was kept (watermark unchanged)", output, StringComparison.Ordinal);
        await this.AssertReRunGivesTheFaultFreePointsAsync();
    }

    private async Task AssertReRunGivesTheFaultFreePointsAsync()
    {
        Assert.Null(await this.run.WatermarkAsync(this.target));
        Assert.Empty(this.run.DeliveryPoints());
        Assert.Contains(this.run.SyncPoints(), l => l.Contains("errors=1i", StringComparison.Ordinal));

        this.proxy.Clear();
        var (code, output, _) = await FaultRun.OnceAsync(this.Config(this.run));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.NotNull(await this.run.WatermarkAsync(this.target));
        Assert.Equal(this.faultFree, this.run.DeliveryPoints());
    }

    private string Config(FaultRun target, params (string Key, object? Value)[] extra)
    {
        var keys = new Dictionary<string, object?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = this.proxy.Url,
            ["Sources:AzureDevOps:Pat"] = this.ado.Pat,
            ["Sources:AzureDevOps:Repositories"] = new[] { this.repository },
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

        return target.WriteConfig(keys);
    }

    // The first completed item's end, with the comma before it (a property in the middle of the object).
    [GeneratedRegex(@",\s*""finishTime""\s*:\s*""[^""]*""")]
    private static partial Regex FinishTime();

    [GeneratedRegex(@",\s*""closedDate""\s*:\s*""[^""]*""")]
    private static partial Regex ClosedDate();
}
