using FlowCollector.Domain.Events;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>What a read costs and where it stops: paging to the watermark, skipped branches, requests per pull request.</summary>
public sealed class GitHubEventSourceReadingTests
{
    private const string Pulls = "/repos/contoso/web/pulls";

    /// <summary>A repository without runs and deployments adds one runs page and one deployments page to every read.</summary>
    private const int Delivery = 2;
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> PagesOfTen = new() { ["Sources:GitHub:PageSize"] = "10" };

    [Fact]
    public async Task Stops_listing_at_the_first_pull_request_older_than_since()
    {
        // 25 pull requests updated an hour apart; the newest 15 are at or after "since".
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        for (var i = 0; i < 25; i++)
        {
            repo.OpenPullRequest("alice", T0.AddHours(i)).Commit(T0.AddHours(i - 1));
        }

        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], PagesOfTen);

        var read = await host.ReadAsync("contoso/web", since: T0.AddHours(10));

        Assert.Equal(2, github.RequestsTo(Pulls)); // page 2 holds the first older one; page 3 is never asked for
        Assert.Equal(Enumerable.Range(11, 15).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal),
            read.Events.Where(e => e.Kind == FlowEventKind.ChangeOpened).Select(e => e.SubjectId).Order(StringComparer.Ordinal));
        Assert.Equal(T0.AddHours(24), read.HighWatermark);
        Assert.Equal(1 + 2 + (3 * 15) + Delivery, read.Usage.Requests);
        Assert.Equal(github.RequestCount, read.Usage.Requests);
        Assert.Equal(5000 - github.RequestCount, read.Usage.RateLimitRemaining);
    }

    [Fact]
    public async Task Follows_every_page_link_when_everything_is_newer()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        for (var i = 0; i < 25; i++)
        {
            repo.OpenPullRequest("alice", T0.AddHours(i));
        }

        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], PagesOfTen);

        var read = await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        Assert.Equal(25, read.Events.Count(e => e.Kind == FlowEventKind.ChangeOpened));
        Assert.Equal(3, github.RequestsTo(Pulls));

        // Pages 2 and 3 were fetched through GitHub's /repositories/{id}/ links, as sent.
        Assert.Equal(2, github.Requests.Count(r => r.Path == Pulls && r.RawPath.StartsWith("/repositories/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Nothing_updated_costs_the_repository_and_one_list_page()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Merge(T0.AddHours(1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var read = await host.ReadAsync("contoso/web", since: T0.AddHours(2));

        Assert.Empty(read.Events);
        Assert.Null(read.HighWatermark);
        Assert.Equal(2 + Delivery, read.Usage.Requests);
    }

    [Fact]
    public async Task Pull_requests_to_other_branches_cost_no_extra_request()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        for (var i = 0; i < 4; i++)
        {
            repo.OpenPullRequest("alice", T0.AddHours(i), baseBranch: i % 2 == 0 ? "main" : "release/2.x").Commit(T0).Merge(T0.AddHours(i + 1));
        }

        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var read = await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        Assert.Equal(["1", "3"], read.Events.Select(e => e.SubjectId).Distinct().Order(StringComparer.Ordinal));
        Assert.All(read.Events, e => Assert.Equal("main", e.TargetBranch));
        Assert.Equal(0, github.RequestsTo("/repos/contoso/web/pulls/2/*") + github.RequestsTo("/repos/contoso/web/issues/2/*"));
        Assert.Equal(0, github.RequestsTo("/repos/contoso/web/pulls/4/*") + github.RequestsTo("/repos/contoso/web/issues/4/*"));
        Assert.Equal(1 + 1 + (2 * 3) + Delivery, read.Usage.Requests);

        // The newest update among everything listed still moves the watermark.
        Assert.Equal(T0.AddHours(4), read.HighWatermark);
    }

    [Fact]
    public async Task Costs_three_requests_per_pull_request_and_more_only_for_long_lists()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        repo.OpenPullRequest("alice", T0).Commit(T0.AddHours(-1)).Review("bob", SimulatedReviewState.Approved, T0.AddHours(1));
        var large = repo.OpenPullRequest("bob", T0.AddHours(2));
        for (var i = 0; i < 25; i++)
        {
            large.Commit(T0.AddMinutes(i));
        }

        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], PagesOfTen);

        var read = await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        Assert.Equal(1, github.RequestsTo("/repos/contoso/web/pulls/1/commits"));
        Assert.Equal(1, github.RequestsTo("/repos/contoso/web/pulls/1/reviews"));
        Assert.Equal(1, github.RequestsTo("/repos/contoso/web/issues/1/timeline"));
        Assert.Equal(3, github.RequestsTo("/repos/contoso/web/pulls/2/commits")); // 25 commits, 10 per page
        Assert.Equal(25, read.Events.Count(e => e.Kind == FlowEventKind.CommitAuthored && e.SubjectId == "2"));

        // 25 commits also make a 3-page timeline ("committed" entries).
        Assert.Equal(3, github.RequestsTo("/repos/contoso/web/issues/2/timeline"));
        Assert.Equal(1 + 1 + 3 + 3 + 1 + 3 + Delivery, read.Usage.Requests);
    }

    [Fact]
    public async Task Sees_a_merge_that_happened_after_the_previous_poll()
    {
        var model = new SimulatedGitHub();
        var pr = model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Commit(T0.AddHours(-1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);
        var first = await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        pr.Review("bob", SimulatedReviewState.Approved, T0.AddHours(2)).Merge(T0.AddHours(3), new string('9', 40));
        var second = await host.ReadAsync("contoso/web", since: first.HighWatermark!.Value.AddHours(-1));

        Assert.DoesNotContain(first.Events, e => e.Kind == FlowEventKind.ChangeMerged);
        var merged = Assert.Single(second.Events, e => e.Kind == FlowEventKind.ChangeMerged);
        Assert.Equal((T0.AddHours(3), new string('9', 40)), (merged.OccurredAt, merged.Sha));
        Assert.Equal(T0.AddHours(3), second.HighWatermark);
    }

    [Fact]
    public async Task Reads_a_pull_request_once_when_an_update_during_paging_shows_it_twice()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        for (var i = 0; i < 15; i++)
        {
            repo.OpenPullRequest("alice", T0.AddHours(i));
        }

        using var github = new GitHubSimulator(model);

        // Between page 1 (#15..#6) and page 2, #1 is updated and jumps to the front: page 2 then repeats #6.
        github.BeforeRender = (path, query) =>
        {
            if (path == Pulls && query.Contains("page=2", StringComparison.Ordinal))
            {
                repo.PullRequest(1).Touch(T0.AddDays(1));
            }
        };
        using var host = GitHubSourceHost.For(github, ["contoso/web"], PagesOfTen);

        var read = await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        Assert.Equal(14, read.Events.Count(e => e.Kind == FlowEventKind.ChangeOpened)); // #1 waits for the next read
        Assert.Equal(1, github.RequestsTo("/repos/contoso/web/pulls/6/commits"));
        Assert.Equal(T0.AddHours(14), read.HighWatermark); // so the next read still sees #1's update
    }

    [Fact]
    public async Task Sends_the_pinned_api_version_media_type_and_token_on_every_request()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Merge(T0.AddHours(1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        Assert.Equal(5 + Delivery, github.RequestCount);
        Assert.All(github.Requests, r =>
        {
            Assert.Equal(200, r.StatusCode); // the simulator answers 401 without the token
            Assert.Equal("2022-11-28", r.ApiVersion);
            Assert.Equal("application/vnd.github+json", r.Accept);
            Assert.StartsWith("FlowCollector", r.UserAgent, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("/api/v3", "")]
    [InlineData("/api/v3", "no trailing slash")]
    public async Task Uses_an_enterprise_base_address_as_given(string prefix, string variant)
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Merge(T0.AddHours(1));
        using var github = new GitHubSimulator(model, new GitHubSimulatorOptions { PathPrefix = prefix });
        var address = variant == "" ? github.Url : github.Url.TrimEnd('/');
        using var host = GitHubSourceHost.For(github, ["contoso/web"], new Dictionary<string, string?> { ["Sources:GitHub:ApiBaseAddress"] = address });

        var read = await host.ReadAsync("contoso/web", since: T0.AddDays(-1));

        Assert.Equal(2, read.Events.Count);
        Assert.All(github.Requests, r => Assert.StartsWith("/api/v3/repos/contoso/web", r.RawPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reads_a_generated_organisation_consistently_with_its_model()
    {
        var start = T0.AddDays(-20);
        var model = SimulatedGitHub.Generate(seed: 7, repositories: 2, pullRequestsPerRepository: 120, start, new GitHubGenerationOptions { Now = T0 });
        using var github = new GitHubSimulator(model);
        var names = model.Repositories.Select(r => r.FullName).ToArray();
        using var host = GitHubSourceHost.For(github, names, new Dictionary<string, string?>
        {
            ["Sources:GitHub:ReadWorkflowRuns"] = "false",
            ["Sources:GitHub:ReadDeployments"] = "false",
        });

        foreach (var repo in model.Repositories)
        {
            github.ResetCounts();
            var read = await host.ReadAsync(repo.FullName, since: start.AddDays(-3));

            var onTrunk = repo.PullRequests.Where(p => p.BaseBranch == repo.DefaultBranch).ToList();
            Assert.Equal(onTrunk.Count, read.Events.Count(e => e.Kind == FlowEventKind.ChangeOpened));
            Assert.Equal(onTrunk.Count(p => p.IsMerged), read.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged));
            Assert.Equal(onTrunk.Count(p => p.ClosedAt is not null && !p.IsMerged), read.Events.Count(e => e.Kind == FlowEventKind.ChangeClosed));
            Assert.Equal(onTrunk.Sum(p => p.Commits.Count), read.Events.Count(e => e.Kind == FlowEventKind.CommitAuthored));
            Assert.Equal(onTrunk.Sum(p => p.Reviews.Count(r => r.State != SimulatedReviewState.Pending)), read.Events.Count(e => e.Kind == FlowEventKind.ReviewSubmitted));
            Assert.Equal(onTrunk.Count(p => p.OpenedAsDraft), read.Events.Count(e => e.Kind == FlowEventKind.ChangeOpened && e.IsDraft));
            Assert.Equal(repo.PullRequests.Max(p => p.UpdatedAt), read.HighWatermark);
            Assert.Equal(1 + 2 + (3 * onTrunk.Count), read.Usage.Requests); // 120 pull requests: 2 pages of 100 (runs and deployments off)
        }
    }
}
