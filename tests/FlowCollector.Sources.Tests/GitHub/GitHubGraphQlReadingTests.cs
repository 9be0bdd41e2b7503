using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Mapping;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>The GraphQL reader: the same events as REST, paging to the watermark, nested paging, cost, GHES paths.</summary>
public sealed class GitHubGraphQlReadingTests
{
    private const string ByUpdate = nameof(GitHubGraphQlDocuments.PullRequestsByUpdate);
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> PullRequestsOnly = new()
    {
        ["Sources:GitHub:ReadWorkflowRuns"] = "false",
        ["Sources:GitHub:ReadDeployments"] = "false",
        ["Sources:GitHub:ReadDirectPushes"] = "false",
    };

    [Fact]
    public async Task Gives_exactly_the_events_of_the_REST_reader_for_a_generated_organisation()
    {
        var start = T0.AddDays(-30);
        var model = SimulatedGitHub.Generate(seed: 7, repositories: 2, pullRequestsPerRepository: 150, start, new GitHubGenerationOptions { Now = T0 });
        using var github = new GitHubSimulator(model);
        var names = model.Repositories.Select(r => r.FullName).ToArray();
        using var rest = GitHubSourceHost.For(github, names, PullRequestsOnly, new FakeTimeProvider(T0));
        using var graphQl = GitHubSourceHost.For(github, names, GitHubSourceHost.GraphQl(PullRequestsOnly), new FakeTimeProvider(T0));

        foreach (var name in names)
        {
            foreach (var since in new[] { start.AddDays(-1), T0.AddDays(-10) })
            {
                var byRest = await rest.ReadAsync(name, since);
                github.ResetCounts();
                var byGraphQl = await graphQl.ReadAsync(name, since);

                Assert.True(byRest.Events.Count > 50, $"{name}: only {byRest.Events.Count} events");
                Assert.Equal(Canonical(byRest.Events, restSide: true), Canonical(byGraphQl.Events, restSide: false));
                Assert.Equal(byRest.HighWatermark, byGraphQl.HighWatermark);
                Assert.Equal(0, github.Requests.Count(r => r.Path != "/graphql")); // no REST request for pull requests
            }
        }

        // The model has bot-authored commits, so the one documented difference was exercised.
        Assert.Contains(model.Repositories.SelectMany(r => r.PullRequests).SelectMany(pr => pr.Commits), c => c.Author.IsBot);
    }

