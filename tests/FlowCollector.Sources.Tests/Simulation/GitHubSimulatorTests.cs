using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.Simulation;

/// <summary>The simulator speaks GitHub's dialect: shapes, paging links, auth, budget, conditional requests, faults.</summary>
public sealed class GitHubSimulatorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly SimulatedGitHub model = new();
    private readonly SimulatedRepository web;
    private readonly GitHubSimulator github;
    private readonly HttpClient http = new();

    public GitHubSimulatorTests()
    {
        web = model.AddRepository("contoso/web");
        for (var i = 0; i < 5; i++)
        {
            web.OpenPullRequest("alice", T0.AddHours(i)).Commit(T0.AddHours(i - 1));
        }

        github = new GitHubSimulator(model);
    }

    public void Dispose()
    {
        http.Dispose();
        github.Dispose();
    }

    [Fact]
    public async Task Pages_with_link_headers_in_githubs_format()
    {
        var root = github.Url.TrimEnd('/');
        var list = $"{root}/repositories/{web.Id}/pulls";

        using var first = await Get("repos/contoso/web/pulls?state=all&per_page=2");
        using var middle = await Get(NextLink(first));
        using var last = await Get(NextLink(middle));

        Assert.Equal($"<{list}?state=all&per_page=2&page=2>; rel=\"next\", <{list}?state=all&per_page=2&page=3>; rel=\"last\"", LinkOf(first));
        Assert.Equal(
            $"<{list}?state=all&per_page=2&page=1>; rel=\"prev\", <{list}?state=all&per_page=2&page=3>; rel=\"next\", "
            + $"<{list}?state=all&per_page=2&page=3>; rel=\"last\", <{list}?state=all&per_page=2&page=1>; rel=\"first\"",
            LinkOf(middle));
        Assert.Equal($"<{list}?state=all&per_page=2&page=2>; rel=\"prev\", <{list}?state=all&per_page=2&page=1>; rel=\"first\"", LinkOf(last));
        int[][] pages = [await Numbers(first), await Numbers(middle), await Numbers(last)];
        Assert.Equal(new[] { new[] { 5, 4 }, [3, 2], [1] }, pages);
        Assert.Equal(3, github.RequestsTo("/repos/contoso/web/pulls"));
    }

    [Fact]
    public async Task A_list_that_fits_one_page_has_no_link_header()
    {
        using var response = await Get("repos/contoso/web/pulls?per_page=100");

        var numbers = await Numbers(response);
        Assert.False(response.Headers.Contains("Link"));
        Assert.Equal([5, 4, 3, 2, 1], numbers);
    }

    [Theory]
    [InlineData("", new[] { 5, 4, 3, 2, 1 })] // sort=created, desc by default
    [InlineData("sort=updated", new[] { 1, 2, 3, 5 })] // asc by default for other sorts; #4 updated last
    [InlineData("sort=updated&direction=desc", new[] { 4, 5, 3, 2, 1 })]
    [InlineData("state=closed", new[] { 4 })]
    [InlineData("state=all&base=main&sort=created&direction=asc", new[] { 1, 2, 3, 4, 5 })]
    public async Task Filters_and_sorts_pull_requests_like_github(string query, int[] expected)
    {
        web.PullRequest(4).Merge(T0.AddHours(10));
        var state = query.Contains("state=", StringComparison.Ordinal) ? "" : "state=all&";
        var open = query == "sort=updated" ? "" : state; // "sort=updated" alone lists open ones: #4 is merged

        using var response = await Get($"repos/contoso/web/pulls?{open}{query}");

        var numbers = await Numbers(response);
        Assert.Equal(expected, numbers);
    }

    [Fact]
    public async Task Serves_payloads_shaped_like_githubs()
    {
        web.PullRequest(1).RequestReview("bob", T0.AddHours(1)).Review("bob", SimulatedReviewState.Approved, T0.AddHours(2))
            .PendingReview("carol").Merge(T0.AddHours(3), new string('e', 40));

        using var pulls = JsonDocument.Parse(await (await Get("repos/contoso/web/pulls?state=closed")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var single = JsonDocument.Parse(await (await Get("repos/contoso/web/pulls/1")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var reviews = JsonDocument.Parse(await (await Get("repos/contoso/web/pulls/1/reviews")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var commits = JsonDocument.Parse(await (await Get("repos/contoso/web/pulls/1/commits")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var repository = JsonDocument.Parse(await (await Get("repos/contoso/web")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // Key sets of the recorded GitHub payloads in shared/fixtures/github (pulls-list, pulls-get, pulls-reviews-list, repos-commits-list).
        var pr = pulls.RootElement[0];
        AssertHasKeys(pr, "url id node_id html_url diff_url patch_url issue_url commits_url review_comments_url review_comment_url comments_url statuses_url number state locked title user body labels milestone active_lock_reason created_at updated_at closed_at merged_at merge_commit_sha assignee assignees requested_reviewers requested_teams head base _links author_association draft");
        AssertHasKeys(single.RootElement, "merged mergeable rebaseable mergeable_state merged_by comments review_comments maintainer_can_modify commits additions deletions changed_files");
        AssertHasKeys(pr.GetProperty("user"), "login id node_id avatar_url gravatar_id url html_url followers_url following_url gists_url starred_url subscriptions_url organizations_url repos_url events_url received_events_url type site_admin");
        AssertHasKeys(reviews.RootElement[0], "id node_id user body state html_url pull_request_url _links submitted_at commit_id author_association");
        AssertHasKeys(commits.RootElement[0], "sha node_id commit url html_url comments_url author committer parents");
        AssertHasKeys(commits.RootElement[0].GetProperty("commit"), "author committer message tree url comment_count verification");

        Assert.Equal("2025-03-03T12:00:00Z", pr.GetProperty("merged_at").GetString());
        Assert.Equal(new string('e', 40), pr.GetProperty("merge_commit_sha").GetString());
        Assert.Equal("main", pr.GetProperty("base").GetProperty("ref").GetString());
        Assert.Equal(("alice", "User"), (pr.GetProperty("user").GetProperty("login").GetString(), pr.GetProperty("user").GetProperty("type").GetString()));
        Assert.Equal("https://github.com/contoso/web/pull/1", pr.GetProperty("html_url").GetString());
        Assert.Equal("MDExOlB1bGxSZXF1ZXN0", pr.GetProperty("node_id").GetString()![..20]); // base64 of "011:PullRequest…"
        Assert.Equal(["APPROVED", "PENDING"], reviews.RootElement.EnumerateArray().Select(r => r.GetProperty("state").GetString()));
        Assert.False(reviews.RootElement[1].TryGetProperty("submitted_at", out _)); // pending: not submitted
        Assert.Equal("2025-03-03T08:00:00Z", commits.RootElement[0].GetProperty("commit").GetProperty("author").GetProperty("date").GetString());
        Assert.Equal(("main", false), (repository.RootElement.GetProperty("default_branch").GetString(), repository.RootElement.GetProperty("private").GetBoolean()));
    }

    [Fact]
    public async Task The_timeline_holds_commits_draft_toggles_requests_reviews_merge_and_close_in_time_order()
    {
        var pr = web.OpenPullRequest("bob", T0.AddHours(10), draft: true).Commit(T0.AddHours(9)).MarkReadyForReview(T0.AddHours(11))
            .RequestReview("carol", T0.AddHours(11)).Review("carol", SimulatedReviewState.ChangesRequested, T0.AddHours(12)).PendingReview("dave")
            .Merge(T0.AddHours(13));

        using var response = await Get($"repos/contoso/web/issues/{pr.Number}/timeline");
        using var timeline = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            ["committed", "ready_for_review", "review_requested", "reviewed", "merged", "closed"],
            timeline.RootElement.EnumerateArray().Select(e => e.GetProperty("event").GetString()));
        var requested = timeline.RootElement[2];
        Assert.Equal("carol", requested.GetProperty("requested_reviewer").GetProperty("login").GetString());
        Assert.Equal("2025-03-03T20:00:00Z", requested.GetProperty("created_at").GetString());
        Assert.Equal("changes_requested", timeline.RootElement[3].GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("token " + GitHubSimulator.DefaultToken, HttpStatusCode.OK)]
    [InlineData("Token " + GitHubSimulator.DefaultToken, HttpStatusCode.OK)]
    [InlineData("Bearer " + GitHubSimulator.DefaultToken, HttpStatusCode.OK)]
    [InlineData("token ghp_other", HttpStatusCode.Unauthorized)]
    [InlineData("Basic " + GitHubSimulator.DefaultToken, HttpStatusCode.Unauthorized)]
    public async Task Requires_the_configured_token(string? authorization, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, github.Url + "repos/contoso/web");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal(
                """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}""",
                await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Unknown_repositories_and_pull_requests_are_not_found()
    {
        using var repository = await Get("repos/contoso/nope");
        using var pull = await Get("repos/contoso/web/pulls/99/commits");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (repository.StatusCode, pull.StatusCode));
        Assert.Equal(
            """{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}""",
            await repository.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Every_response_carries_a_decreasing_rate_limit_budget()
    {
        github.RateLimitReset = T0;

        using var first = await Get("repos/contoso/web");
        using var second = await Get("repos/contoso/web/pulls");
        using var rejected = await Get("repos/contoso/web", token: "wrong");

        Assert.Equal(("5000", "4999", "1", "1740992400", "core"), RateHeaders(first));
        Assert.Equal(("5000", "4998", "2", "1740992400", "core"), RateHeaders(second));
        Assert.Equal("4998", Header(rejected, "x-ratelimit-remaining"));
    }

    [Fact]
    public async Task An_exhausted_budget_answers_403_rate_limit_exceeded()
    {
        github.RateLimitRemaining = 0;

        using var response = await Get("repos/contoso/web");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("API rate limit exceeded", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("0", Header(response, "x-ratelimit-remaining"));
    }

    [Fact]
    public async Task A_conditional_request_for_unchanged_data_is_304_and_free()
    {
        using var first = await Get("repos/contoso/web/pulls");
        var etag = Header(first, "ETag");

        using var unchanged = await Get("repos/contoso/web/pulls", ifNoneMatch: etag);
        web.PullRequest(5).Touch(T0.AddDays(1));
        using var changed = await Get("repos/contoso/web/pulls", ifNoneMatch: etag);

        Assert.StartsWith("W/\"", etag, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotModified, "4999"), (unchanged.StatusCode, Header(unchanged, "x-ratelimit-remaining")));
        Assert.Equal((HttpStatusCode.OK, "4998"), (changed.StatusCode, Header(changed, "x-ratelimit-remaining")));
    }

    [Fact]
    public async Task Injected_faults_hit_the_matching_path_the_given_number_of_times()
    {
        github.FailNext("/repos/contoso/web/pulls/*/commits", times: 2, HttpStatusCode.ServiceUnavailable);

        using var a = await Get("repos/contoso/web/pulls/1/commits");
        using var other = await Get("repos/contoso/web/pulls/1/reviews");
        using var b = await Get("repos/contoso/web/pulls/2/commits");
        using var c = await Get("repos/contoso/web/pulls/2/commits");

        Assert.Equal(
            [HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK],
            [a.StatusCode, other.StatusCode, b.StatusCode, c.StatusCode]);
        Assert.Equal(4, github.RequestCount);
        Assert.Equal(3, github.RequestsTo("/repos/contoso/web/pulls/*/commits"));
        Assert.Equal(2, github.RequestCountsByPath["/repos/contoso/web/pulls/2/commits"]);
    }

    private static void AssertHasKeys(JsonElement element, string keys)
    {
        var actual = element.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = keys.Split(' ').Where(k => !actual.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "missing keys: " + string.Join(", ", missing));
    }

    private static string NextLink(HttpResponseMessage response) =>
        LinkOf(response).Split(", ").Single(l => l.EndsWith("rel=\"next\"", StringComparison.Ordinal)).Split('>')[0].TrimStart('<');

    private static string LinkOf(HttpResponseMessage response) => Header(response, "Link") ?? "";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static (string?, string?, string?, string?, string?) RateHeaders(HttpResponseMessage r) =>
        (Header(r, "x-ratelimit-limit"), Header(r, "x-ratelimit-remaining"), Header(r, "x-ratelimit-used"), Header(r, "x-ratelimit-reset"), Header(r, "x-ratelimit-resource"));

    private static async Task<int[]> Numbers(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. json.RootElement.EnumerateArray().Select(pr => pr.GetProperty("number").GetInt32())];
    }

    private async Task<HttpResponseMessage> Get(string pathOrUrl, string? token = null, string? ifNoneMatch = null)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : github.Url + pathOrUrl;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("token", token ?? github.Token);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
