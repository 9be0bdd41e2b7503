using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Workflow runs and deployments: event mapping, change sets, the runs search cap and what a read costs.</summary>
public sealed class GitHubDeliveryTests
{
    private const string Repo = "contoso/web";
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Since = T0.AddDays(-1);

    [Fact]
    public async Task Maps_runs_on_the_default_branch_with_attempt_state_and_conclusion()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        var green = repo.Run("build", Sha("a"), T0, T0.AddMinutes(2), T0.AddMinutes(12));
        var rerun = repo.Rerun(
            repo.Run("build", Sha("b"), T0.AddHours(1), T0.AddHours(1).AddMinutes(2), T0.AddHours(1).AddMinutes(9), "failure"),
            T0.AddHours(1).AddMinutes(40),
            T0.AddHours(1).AddMinutes(50),
            "failure");
        var running = repo.Run("lint", Sha("c"), T0.AddHours(2), T0.AddHours(2).AddMinutes(1), finishedAt: null);
        var queued = repo.Run("lint", Sha("d"), T0.AddHours(3), startedAt: null, finishedAt: null);
        repo.Run("build", Sha("e"), T0, T0.AddMinutes(1), T0.AddMinutes(5), branch: "feature/x");
        repo.Run("build", Sha("f"), Since.AddSeconds(-1), Since, Since.AddMinutes(5)); // created before the window

        var read = await ReadAsync(model, T0.AddDays(1));
        var runs = read.Events.Where(e => e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished).ToList();

