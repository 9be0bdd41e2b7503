using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Mapping;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>
/// Deployments through GraphQL (statuses with the list, change sets from trunk history read once): the same events as
/// the REST reader, nested status paging, the status tie-break, the compare fallback and what a read costs.
/// </summary>
public sealed class GitHubGraphQlDeliveryTests
{
    private const string Repo = "contoso/web";
    private const string Deployments = nameof(GitHubGraphQlDocuments.Deployments);
    private const string History = nameof(GitHubGraphQlDocuments.TrunkHistory);
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Since = T0.AddDays(-1);
    private static readonly Dictionary<string, string?> DeploymentsOnly = new() { ["Sources:GitHub:ReadWorkflowRuns"] = "false", ["Sources:GitHub:ReadDirectPushes"] = "false" };

    [Fact]
    public async Task Gives_exactly_the_events_of_the_REST_reader_for_a_generated_organisation_with_runs_and_deployments()
    {
        var start = T0.AddDays(-30);
        var model = SimulatedGitHub.Generate(seed: 5, repositories: 2, pullRequestsPerRepository: 160, start, new GitHubGenerationOptions { Now = T0 });
        using var github = new GitHubSimulator(model);
        var names = model.Repositories.Select(r => r.FullName).ToArray();

        foreach (var name in names)
        {
            // A backfill, an incremental read whose baselines lie before the window, and one with a small page size.
            foreach (var (since, pageSize) in new[] { (start.AddDays(-1), "100"), (start.AddDays(12), "100"), (start.AddDays(8), "7") })
            {
                using var restPaged = GitHubSourceHost.For(github, names, new Dictionary<string, string?> { ["Sources:GitHub:PageSize"] = pageSize }, new FakeTimeProvider(T0));
                using var graphQlPaged = GitHubSourceHost.For(github, names, GitHubSourceHost.GraphQl(new Dictionary<string, string?> { ["Sources:GitHub:PageSize"] = pageSize }), new FakeTimeProvider(T0));
                var byRest = await restPaged.ReadAsync(name, since);
                github.ResetCounts();
                var byGraphQl = await graphQlPaged.ReadAsync(name, since);

                var deploymentEvents = byRest.Events.Count(e => e.Kind == FlowEventKind.DeploymentQueued);
                Assert.True(deploymentEvents > 5, $"{name} since {since:O}: only {deploymentEvents} deployments");
                Assert.Contains(byRest.Events, e => e.Kind == FlowEventKind.DeploymentIncludes && e.Comparison == DeploymentComparison.Ahead);
                Assert.Equal(
                    GitHubGraphQlReadingTests.Canonical(byRest.Events, restSide: true),
                    GitHubGraphQlReadingTests.Canonical(byGraphQl.Events, restSide: false));

                // Neither a status list nor a compare: every deployed SHA is on the trunk the history holds.
                Assert.Equal(0, github.RequestsTo($"/repos/{name}/deployments/*/statuses") + github.RequestsTo($"/repos/{name}/compare/*"));
                Assert.Equal(0, github.RequestsTo($"/repos/{name}/deployments"));
            }
        }
    }

