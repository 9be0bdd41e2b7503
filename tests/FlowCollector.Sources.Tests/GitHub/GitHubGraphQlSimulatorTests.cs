using System.Net.Http.Json;
using System.Text.Json;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>The simulator's GraphQL endpoint: GitHub's cost formula, worked by hand, and GitHub's refusal of unknown fields.</summary>
public sealed class GitHubGraphQlSimulatorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, object, int> Costs => new()
    {
        // No connection at all: 0 requests → the minimum of 1 point.
        { "query Q { rateLimit { cost } }", new { }, 1 },

        // 1 + 3 × 49 = 148 requests → 1.48 → 1 point.
        { GitHubGraphQlDocuments.PullRequestsByUpdate, new { owner = "contoso", name = "web", first = 49, nested = 100 }, 1 },

        // 1 + 3 × 50 = 151 → 2; 1 + 3 × 100 = 301 → 3.
        { GitHubGraphQlDocuments.PullRequestsByUpdate, new { owner = "contoso", name = "web", first = 50, nested = 100 }, 2 },
        { GitHubGraphQlDocuments.PullRequestsByUpdate, new { owner = "contoso", name = "web", first = 100, nested = 1 }, 3 },

        // GitHub's documented example shape: 1 (pull requests) + 100 (reviews of each) + 100 × 50 (comments of each review) = 5,101 → 51.
        {
            "query Q { rateLimit { cost } repository(owner: \"contoso\", name: \"web\") { pullRequests(first: 100) { nodes { reviews(first: 50) { nodes { comments(first: 60) { totalCount } } } } } } }",
            new { }, 51
        },

        // A follow-up page of one list: 1 request → 1 point.
        { GitHubGraphQlDocuments.PullRequestCommits, new { owner = "contoso", name = "web", number = 1, nested = 100 }, 1 },

        // Deployments: 1 + 100 (statuses of each) = 101 → 1 point.
        { GitHubGraphQlDocuments.Deployments, new { owner = "contoso", name = "web", first = 100, nested = 100 }, 1 },
        { GitHubGraphQlDocuments.DeploymentStatuses, new { id = "DE_missing", nested = 100 }, 1 },

        // Trunk history: 1 + 100 (parents of each) = 101 → 1 point per 100 commits.
        { GitHubGraphQlDocuments.TrunkHistory, new { owner = "contoso", name = "web", first = 100, nested = 100 }, 1 },
    };

    [Theory]
    [MemberData(nameof(Costs))]
    public async Task Charges_GitHubs_cost(string query, object variables, int points)
    {
        using var github = Simulator();

        var answer = await Post(github, query, variables);

        Assert.Equal(points, github.GraphQlPointsSpent);
        if (answer.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("rateLimit", out var rateLimit) && rateLimit.TryGetProperty("cost", out var cost))
        {
            Assert.Equal(points, cost.GetInt32());
        }
    }

    [Fact]
    public async Task Refuses_a_field_GitHub_does_not_have()
    {
        using var github = Simulator();

        var answer = await Post(github, "query Q { repository(owner: \"contoso\", name: \"web\") { pullRequests(first: 1) { nodes { mergeCommitSha } } } }", new { });

        Assert.False(answer.RootElement.TryGetProperty("data", out _));
        Assert.Equal("Field 'mergeCommitSha' doesn't exist on type 'PullRequest'", answer.RootElement.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Shows_bots_as_GraphQL_does()
    {
        using var github = Simulator();

        var answer = await Post(github, GitHubGraphQlDocuments.PullRequestsByUpdate, new { owner = "contoso", name = "web", first = 49, nested = 100 });

        var pr = answer.RootElement.GetProperty("data").GetProperty("repository").GetProperty("pullRequests").GetProperty("nodes")[0];
        Assert.Equal("dependabot", pr.GetProperty("author").GetProperty("login").GetString());
        Assert.Equal("Bot", pr.GetProperty("author").GetProperty("__typename").GetString());
        Assert.Equal(JsonValueKind.Null, pr.GetProperty("commits").GetProperty("nodes")[0].GetProperty("commit").GetProperty("author").GetProperty("user").ValueKind);
    }

    [Fact]
    public async Task Serves_deployments_and_trunk_history_as_GraphQL_spells_them()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        repo.Push("aaaa", T0).Push("bbbb", T0.AddHours(1));
        var deployment = repo.Deploy("production", "bbbb", T0.AddHours(2), T0.AddHours(2).AddMinutes(1), T0.AddHours(2).AddMinutes(5));
        using var github = new GitHubSimulator(model);

        var deployments = await Post(github, GitHubGraphQlDocuments.Deployments, new { owner = "contoso", name = "web", first = 100, nested = 100 });
        var history = await Post(github, GitHubGraphQlDocuments.TrunkHistory, new { owner = "contoso", name = "web", first = 1, nested = 100 });

        var node = deployments.RootElement.GetProperty("data").GetProperty("repository").GetProperty("deployments").GetProperty("nodes")[0];
        Assert.Equal((deployment.Id, "bbbb", "production"), (node.GetProperty("databaseId").GetInt64(), node.GetProperty("commitOid").GetString(), node.GetProperty("environment").GetString()));
        Assert.Equal(["IN_PROGRESS", "SUCCESS"], node.GetProperty("statuses").GetProperty("nodes").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        var page = history.RootElement.GetProperty("data").GetProperty("repository").GetProperty("defaultBranchRef").GetProperty("target").GetProperty("history");
        var head = page.GetProperty("nodes")[0];
        Assert.Equal("bbbb", head.GetProperty("oid").GetString());
        Assert.Equal("aaaa", head.GetProperty("parents").GetProperty("nodes")[0].GetProperty("oid").GetString());
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
    }

    private static GitHubSimulator Simulator()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("dependabot[bot]", T0).Commit(T0.AddMinutes(-5));
        return new GitHubSimulator(model);
    }

    private static async Task<JsonDocument> Post(GitHubSimulator github, string query, object variables)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, github.GraphQlUrl) { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("bearer", github.Token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