        Assert.Equal(
            [
                (FlowEventKind.RunQueued, Id(green.Id), T0, 1, "build", Sha("a"), (string?)null),
                (FlowEventKind.RunStarted, Id(green.Id), T0.AddMinutes(2), 1, "build", Sha("a"), null),
                (FlowEventKind.RunFinished, Id(green.Id), T0.AddMinutes(12), 1, "build", Sha("a"), "success"),

                // A re-run: created_at is the first attempt's, so attempt 2 has no queued event of its own.
                (FlowEventKind.RunStarted, Id(rerun.Id), T0.AddHours(1).AddMinutes(40), 2, "build", Sha("b"), null),
                (FlowEventKind.RunFinished, Id(rerun.Id), T0.AddHours(1).AddMinutes(50), 2, "build", Sha("b"), "failure"),
                (FlowEventKind.RunQueued, Id(running.Id), T0.AddHours(2), 1, "lint", Sha("c"), null),
                (FlowEventKind.RunStarted, Id(running.Id), T0.AddHours(2).AddMinutes(1), 1, "lint", Sha("c"), null),

                // Queued: GitHub serves run_started_at = created_at, which is no start.
                (FlowEventKind.RunQueued, Id(queued.Id), T0.AddHours(3), 1, "lint", Sha("d"), null),

                // The re-run's first attempt, read from /actions/runs/{id}/attempts/1: queued when the run was created.
                (FlowEventKind.RunQueued, Id(rerun.Id), T0.AddHours(1), 1, "build", Sha("b"), null),
                (FlowEventKind.RunStarted, Id(rerun.Id), T0.AddHours(1).AddMinutes(2), 1, "build", Sha("b"), null),
                (FlowEventKind.RunFinished, Id(rerun.Id), T0.AddHours(1).AddMinutes(9), 1, "build", Sha("b"), "failure"),
            ],
            runs.Select(e => (e.Kind, e.SubjectId, e.OccurredAt, e.Attempt, e.Pipeline!, e.Sha!, e.Result)).ToList());
        Assert.All(runs, e => Assert.Equal($"https://github.com/{Repo}/actions/runs/{e.SubjectId}", e.Url));
    }

    [Theory]
    [InlineData("success", "success")]
    [InlineData("failure", "failure")]
    [InlineData("cancelled", "cancelled")]
    [InlineData("TIMED_OUT", "timed_out")]
    [InlineData("startup_failure", "startup_failure")]
    public async Task Lower_cases_the_conclusion_into_the_result(string conclusion, string expected)
    {
        var model = new SimulatedGitHub();
        model.AddRepository(Repo).Run("build", Sha("a"), T0, T0.AddMinutes(1), T0.AddMinutes(2), conclusion);

        var read = await ReadAsync(model, T0.AddDays(1));

        Assert.Equal(expected, Assert.Single(read.Events, e => e.Kind == FlowEventKind.RunFinished).Result);
    }

    [Fact]
    public async Task Finds_a_run_github_stamped_after_our_clock()
    {
        var model = new SimulatedGitHub();
        var run = model.AddRepository(Repo).Run("build", Sha("a"), T0.AddMinutes(2), T0.AddMinutes(3), T0.AddMinutes(4));

        var read = await ReadAsync(model, now: T0); // our clock is two minutes behind GitHub's

        Assert.Equal(3, read.Events.Count(e => e.SubjectId == Id(run.Id)));
    }

    [Fact]
    public async Task Takes_deployment_times_from_statuses_and_ignores_a_later_inactive()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), T0.AddHours(-1)).Push(Sha("b"), T0.AddHours(1));
        var first = repo.Deploy("production", Sha("a"), T0, T0.AddMinutes(3), T0.AddMinutes(10));
        repo.Deploy("production", Sha("b"), T0.AddHours(2), T0.AddHours(2).AddMinutes(1), T0.AddHours(2).AddMinutes(9)); // marks the first inactive

        var read = await ReadAsync(model, T0.AddDays(1));

        Assert.Equal(["in_progress", "success", "inactive"], first.Statuses.Select(s => s.State));
        Assert.Equal(T0.AddHours(2).AddMinutes(9), first.UpdatedAt); // what a mapping from updated_at would get wrong
        var events = read.Events.Where(e => e.SubjectId == Id(first.Id) && e.Kind != FlowEventKind.DeploymentIncludes).ToList();
        Assert.Equal(
            [
                (FlowEventKind.DeploymentQueued, T0, (string?)null),
                (FlowEventKind.DeploymentStarted, T0.AddMinutes(3), null),
                (FlowEventKind.DeploymentFinished, T0.AddMinutes(10), "success"),
            ],
            events.Select(e => (e.Kind, e.OccurredAt, e.Result)).ToList());
        Assert.All(events, e => Assert.Equal(("production", Sha("a")), (e.Environment!, e.Sha!)));
    }

    [Theory]
    [InlineData("failure")]
    [InlineData("error")]
    public async Task A_failed_deployment_finishes_with_its_state_and_still_carries_its_change_set(string state)
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), T0).Push(Sha("b"), T0.AddHours(1)).Push(Sha("c"), T0.AddHours(2));
        repo.Deploy("staging", Sha("a"), T0.AddMinutes(10), T0.AddMinutes(11), T0.AddMinutes(20));
        var failed = repo.Deploy("staging", Sha("c"), T0.AddHours(3), startedAt: null, T0.AddHours(3).AddMinutes(5), state);

        var read = await ReadAsync(model, T0.AddDays(1));

        var events = read.Events.Where(e => e.SubjectId == Id(failed.Id)).ToList();
        Assert.Equal(state, Assert.Single(events, e => e.Kind == FlowEventKind.DeploymentFinished).Result);
        Assert.DoesNotContain(events, e => e.Kind == FlowEventKind.DeploymentStarted);
        Assert.Equal([Sha("b"), Sha("c")], Includes(events));
        Assert.All(events, e => Assert.Equal(DeploymentComparison.Ahead, e.Comparison));
    }

    [Fact]
    public async Task Computes_change_sets_for_a_batch_a_redeploy_a_rollback_and_a_first_deployment()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("base"), T0.AddDays(-10));
        var old = repo.Deploy("production", Sha("base"), T0.AddDays(-5), T0.AddDays(-5).AddMinutes(1), T0.AddDays(-5).AddMinutes(9)); // before the window
        var merges = new[] { 1, 2, 3 }.Select(i => repo.OpenPullRequest("alice", T0).Merge(T0.AddHours(i)).MergeCommitSha!).ToArray();
        var firstStaging = repo.Deploy("staging", merges[0], T0.AddHours(1.5), T0.AddHours(1.6), T0.AddHours(1.7));
        var batch = repo.Deploy("production", merges[2], T0.AddHours(4), T0.AddHours(4.1), T0.AddHours(4.2));
        var redeploy = repo.Deploy("production", merges[2], T0.AddHours(5), T0.AddHours(5.1), T0.AddHours(5.2));
        var rollback = repo.Deploy("production", merges[1], T0.AddHours(6), T0.AddHours(6.1), T0.AddHours(6.2));
        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0.AddDays(1));

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal(merges, Includes(read.Events, batch.Id)); // base: the deployment older than the window
        Assert.Equal(DeploymentComparison.Ahead, Comparison(read.Events, batch.Id));
        Assert.Empty(Includes(read.Events, redeploy.Id));
        Assert.Equal(DeploymentComparison.Identical, Comparison(read.Events, redeploy.Id));
        Assert.Empty(Includes(read.Events, rollback.Id));
        Assert.Equal(DeploymentComparison.Behind, Comparison(read.Events, rollback.Id));
        Assert.Equal([merges[0]], Includes(read.Events, firstStaging.Id)); // no base: the deployed SHA alone
        Assert.Equal(DeploymentComparison.Unknown, Comparison(read.Events, firstStaging.Id));
        Assert.DoesNotContain(read.Events, e => e.SubjectId == Id(old.Id));

        // Cost: 1 list page; statuses of the 4 deployments in the window and of the older baseline; 3 compares.
        Assert.Equal(1, github.RequestsTo($"/repos/{Repo}/deployments"));
        Assert.Equal(5, github.RequestsTo($"/repos/{Repo}/deployments/*/statuses"));
        Assert.Equal(3, github.RequestsTo($"/repos/{Repo}/compare/*"));
        Assert.Equal(1 + 1 + (3 * 3) + 1 + 1 + 5 + 3, read.Usage.Requests);
    }

    [Fact]
    public async Task An_overlapping_deployment_is_compared_with_the_last_success_that_had_finished_when_it_started()
    {
        // early finished at 1 h 10; slow (merge 2) runs 2 h → 4 h; fast (merge 3) runs 3 h → 3 h 30, while slow still runs.
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        var merges = new[] { 1, 2, 3 }.Select(i => repo.OpenPullRequest("alice", T0).Merge(T0.AddHours(i - 0.5)).MergeCommitSha!).ToArray();
        var early = repo.Deploy("production", merges[0], T0.AddHours(1), T0.AddHours(1), T0.AddHours(1).AddMinutes(10));
        var slow = repo.Deploy("production", merges[1], T0.AddHours(2), T0.AddHours(2), T0.AddHours(4));
        var fast = repo.Deploy("production", merges[2], T0.AddHours(3), T0.AddHours(3), T0.AddHours(3.5));
        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0.AddDays(1));

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal([merges[0]], Includes(read.Events, early.Id)); // the first one: its own SHA (the engine adds the rest)
        Assert.Equal([merges[1]], Includes(read.Events, slow.Id));
        Assert.Equal([merges[1], merges[2]], Includes(read.Events, fast.Id)); // base: early, not slow (still running at 3 h)
        Assert.Equal(DeploymentComparison.Ahead, Comparison(read.Events, fast.Id));
    }

    [Theory]
    [InlineData(25, true)] // the baseline is on list page 3: within the 3 extra pages
    [InlineData(45, false)] // page 5: beyond the cap, the deployment counts as a first one
    public async Task Pages_back_for_a_baseline_older_than_the_window_up_to_a_cap(int stagingInBetween, bool found)
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("old"), T0.AddDays(-40)).Push(Sha("x"), T0.AddDays(-30)).Push(Sha("new"), T0.AddHours(1));
        repo.Deploy("production", Sha("old"), T0.AddDays(-35), T0.AddDays(-35), T0.AddDays(-35).AddMinutes(5));
        for (var i = 0; i < stagingInBetween; i++)
        {
            repo.Deploy("staging", Sha("x"), T0.AddDays(-30).AddHours(i), null, T0.AddDays(-30).AddHours(i).AddMinutes(5));
        }

        var deployment = repo.Deploy("production", Sha("new"), T0.AddHours(2), T0.AddHours(2), T0.AddHours(2.1));
        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0.AddDays(1), new() { ["Sources:GitHub:PageSize"] = "10" });

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal(found ? [Sha("x"), Sha("new")] : [Sha("new")], Includes(read.Events, deployment.Id));
        Assert.Equal(found ? DeploymentComparison.Ahead : DeploymentComparison.Unknown, Comparison(read.Events, deployment.Id));
        Assert.Equal(found ? 3 : 4, github.RequestsTo($"/repos/{Repo}/deployments"));
        Assert.Equal(found ? 2 : 1, github.RequestsTo($"/repos/{Repo}/deployments/*/statuses")); // staging ones are never read
    }

    [Fact]
    public async Task Splits_the_created_range_when_a_filtered_runs_query_exceeds_a_thousand()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        for (var i = 0; i < 2500; i++)
        {
            var at = Since.AddSeconds(30 * i);
            repo.Run("build", Sha("r" + i), at, at.AddSeconds(5), at.AddSeconds(60));
        }

        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0, new() { ["Sources:GitHub:ReadDeployments"] = "false" });

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal(2500, read.Events.Where(e => e.Kind == FlowEventKind.RunFinished).Select(e => e.SubjectId).Distinct().Count());

        // 2,500 runs over 24 h (runs in the first 20.8 h): the day splits into quarters that hold ≤ 1,000 each
        // (720 + 720 + 720 + 340 runs → 8 + 8 + 8 + 4 pages), after 1 + 2 first pages thrown away for the splits.
        Assert.Equal(3 + 28, github.RequestsTo($"/repos/{Repo}/actions/runs"));
    }

    [Fact]
    public async Task The_simulator_serves_at_most_a_thousand_runs_to_a_filtered_query()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        for (var i = 0; i < 1200; i++)
        {
            repo.Run("build", Sha("r" + i), Since.AddMinutes(i), Since.AddMinutes(i), Since.AddMinutes(i + 1));
        }

        using var github = new GitHubSimulator(model);
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("token", github.Token);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("test");

        var page10 = await client.GetStringAsync(new Uri($"{github.Url}repos/{Repo}/actions/runs?branch=main&per_page=100&page=10"), TestContext.Current.CancellationToken);
        var page11 = await client.GetStringAsync(new Uri($"{github.Url}repos/{Repo}/actions/runs?branch=main&per_page=100&page=11"), TestContext.Current.CancellationToken);
        var unfiltered = await client.GetStringAsync(new Uri($"{github.Url}repos/{Repo}/actions/runs?per_page=100&page=11"), TestContext.Current.CancellationToken);

        Assert.Equal((1200, 100), Count(page10));
        Assert.Equal((1200, 0), Count(page11));
        Assert.Equal((1200, 100), Count(unfiltered));

        static (int Total, int Runs) Count(string json)
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return (document.RootElement.GetProperty("total_count").GetInt32(), document.RootElement.GetProperty("workflow_runs").GetArrayLength());
        }
    }

    [Fact]
    public async Task Feeds_the_engine_the_stages_from_merge_through_ci_to_production()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        var pr = repo.OpenPullRequest("alice", T0).Commit(T0.AddHours(-1))
            .Review("bob", SimulatedReviewState.Approved, T0.AddHours(1))
            .Merge(T0.AddHours(2));
        var merge = pr.MergeCommitSha!;
        var ci = T0.AddHours(2);
        repo.Run("build", merge, ci.AddMinutes(1), ci.AddMinutes(3), ci.AddMinutes(13));
        repo.Deploy("staging", merge, T0.AddHours(3), T0.AddHours(3).AddMinutes(2), T0.AddHours(3).AddMinutes(10));
        repo.Deploy("production", merge, T0.AddHours(5), T0.AddHours(5).AddMinutes(5), T0.AddHours(5).AddMinutes(20));

        var read = await ReadAsync(model, T0.AddDays(1));
        var flow = new RepositoryFlow(GitHubSourceHost.Repo(Repo), ValueStreamDefinition.Default(["staging", "production"]));
        flow.Apply(read.Events);

        var timeline = Assert.Single(flow.MergedTimelines());
        Assert.Equal(
            [
                ("coding", TimeSpan.FromHours(1)),
                ("pickup", TimeSpan.FromHours(1)),
                ("review", TimeSpan.Zero),
                ("merge", TimeSpan.FromHours(1)),
                ("ci_queue", TimeSpan.FromMinutes(3)),
                ("ci", TimeSpan.FromMinutes(10)),
                ("release_wait", TimeSpan.FromMinutes(49)),
                ("deploy:staging", TimeSpan.FromMinutes(8)),
                ("promotion_wait:production", TimeSpan.FromMinutes(115)),
                ("deploy:production", TimeSpan.FromMinutes(15)),
            ],
            timeline.Spans.Select(s => (s.Stage.Name, s.Duration)).ToList());
        Assert.Equal(T0.AddHours(5).AddMinutes(20), timeline.Arrived);
    }

    [Fact]
    public async Task Reads_a_generated_organisation_with_runs_and_deployments_consistently_with_its_model()
    {
        var start = T0.AddDays(-20);
        var model = SimulatedGitHub.Generate(seed: 11, repositories: 1, pullRequestsPerRepository: 80, start, new GitHubGenerationOptions { Now = T0 });
        var repo = model.Repositories[0];
        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0);

        var read = await host.ReadAsync(repo.FullName, start.AddDays(-3));

        var onTrunk = repo.WorkflowRuns.Where(r => r.HeadBranch == repo.DefaultBranch).ToList();
        Assert.NotEmpty(onTrunk);
        Assert.Contains(onTrunk, r => r.Attempt == 2);
        // Every earlier attempt of a re-run finished too, and is read as its own attempt.
        Assert.Equal(onTrunk.Count(r => r.Status == "completed") + onTrunk.Sum(r => r.Attempt - 1), read.Events.Count(e => e.Kind == FlowEventKind.RunFinished));
        Assert.Equal(repo.Deployments.Count, read.Events.Count(e => e.Kind == FlowEventKind.DeploymentQueued));
        Assert.Contains(repo.Deployments, d => d.Statuses.Any(s => s.State == "failure"));
        Assert.Contains(read.Events, e => e.Comparison is DeploymentComparison.Identical or DeploymentComparison.Behind);

        // Every merged change the trunk carries is in some production change set or waits for the next batch.
        var deployed = read.Events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes).Select(e => e.Sha).ToHashSet();
        var merges = repo.Trunk.Select(c => c.Sha).ToList();
        Assert.True(merges.Count(deployed.Contains) >= merges.Count * 0.8, $"{merges.Count(deployed.Contains)} of {merges.Count} merges deployed");

        var perDeployment = (double)(github.RequestsTo($"/repos/{repo.FullName}/deployments/*/statuses") + github.RequestsTo($"/repos/{repo.FullName}/compare/*")) / repo.Deployments.Count;
        Assert.InRange(perDeployment, 1.5, 2.0); // a status list and at most one compare each
    }

    [Fact]
    public async Task Reports_a_deployment_created_before_the_window_that_finished_in_it()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), Since.AddDays(-1)).Push(Sha("b"), Since.AddHours(-5));
        var previous = repo.Deploy("production", Sha("a"), Since.AddHours(-3), Since.AddHours(-3), Since.AddHours(-2));
        var waiting = repo.Deploy("production", Sha("b"), Since.AddHours(-2), Since.AddHours(-2).AddMinutes(1), Since.AddHours(1)); // a long approval
        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0);

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal(
            [
                (FlowEventKind.DeploymentQueued, Since.AddHours(-2)),
                (FlowEventKind.DeploymentStarted, Since.AddHours(-2).AddMinutes(1)),
                (FlowEventKind.DeploymentFinished, Since.AddHours(1)),
                (FlowEventKind.DeploymentIncludes, Since.AddHours(-2)),
            ],
            read.Events.Where(e => e.SubjectId == Id(waiting.Id)).Select(e => (e.Kind, e.OccurredAt)).ToList());
        Assert.Equal([Sha("b")], Includes(read.Events, waiting.Id));
        Assert.DoesNotContain(read.Events, e => e.SubjectId == Id(previous.Id)); // only marked inactive in the window
        Assert.Equal(2, github.RequestsTo($"/repos/{Repo}/deployments/*/statuses"));
        Assert.Equal(1, github.RequestsTo($"/repos/{Repo}/compare/*"));
    }

    [Fact]
    public async Task A_base_the_compare_api_does_not_know_leaves_the_deployed_sha_alone()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), T0);
        repo.Deploy("production", Sha("gone"), T0, T0, T0.AddMinutes(5)); // a force-pushed commit the trunk lost
        var deployment = repo.Deploy("production", Sha("a"), T0.AddHours(1), T0.AddHours(1), T0.AddHours(1.1));

        var read = await ReadAsync(model, T0.AddDays(1));

        Assert.Equal([Sha("a")], Includes(read.Events, deployment.Id));
        Assert.Equal(DeploymentComparison.Unknown, Comparison(read.Events, deployment.Id));
    }

    [Fact]
    public async Task Reports_the_request_cost_of_runs_and_deployments_on_a_generated_repository()
    {
        var start = T0.AddDays(-30);
        var model = SimulatedGitHub.Generate(seed: 3, repositories: 1, pullRequestsPerRepository: 240, start, new GitHubGenerationOptions { Now = T0 });
        var repo = model.Repositories[0];
        using var github = new GitHubSimulator(model);
        using var host = Host(github, T0);

        var read = await host.ReadAsync(repo.FullName, start);

        var path = $"/repos/{repo.FullName}";
        var merged = repo.PullRequests.Count(p => p.IsMerged && p.BaseBranch == repo.DefaultBranch);
        var runs = github.RequestsTo(path + "/actions/runs");
        var delivery = runs + github.RequestsTo(path + "/deployments") + github.RequestsTo(path + "/deployments/*/statuses") + github.RequestsTo(path + "/compare/*");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"merged {merged}, runs {repo.WorkflowRuns.Count} in {runs} requests, deployments {repo.Deployments.Count}: list {github.RequestsTo(path + "/deployments")}, " +
            $"statuses {github.RequestsTo(path + "/deployments/*/statuses")}, compares {github.RequestsTo(path + "/compare/*")}; " +
            $"delivery requests per merged PR {(double)delivery / merged:0.00}, whole read {read.Usage.Requests} = {(double)read.Usage.Requests / merged:0.00} per merged PR");
        Assert.Equal((repo.WorkflowRuns.Count + 99) / 100, runs);
        Assert.Equal(repo.Deployments.Count, github.RequestsTo(path + "/deployments/*/statuses")); // the window starts before the first deployment
        Assert.InRange(github.RequestsTo(path + "/compare/*"), 1, repo.Deployments.Count - 2); // firsts per environment need none, repeated pairs are cached
    }

    [Theory]
    [InlineData("/repos/contoso/web/actions/runs", "workflow runs", "Actions", "ReadWorkflowRuns")]
    [InlineData("/repos/contoso/web/deployments", "deployments", "Deployments", "ReadDeployments")]
    public async Task A_token_without_the_permission_fails_with_the_permission_and_the_switch_named(string path, string what, string permission, string key)
    {
        var model = new SimulatedGitHub();
        model.AddRepository(Repo);
        using var github = new GitHubSimulator(model);
        github.FailNext(path, 1, HttpStatusCode.Forbidden, "Resource not accessible by personal access token");
        using var host = Host(github, T0);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync(Repo, Since));

        Assert.Equal(
            $"GitHub refused to list the {what} of {Repo} (403): give Sources:GitHub:Token read access to {permission} (fine-grained token: \"{permission}: Read-only\") or set Sources:GitHub:{key} to false.",
            error.Message);
        Assert.DoesNotContain(github.Token, error.Message, StringComparison.Ordinal);
    }

    private static async Task<SourceReadResult> ReadAsync(SimulatedGitHub model, DateTimeOffset now)
    {
        using var github = new GitHubSimulator(model);
        using var host = Host(github, now);
        return await host.ReadAsync(Repo, Since);
    }

    private static GitHubSourceHost Host(GitHubSimulator github, DateTimeOffset now, Dictionary<string, string?>? overrides = null) =>
        GitHubSourceHost.For(github, [Repo], overrides, new FakeTimeProvider(now));

    private static List<string> Includes(IEnumerable<FlowEvent> events, long? deploymentId = null) =>
        events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes && (deploymentId is null || e.SubjectId == Id(deploymentId.Value))).Select(e => e.Sha!).ToList();

    private static DeploymentComparison Comparison(IEnumerable<FlowEvent> events, long deploymentId) =>
        events.Where(e => e.SubjectId == Id(deploymentId) && e.Kind == FlowEventKind.DeploymentFinished).Select(e => e.Comparison).Single();

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Sha(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..40];
}