    [Fact]
    public async Task Computes_change_sets_for_a_batch_a_redeploy_a_rollback_and_a_first_deployment_from_history()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("base"), T0.AddDays(-10));
        repo.Deploy("production", Sha("base"), T0.AddDays(-5), T0.AddDays(-5).AddMinutes(1), T0.AddDays(-5).AddMinutes(9)); // before the window
        var merges = new[] { 1, 2, 3 }.Select(i => repo.OpenPullRequest("alice", T0).Merge(T0.AddHours(i)).MergeCommitSha!).ToArray();
        var firstStaging = repo.Deploy("staging", merges[0], T0.AddHours(1.5), T0.AddHours(1.6), T0.AddHours(1.7));
        var batch = repo.Deploy("production", merges[2], T0.AddHours(4), T0.AddHours(4.1), T0.AddHours(4.2));
        var redeploy = repo.Deploy("production", merges[2], T0.AddHours(5), T0.AddHours(5.1), T0.AddHours(5.2));
        var rollback = repo.Deploy("production", merges[1], T0.AddHours(6), T0.AddHours(6.1), T0.AddHours(6.2));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(DeploymentsOnly), new FakeTimeProvider(T0.AddDays(1)));

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal(
            [
                (Id(firstStaging.Id), DeploymentComparison.Unknown, merges[0]), // no base: the deployed SHA alone
                (Id(batch.Id), DeploymentComparison.Ahead, string.Join(',', merges)), // base: the deployment older than the window
                (Id(redeploy.Id), DeploymentComparison.Identical, ""),
                (Id(rollback.Id), DeploymentComparison.Behind, ""),
            ],
            ChangeSets(read.Events));

        // 1 page of pull requests, 1 of deployments with all statuses, 1 of history (4 trunk commits).
        Assert.Equal(
            new Dictionary<string, int> { [nameof(GitHubGraphQlDocuments.PullRequestsByUpdate)] = 1, [Deployments] = 1, [History] = 1 },
            github.GraphQlRequestsByOperation);
        Assert.Equal(3, github.GraphQlPointsSpent);
        Assert.DoesNotContain(github.Requests, r => r.Path != "/graphql"); // the default branch came with the pull requests
    }

    [Fact]
    public async Task Pages_history_only_as_far_as_the_oldest_base_and_once_per_read()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        for (var i = 0; i < 450; i++)
        {
            repo.Push(Sha("c" + i), T0.AddDays(-20).AddHours(i));
        }

        // Deployed every 50 commits; the window holds the last 3 deployments, whose oldest base is commit 249 (page 3 of 100).
        var deployments = Enumerable.Range(1, 8).Select(k => repo.Deploy("production", Sha("c" + ((50 * k) - 1)), T0.AddDays(-20).AddHours((50 * k) + 1), null, T0.AddDays(-20).AddHours((50 * k) + 2))).ToList();
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(DeploymentsOnly), new FakeTimeProvider(T0));

        var read = await host.ReadAsync(Repo, deployments[5].CreatedAt);

        Assert.Equal(3, read.Events.Count(e => e.Kind == FlowEventKind.DeploymentQueued));
        Assert.Equal(Enumerable.Range(250, 50).Select(i => Sha("c" + i)), Includes(read.Events, deployments[5].Id));
        Assert.Equal(Enumerable.Range(350, 50).Select(i => Sha("c" + i)), Includes(read.Events, deployments[7].Id));
        Assert.Equal(3, github.GraphQlRequestsByOperation[History]); // commits 449 … 150: 3 pages, not the 5 of the whole trunk
        Assert.Equal(0, github.RequestsTo($"/repos/{Repo}/compare/*"));
    }

    [Fact]
    public async Task A_read_with_few_deployments_pages_history_only_a_little_then_compares()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        for (var i = 0; i < 450; i++)
        {
            repo.Push(Sha("c" + i), T0.AddDays(-20).AddHours(i));
        }

        repo.Deploy("production", Sha("c49"), T0.AddDays(-20).AddHours(50), null, T0.AddDays(-20).AddHours(51));
        var latest = repo.Deploy("production", Sha("c449"), T0.AddDays(-20).AddHours(450), null, T0.AddDays(-20).AddHours(451));
        using var github = new GitHubSimulator(model);
        using var rest = GitHubSourceHost.For(github, [Repo], DeploymentsOnly, new FakeTimeProvider(T0));
        using var graphQl = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(DeploymentsOnly), new FakeTimeProvider(T0));

        var byRest = await rest.ReadAsync(Repo, latest.CreatedAt);
        github.ResetCounts();
        var byGraphQl = await graphQl.ReadAsync(Repo, latest.CreatedAt);

        Assert.Equal(GitHubGraphQlReadingTests.Canonical(byRest.Events, true), GitHubGraphQlReadingTests.Canonical(byGraphQl.Events, false));
        Assert.Equal(400, Includes(byGraphQl.Events, latest.Id).Count);
        Assert.Equal(2, github.GraphQlRequestsByOperation[History]); // 1 deployment in the window: 2 pages, not the 5 down to its base
        Assert.Equal(4, github.RequestsTo($"/repos/{Repo}/compare/*")); // then the compare, 100 commits per page
    }

    [Fact]
    public async Task Falls_back_to_one_compare_when_a_sha_is_not_in_the_trunk_history()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), T0).Push(Sha("b"), T0.AddHours(1));
        repo.Deploy("production", Sha("gone"), T0, T0, T0.AddMinutes(5)); // a force-pushed commit the trunk lost
        var afterGone = repo.Deploy("production", Sha("a"), T0.AddHours(1), T0.AddHours(1), T0.AddHours(1.1));
        repo.Deploy("staging", Sha("a"), T0.AddHours(2), T0.AddHours(2), T0.AddHours(2.1));
        var onTrunk = repo.Deploy("staging", Sha("b"), T0.AddHours(3), T0.AddHours(3), T0.AddHours(3.1));
        using var github = new GitHubSimulator(model);
        using var rest = GitHubSourceHost.For(github, [Repo], DeploymentsOnly, new FakeTimeProvider(T0.AddDays(1)));
        using var graphQl = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(DeploymentsOnly), new FakeTimeProvider(T0.AddDays(1)));

        var byRest = await rest.ReadAsync(Repo, Since);
        github.ResetCounts();
        var byGraphQl = await graphQl.ReadAsync(Repo, Since);

        Assert.Equal(GitHubGraphQlReadingTests.Canonical(byRest.Events, true), GitHubGraphQlReadingTests.Canonical(byGraphQl.Events, false));
        Assert.Equal([Sha("a")], Includes(byGraphQl.Events, afterGone.Id));
        Assert.Equal(DeploymentComparison.Unknown, ChangeSets(byGraphQl.Events).Single(c => c.Id == Id(afterGone.Id)).Comparison);
        Assert.Equal([Sha("b")], Includes(byGraphQl.Events, onTrunk.Id));
        Assert.Equal(1, github.RequestsTo($"/repos/{Repo}/compare/*")); // only the pair with the lost commit (answered 404)
        Assert.Equal(1, github.GraphQlRequestsByOperation[History]); // a short trunk: read to its end once
    }

    [Fact]
    public async Task Reads_more_than_a_page_of_statuses_for_that_deployment_only()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), T0);
        var noisy = repo.Deploy("production", Sha("a"), T0, startedAt: null, finishedAt: null);
        for (var i = 0; i < 230; i++)
        {
            noisy.Status(i % 2 == 0 ? "queued" : "waiting", T0.AddMinutes(i));
        }

        noisy.Status("in_progress", T0.AddHours(5)).Status("success", T0.AddHours(6));
        repo.Deploy("staging", Sha("a"), T0.AddHours(1), T0.AddHours(1), T0.AddHours(1.5));
        using var github = new GitHubSimulator(model);
        using var rest = GitHubSourceHost.For(github, [Repo], DeploymentsOnly, new FakeTimeProvider(T0.AddDays(1)));
        using var graphQl = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(DeploymentsOnly), new FakeTimeProvider(T0.AddDays(1)));

        var byRest = await rest.ReadAsync(Repo, Since);
        github.ResetCounts();
        var byGraphQl = await graphQl.ReadAsync(Repo, Since);

        Assert.Equal(GitHubGraphQlReadingTests.Canonical(byRest.Events, true), GitHubGraphQlReadingTests.Canonical(byGraphQl.Events, false));
        Assert.Equal(
            [(FlowEventKind.DeploymentStarted, T0.AddHours(5)), (FlowEventKind.DeploymentFinished, T0.AddHours(6))],
            byGraphQl.Events.Where(e => e.SubjectId == Id(noisy.Id) && e.Kind is FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished).Select(e => (e.Kind, e.OccurredAt)).ToList());
        Assert.Equal(2, github.GraphQlRequestsByOperation[nameof(GitHubGraphQlDocuments.DeploymentStatuses)]); // 232 statuses: 100 with the list, then 2 pages
        Assert.Equal(1, github.GraphQlRequestsByOperation[Deployments]);
    }

    [Theory]
    [InlineData("in_progress,success", "in_progress", "success")] // reported in the same second
    [InlineData("success,in_progress", "in_progress", "success")] // listed the other way round: same result
    [InlineData("failure,success", null, "failure")] // two finals in one second: the failure counts
    [InlineData("success,failure", null, "failure")]
    [InlineData("error,success", null, "error")]
    [InlineData("inactive,success", null, "success")] // superseded in the same second it succeeded
    [InlineData("queued,in_progress,error", "in_progress", "error")]
    public void Statuses_of_one_second_are_ordered_by_the_lifecycle_whatever_the_APIs_order(string states, string? started, string? finished)
    {
        var statuses = states.Split(',').Select(s => new DeploymentStatusSnapshot(s, T0, null)).ToList();

        foreach (var order in new[] { statuses, Enumerable.Reverse(statuses).ToList() })
        {
            var snapshot = new DeploymentSnapshot(1, Sha("a"), "production", T0, order);
            Assert.Equal(started, snapshot.FirstInProgress?.State);
            Assert.Equal(finished, snapshot.FirstFinal?.State);
        }
    }

    [Fact]
    public async Task Both_APIs_agree_on_statuses_reported_in_the_same_second()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("a"), T0).Push(Sha("b"), T0.AddHours(1));
        repo.Deploy("production", Sha("a"), T0.AddMinutes(1), startedAt: null, finishedAt: null).Status("success", T0.AddMinutes(2)).Status("in_progress", T0.AddMinutes(2));
        repo.Deploy("production", Sha("b"), T0.AddHours(2), startedAt: null, finishedAt: null).Status("success", T0.AddHours(3)).Status("failure", T0.AddHours(3));
        using var github = new GitHubSimulator(model);
        using var rest = GitHubSourceHost.For(github, [Repo], DeploymentsOnly, new FakeTimeProvider(T0.AddDays(1)));
        using var graphQl = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(DeploymentsOnly), new FakeTimeProvider(T0.AddDays(1)));

        var byRest = await rest.ReadAsync(Repo, Since);
        var byGraphQl = await graphQl.ReadAsync(Repo, Since);

        Assert.Equal(GitHubGraphQlReadingTests.Canonical(byRest.Events, true), GitHubGraphQlReadingTests.Canonical(byGraphQl.Events, false));
        Assert.Equal(["success", "failure"], byGraphQl.Events.Where(e => e.Kind == FlowEventKind.DeploymentFinished).OrderBy(e => e.OccurredAt).Select(e => e.Result));
    }

    /// <summary>Each deployment's id, comparison and included SHAs (comma-separated), in creation order.</summary>
    private static List<(string Id, DeploymentComparison Comparison, string Shas)> ChangeSets(IEnumerable<FlowEvent> events) =>
        events.Where(e => e.Kind == FlowEventKind.DeploymentQueued)
            .OrderBy(e => e.OccurredAt)
            .Select(q => (q.SubjectId, q.Comparison, string.Join(',', Includes(events, long.Parse(q.SubjectId, System.Globalization.CultureInfo.InvariantCulture)))))
            .ToList();

    private static List<string> Includes(IEnumerable<FlowEvent> events, long deploymentId) =>
        events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes && e.SubjectId == Id(deploymentId)).Select(e => e.Sha!).ToList();

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Sha(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..40];
}
