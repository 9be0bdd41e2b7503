using System.Net;
using System.Text.Json.Nodes;
using FlowCollector.Domain.Ports;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>IChangeProbe of the GitHub source: conditional requests that tell an unchanged repository cheaply.</summary>
public sealed class GitHubChangeProbeTests
{
    private const string Repo = "contoso/web";
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_unchanged_repository_costs_three_conditional_requests_and_no_rate_limit()
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);
        var first = await ProbeAsync(host, null);
        simulator.ResetCounts();
        var budget = simulator.RateLimitRemaining;

        var second = await ProbeAsync(host, first.Validators);

        Assert.False(first.Unchanged); // nothing to compare with yet
        Assert.True(second.Unchanged);
        Assert.Equal(3, second.Usage.Requests);
        Assert.Equal(budget, simulator.RateLimitRemaining);
        Assert.Equal(
            [($"/repos/{Repo}/pulls", 304), ($"/repos/{Repo}/actions/runs", 304), ($"/repos/{Repo}/deployments", 304)],
            simulator.Requests.Select(r => (r.Path, r.StatusCode)));
        Assert.Equal(budget, second.Usage.RateLimitRemaining);
    }

    [Theory]
    [InlineData("new pull request")]
    [InlineData("new review")]
    [InlineData("new commit")]
    [InlineData("merge")]
    [InlineData("older run finishes")]
    [InlineData("new run")]
    [InlineData("new deployment status")]
    [InlineData("new deployment")]
    public async Task Any_change_a_read_would_see_is_a_change(string change)
    {
        var (model, running) = Busy();
        var repo = model.Repository(Repo);
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);
        var before = await ProbeAsync(host, null);
        Assert.True((await ProbeAsync(host, before.Validators)).Unchanged);

        var later = T0.AddDays(1);
        switch (change)
        {
            case "new pull request": repo.OpenPullRequest("bob", later); break;
            case "new review": repo.PullRequest(1).Review("carol", SimulatedReviewState.Approved, later); break;
            case "new commit": repo.PullRequest(1).Commit(later); break;
            case "merge": repo.PullRequest(1).Merge(later); break;
            case "older run finishes": repo.FinishRun(running, later); break;
            case "new run": repo.Run("build", Sha("z"), later, later, null); break;
            case "new deployment status": repo.Deployments[0].Status("inactive", later); break;
            default: repo.Deploy("staging", Sha("y"), later, later, null); break;
        }

        var after = await ProbeAsync(host, before.Validators);

        Assert.False(after.Unchanged);
        Assert.Equal(3, after.Usage.Requests);
        Assert.True((await ProbeAsync(host, after.Validators)).Unchanged); // the new validators know the change
    }

    [Fact]
    public async Task After_a_token_rotation_an_identical_body_is_unchanged_at_one_request_per_resource()
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);
        var before = await ProbeAsync(host, null);

        // GitHub binds ETags to the token: after a rotation none of the stored ones matches, and it answers 200.
        var rotated = StaleETags(before.Validators);
        simulator.ResetCounts();
        var budget = simulator.RateLimitRemaining;
        var after = await ProbeAsync(host, rotated);

        Assert.True(after.Unchanged);
        Assert.Equal(3, after.Usage.Requests);
        Assert.Equal([200, 200, 200], simulator.Requests.Select(r => r.StatusCode));
        Assert.Equal(budget - 3, simulator.RateLimitRemaining);

        // The fresh ETags are kept: the next probe is free again.
        simulator.ResetCounts();
        Assert.True((await ProbeAsync(host, after.Validators)).Unchanged);
        Assert.All(simulator.Requests, r => Assert.Equal(304, r.StatusCode));
    }

    [Fact]
    public async Task Probes_only_the_resources_the_read_uses()
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo], new Dictionary<string, string?> { ["Sources:GitHub:ReadWorkflowRuns"] = "false", ["Sources:GitHub:ReadDeployments"] = "false" });

        var first = await ProbeAsync(host, null);
        var second = await ProbeAsync(host, first.Validators);

        Assert.True(second.Unchanged);
        Assert.Equal(1, second.Usage.Requests);
        Assert.Equal([$"/repos/{Repo}/pulls", $"/repos/{Repo}/pulls"], simulator.Requests.Select(r => r.Path));
        Assert.Equal("state=all&sort=updated&direction=desc&per_page=1", simulator.Requests[0].Query);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Sources:GitHub:Token")]
    [InlineData(HttpStatusCode.NotFound, "Sources:GitHub:Repositories")]
    public async Task Bad_credentials_or_a_missing_repository_fail_as_the_read_would(HttpStatusCode status, string key)
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);
        var before = await ProbeAsync(host, null);
        simulator.FailNext($"/repos/{Repo}/pulls", 1, status);

        var e = await Assert.ThrowsAsync<SourceException>(() => ProbeAsync(host, before.Validators));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains(Repo, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(simulator.Token, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_actions_permission_names_the_switch()
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);
        simulator.FailNext($"/repos/{Repo}/actions/runs", 1, HttpStatusCode.Forbidden, "Resource not accessible by personal access token");

        var e = await Assert.ThrowsAsync<SourceException>(() => ProbeAsync(host, null));

        Assert.Contains("Sources:GitHub:ReadWorkflowRuns", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task A_probe_that_cannot_decide_reports_a_change_and_keeps_the_old_validators(HttpStatusCode status)
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);
        var before = await ProbeAsync(host, null);
        simulator.FailNext($"/repos/{Repo}/deployments", 4, status); // the first attempt and the resilience handler's 3 retries

        var failed = await ProbeAsync(host, before.Validators);

        Assert.False(failed.Unchanged);
        Assert.Equal(JsonNode.Parse(before.Validators)!["r"]!["deployments"]!.ToJsonString(), JsonNode.Parse(failed.Validators)!["r"]!["deployments"]!.ToJsonString());
        Assert.True((await ProbeAsync(host, failed.Validators)).Unchanged);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"v\":99,\"r\":{}}")]
    public async Task Unreadable_validators_count_as_none(string validators)
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);

        var result = await ProbeAsync(host, validators);

        Assert.False(result.Unchanged);
        Assert.Equal(3, result.Usage.Requests);
        Assert.True((await ProbeAsync(host, result.Validators)).Unchanged);
    }

    [Fact]
    public async Task Validators_hold_etags_and_hashes_only()
    {
        var (model, _) = Busy();
        using var simulator = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(simulator, [Repo]);

        var result = await ProbeAsync(host, null);

        var resources = JsonNode.Parse(result.Validators)!["r"]!.AsObject();
        Assert.Equal(["pulls", "runs", "deployments"], resources.Select(p => p.Key));
        Assert.All(resources, p => Assert.Equal(64, p.Value!["sha256"]!.GetValue<string>().Length));
        Assert.All(resources, p => Assert.StartsWith("W/\"", p.Value!["etag"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.DoesNotContain(simulator.Token, result.Validators, StringComparison.Ordinal);
    }

    /// <summary>A repository with pull requests, an older run still in progress under a newer finished one, and deployments.</summary>
    private static (SimulatedGitHub Model, SimulatedWorkflowRun Running) Busy()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.OpenPullRequest("alice", T0.AddHours(-5)).Commit(T0.AddHours(-6));
        repo.OpenPullRequest("bob", T0.AddHours(-4)).Commit(T0.AddHours(-4.5)).Merge(T0.AddHours(-3), "m2");
        var running = repo.Run("deploy", Sha("a"), T0.AddHours(-2), T0.AddHours(-2), finishedAt: null);
        repo.Run("build", Sha("b"), T0.AddHours(-1), T0.AddHours(-1), T0.AddMinutes(-50));
        repo.Deploy("production", Sha("m2"), T0.AddHours(-2), T0.AddHours(-2), T0.AddHours(-1.9));
        return (model, running);
    }

    private static string StaleETags(string validators)
    {
        var json = JsonNode.Parse(validators)!;
        foreach (var (_, resource) in json["r"]!.AsObject())
        {
            resource!["etag"] = "W/\"0000000000000000000000000000000000000000000000000000000000000000\"";
        }

        return json.ToJsonString();
    }

    private static Task<ChangeProbeResult> ProbeAsync(GitHubSourceHost host, string? validators) =>
        ((IChangeProbe)host.Source).ProbeAsync(GitHubSourceHost.Repo(Repo), validators, TestContext.Current.CancellationToken);

    private static string Sha(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..40];
}