    [Fact]
    public async Task Stops_paging_at_the_first_pull_request_older_than_since_at_one_point_per_49()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        for (var i = 0; i < 150; i++)
        {
            repo.OpenPullRequest("alice", T0.AddHours(i)).Commit(T0.AddHours(i - 1));
        }

        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(PullRequestsOnly));

        var read = await host.ReadAsync("contoso/web", since: T0.AddHours(90)); // the newest 60

        Assert.Equal(60, read.Events.Count(e => e.Kind == FlowEventKind.ChangeOpened));
        Assert.Equal(60, read.Events.Count(e => e.Kind == FlowEventKind.CommitAuthored));
        Assert.Equal(2, github.GraphQlRequestsByOperation[ByUpdate]); // page 2 holds the first older one
        Assert.Equal(2, github.GraphQlPointsSpent); // 1 + 3 × 49 = 148 requests per page → 1 point
        Assert.Equal(T0.AddHours(149), read.HighWatermark);
        Assert.Equal(new Domain.Ports.SourceUsage(2, 5000 - 2), read.Usage);
    }

    [Fact]
    public async Task Fetches_the_rest_of_long_lists_for_that_pull_request_only()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        var big = repo.OpenPullRequest("alice", T0, draft: true);
        for (var i = 0; i < 230; i++)
        {
            big.Commit(T0.AddMinutes(i));
        }

        for (var i = 0; i < 105; i++)
        {
            big.Review("bob", SimulatedReviewState.Commented, T0.AddHours(5).AddMinutes(i));
        }

        big.MarkReadyForReview(T0.AddHours(4));
        for (var i = 0; i < 101; i++)
        {
            big.RequestReview("carol", T0.AddHours(4).AddSeconds(i + 1));
        }

        big.Merge(T0.AddHours(9));
        repo.OpenPullRequest("dave", T0.AddHours(1)).Commit(T0).Review("erin", SimulatedReviewState.Approved, T0.AddHours(2));
        using var github = new GitHubSimulator(model);
        using var rest = GitHubSourceHost.For(github, ["contoso/web"], PullRequestsOnly);
        using var graphQl = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(PullRequestsOnly));

        var byRest = await rest.ReadAsync("contoso/web", T0.AddDays(-1));
        github.ResetCounts();
        var byGraphQl = await graphQl.ReadAsync("contoso/web", T0.AddDays(-1));

        Assert.Equal(230, byGraphQl.Events.Count(e => e.Kind == FlowEventKind.CommitAuthored && e.SubjectId == "1"));
        Assert.Equal(105, byGraphQl.Events.Count(e => e.Kind == FlowEventKind.ReviewSubmitted && e.SubjectId == "1"));
        Assert.Equal(101, byGraphQl.Events.Count(e => e.Kind == FlowEventKind.ReviewRequested));
        Assert.True(byGraphQl.Events.Single(e => e.Kind == FlowEventKind.ChangeOpened && e.SubjectId == "1").IsDraft);
        Assert.Equal(Canonical(byRest.Events, restSide: true), Canonical(byGraphQl.Events, restSide: false));
        Assert.Equal(
            new Dictionary<string, int>
            {
                [ByUpdate] = 1,
                [nameof(GitHubGraphQlDocuments.PullRequestCommits)] = 2, // 230 commits: 100 with the list, then 2 pages
                [nameof(GitHubGraphQlDocuments.PullRequestReviews)] = 1,
                [nameof(GitHubGraphQlDocuments.PullRequestTimeline)] = 1,
            },
            github.GraphQlRequestsByOperation);
        Assert.Equal(5, github.GraphQlPointsSpent);
        Assert.Equal(5, byGraphQl.Usage.Requests);
    }

    [Fact]
    public async Task A_pull_request_that_moves_to_the_front_while_paging_is_read_once_and_caught_by_the_next_read()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        for (var i = 0; i < 60; i++)
        {
            repo.OpenPullRequest("alice", T0.AddHours(i));
        }

        using var github = new GitHubSimulator(model);
        var touched = false;
        github.BeforeRender = (path, operation) =>
        {
            // While page 2 is rendered, #11 (first of page 2) is updated: #12 shifts onto page 2, #11 onto page 1.
            if (operation == ByUpdate && github.GraphQlRequestsByOperation.GetValueOrDefault(ByUpdate) == 1 && !touched)
            {
                touched = true;
                repo.PullRequest(11).Touch(T0.AddDays(5));
            }
        };
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(PullRequestsOnly));

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));
        var next = await host.ReadAsync("contoso/web", read.HighWatermark!.Value);

        Assert.True(touched);
        var opened = read.Events.Where(e => e.Kind == FlowEventKind.ChangeOpened).Select(e => e.SubjectId).ToList();
        Assert.Equal(opened.Distinct().Count(), opened.Count); // #12 came twice and was read once
        Assert.Equal(59, opened.Count);
        Assert.Equal(["11", "60"], next.Events.Where(e => e.Kind == FlowEventKind.ChangeOpened).Select(e => e.SubjectId).Order(StringComparer.Ordinal)); // #60: at the watermark
        Assert.Equal(T0.AddDays(5), next.HighWatermark);
    }

    [Fact]
    public async Task Reads_through_the_GitHub_Enterprise_Server_graphql_path()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Merge(T0.AddHours(1));
        using var github = new GitHubSimulator(model, new GitHubSimulatorOptions { PathPrefix = "/api/v3" });
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(PullRequestsOnly));

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged);
        Assert.EndsWith("/api/graphql", github.GraphQlUrl, StringComparison.Ordinal);
        Assert.All(github.Requests, r => Assert.Equal("/api/graphql", r.RawPath));
    }

    [Fact]
    public async Task A_review_whose_comments_were_drafted_before_submission_starts_when_its_first_comment_was_drafted()
    {
        // GitHub's schema: PullRequestReview.createdAt is when the review object was created, which is when its reviewer
        // drafted the first comment of the pending review; submittedAt is when they pressed submit.
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Commit(T0.AddMinutes(-30))
            .Review("bob", SimulatedReviewState.ChangesRequested, T0.AddHours(3), firstCommentAt: T0.AddHours(1))
            .Review("carol", SimulatedReviewState.Approved, T0.AddHours(4))
            .Merge(T0.AddHours(5));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(PullRequestsOnly));

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        var comment = Assert.Single(read.Events, e => e.Kind == FlowEventKind.ReviewCommented);
        Assert.Equal(("bob", T0.AddHours(1)), (comment.Actor, comment.OccurredAt));
        Assert.Equal(
            [("bob", T0.AddHours(3), ReviewState.ChangesRequested), ("carol", T0.AddHours(4), ReviewState.Approved)],
            read.Events.Where(e => e.Kind == FlowEventKind.ReviewSubmitted).Select(e => (e.Actor, e.OccurredAt, e.ReviewState)).OrderBy(r => r.OccurredAt).ToList());
        Assert.Equal(1, github.GraphQlRequestsByOperation[ByUpdate]); // read with the pull request: no request more
        Assert.Equal(1, github.GraphQlPointsSpent);
    }

    [Fact]
    public async Task A_trunk_commit_no_pull_request_is_associated_with_is_a_direct_change_at_its_commit_time()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        var merge = repo.OpenPullRequest("alice", T0).Commit(T0.AddMinutes(-30)).Merge(T0.AddHours(1)).MergeCommitSha!;
        var direct = repo.PushDirect("bob", authoredAt: T0.AddHours(1.5), committedAt: T0.AddHours(2));
        repo.PushDirect("carol", authoredAt: T0.AddDays(-3), committedAt: T0.AddDays(-2)); // before the window
        using var github = new GitHubSimulator(model);
        var settings = new Dictionary<string, string?>(PullRequestsOnly) { ["Sources:GitHub:ReadDirectPushes"] = "true" };
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(settings));

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        // GitHub's schema: Commit.associatedPullRequests lists the pull requests a commit belongs to; the merge commit's is #1.
        Assert.Equal(
            [(FlowEventKind.CommitAuthored, T0.AddHours(1.5)), (FlowEventKind.DirectPush, T0.AddHours(2))],
            read.Events.Where(e => e.SubjectId == direct).Select(e => (e.Kind, e.OccurredAt)).OrderBy(e => e.OccurredAt));
        Assert.All(read.Events.Where(e => e.SubjectId == direct), e => Assert.Equal((direct, "bob", "main"), (e.Sha, e.Actor, e.TargetBranch)));
        Assert.DoesNotContain(read.Events, e => e.Kind == FlowEventKind.DirectPush && e.SubjectId != direct);

        // GitHub's schema: Commit.url is "The HTTP URL for this commit" — the direct push's link (stage_queue.oldest_change_url).
        Assert.Equal($"https://github.com/contoso/web/commit/{direct}", read.Events.Single(e => e.Kind == FlowEventKind.DirectPush).Url);
        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged && e.Sha == merge);
        Assert.Equal(1, github.GraphQlRequestsByOperation[nameof(GitHubGraphQlDocuments.DirectCommits)]); // 2 commits since the window start: 1 point
    }

    [Theory]
    [InlineData("https://api.github.com/", "https://api.github.com/graphql")]
    [InlineData("https://api.github.com", "https://api.github.com/graphql")]
    [InlineData("https://github.example.com/api/v3/", "https://github.example.com/api/graphql")]
    [InlineData("https://github.example.com/api/v3", "https://github.example.com/api/graphql")]
    [InlineData("http://127.0.0.1:5123/", "http://127.0.0.1:5123/graphql")]
    [InlineData("https://proxy.example/github/", "https://proxy.example/github/graphql")]
    public void The_graphql_root_follows_from_the_REST_root(string rest, string graphQl)
    {
        Assert.Equal(new Uri(graphQl), GitHubGraphQlClient.EndpointFor(new Uri(rest)));
    }

    [Theory]
    [InlineData("ghp_bot", "Bot", "ghp_bot[bot]")]
    [InlineData("dependabot", "Bot", "dependabot[bot]")]
    [InlineData("renovate[bot]", "Bot", "renovate[bot]")]
    [InlineData("alice", "User", "alice")]
    [InlineData("contoso", "Organization", "contoso")]
    public void Bots_get_the_login_REST_shows(string login, string typeName, string expected)
    {
        var account = GitHubGraphQlReader.Account(new GraphQlActor { Login = login, TypeName = typeName });

        Assert.Equal(new GitHubAccount(expected, typeName), account);
    }

    [Fact]
    public void Ghost_authors_have_no_account()
    {
        Assert.Null(GitHubGraphQlReader.Account(null));
        Assert.Null(GitHubGraphQlReader.Account(new GraphQlActor { Login = null, TypeName = "User" }));
    }

    /// <summary>
    /// Events in a stable order. One documented difference: GraphQL's commit author is a User, so commits by bots carry
    /// no actor there (REST names the bot); the engine uses only a commit's time and SHA.
    /// </summary>
    internal static List<string> Canonical(IEnumerable<FlowEvent> events, bool restSide) =>
        events
            .Select(e => restSide && e.Kind == FlowEventKind.CommitAuthored && e.ActorIsBot ? e with { Actor = null, ActorIsBot = false } : e)
            .Select(e => string.Join('|', e.Repository.Key, e.SubjectId, e.Kind, e.OccurredAt.ToString("O", CultureInfo.InvariantCulture), e.Sha, e.Actor, e.ActorIsBot, e.IsDraft, e.ReviewState, e.Url, e.TargetBranch, e.ToString()))
            .Order(StringComparer.Ordinal)
            .ToList();
}
