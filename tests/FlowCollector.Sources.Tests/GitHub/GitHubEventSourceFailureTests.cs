using System.Net;
using FlowCollector.Domain.Ports;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Expected failures become one actionable line without the token; transient ones are retried.</summary>
public sealed class GitHubEventSourceFailureTests
{
    private const string WrongToken = "ghp_WrongTokenThatMustNeverBeEchoed0000";
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_rejected_token_says_which_key_to_fix_and_never_echoes_it()
    {
        using var github = new GitHubSimulator(OneMergedPullRequest());
        using var host = GitHubSourceHost.For(github, ["contoso/web"], new Dictionary<string, string?> { ["Sources:GitHub:Token"] = WrongToken });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));
        var requestsOfTheRead = github.RequestCount;
        var check = await host.Source.CheckAsync(GitHubSourceHost.Repo("contoso/web"), TestContext.Current.CancellationToken);

        Assert.Equal("GitHub rejected the token for contoso/web (401 Bad credentials): check Sources:GitHub:Token.", error.Message);
        Assert.Equal((false, error.Message), (check.Ok, check.Message));
        Assert.DoesNotContain(WrongToken, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, requestsOfTheRead); // a 401 is not retried
    }

    [Fact]
    public async Task An_unknown_repository_points_at_the_repository_list()
    {
        using var github = new GitHubSimulator(OneMergedPullRequest());
        using var host = GitHubSourceHost.For(github, ["contoso/missing"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/missing", T0.AddDays(-1)));

        Assert.Equal(
            "GitHub repository contoso/missing was not found or is not visible to the token (404 Not Found): check Sources:GitHub:Repositories and that Sources:GitHub:Token can read the repository.",
            error.Message);
        Assert.DoesNotContain(github.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_reports_the_default_branch()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web", defaultBranch: "trunk", isPrivate: true);
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var check = await host.Source.CheckAsync(GitHubSourceHost.Repo("contoso/web"), TestContext.Current.CancellationToken);

        Assert.Equal((true, "default branch trunk"), (check.Ok, check.Message));
    }

    [Fact]
    public async Task A_transient_503_is_retried()
    {
        using var github = new GitHubSimulator(OneMergedPullRequest());
        github.FailNext("/repos/contoso/web/pulls", times: 1, HttpStatusCode.ServiceUnavailable);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        Assert.Equal(2, read.Events.Count);
        Assert.Equal([503, 200], github.Requests.Where(r => r.Path == "/repos/contoso/web/pulls").Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_lasting_outage_fails_after_the_retries_naming_the_endpoint()
    {
        using var github = new GitHubSimulator(OneMergedPullRequest());
        github.FailNext("/repos/contoso/web/pulls/*/reviews", times: 100, HttpStatusCode.BadGateway);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], new Dictionary<string, string?> { ["Sources:GitHub:Resilience:Retry:MaxRetryAttempts"] = "2" });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.Equal(
            "GitHub answered 502 Bad Gateway for GET /repos/contoso/web/pulls/1/reviews?per_page=100 (contoso/web) after retries; the next run tries again.",
            error.Message);
        Assert.Equal(3, github.RequestsTo("/repos/contoso/web/pulls/1/reviews"));
    }

    [Fact]
    public async Task An_exhausted_rate_limit_that_resets_later_than_MaxWait_says_when_the_budget_resets()
    {
        // Within Sources:GitHub:RateLimit:MaxWait the read waits for the reset (RateLimiting/GitHubRateLimitedReadTests); past it, it fails at once.
        var time = new FakeTimeProvider(T0);
        using var github = new GitHubSimulator(OneMergedPullRequest(), new GitHubSimulatorOptions { Time = time });
        github.RateLimitReset = T0.AddMinutes(42);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], new Dictionary<string, string?> { ["Sources:GitHub:RateLimit:MaxWait"] = "00:10:00" }, time: time);
        github.RateLimitRemaining = 0;

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.Equal(
            "GitHub rate limit exhausted while reading contoso/web (403, 0 of 5000 requests left); the budget resets at 2025-03-03T09:42:00Z (in 42 min). "
            + "The collector waited as long as Sources:GitHub:RateLimit:MaxWait and :MaxRetries allow. Nothing after the watermark was lost; the next run continues from it. "
            + "Poll less often (Sources:GitHub:Interval), allow a longer wait, or use a token with a larger budget.",
            error.Message);
        Assert.Equal(1, github.RequestCount);
    }

    [Fact]
    public async Task A_secondary_rate_limit_429_is_waited_out_for_its_retry_after_and_the_read_succeeds()
    {
        var time = new FakeTimeProvider(T0);
        const string token = "ghp_SecondaryLimit429Test0000000000000";
        using var github = new GitHubSimulator(OneMergedPullRequest(), new GitHubSimulatorOptions { Time = time, Token = token });
        github.FailNext("/repos/contoso/web/pulls", times: 1, HttpStatusCode.TooManyRequests,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", new Dictionary<string, string> { ["retry-after"] = "60" });
        using var host = GitHubSourceHost.For(github, ["contoso/web"], time: time);
        using var waits = new RateLimiting.RateLimitWaits(token);

        var read = await waits.DriveAsync(time, host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.Equal(new[] { ("secondary", 60d) }, waits.All);
        Assert.Equal(2, github.RequestsTo("/repos/contoso/web/pulls"));
        Assert.Equal(T0.AddHours(1), read.HighWatermark);
    }

    [Fact]
    public async Task A_forbidden_repository_asks_for_read_access()
    {
        using var github = new GitHubSimulator(OneMergedPullRequest());
        github.FailNext("/repos/contoso/web", times: 1, HttpStatusCode.Forbidden, "Resource not accessible by personal access token");
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.Equal(
            "GitHub refused GET /repos/contoso/web for contoso/web (403 Resource not accessible by personal access token): give the token read access to the repository's pull requests, contents and metadata (Sources:GitHub:Token).",
            error.Message);
    }

    [Theory]
    [InlineData("not json at all", "GitHub returned a malformed payload for GET /repos/contoso/web/pulls?state=all&sort=updated&direction=desc&per_page=100 (contoso/web): ")]
    [InlineData("""[{"number": 1, "updated_at": "2025-03-03T09:00:00Z", "created_at": "2025-03-03T09:00:00Z", "html_url": "https://github.com/contoso/web/pull/1"}]""",
        "GitHub returned a malformed payload for GET /repos/contoso/web/pulls (contoso/web): a pull request without number, created_at, updated_at, base.ref or html_url (number 1).")]
    public async Task A_malformed_payload_names_the_endpoint(string pullsBody, string expectedStart)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/repos/contoso/web").UsingGet())
            .RespondWith(Json("""{"id": 1, "name": "web", "default_branch": "main"}"""));
        server.Given(Request.Create().WithPath("/repos/contoso/web/pulls").UsingGet())
            .RespondWith(Json(pullsBody));
        using var host = new GitHubSourceHost(new Dictionary<string, string?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = server.Url + "/",
            ["Sources:GitHub:Token"] = WrongToken,
            ["Sources:GitHub:Repositories:0"] = "contoso/web",
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.True(error.Message.StartsWith(expectedStart, StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain(WrongToken, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_link_to_another_host_is_not_followed()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/repos/contoso/web").UsingGet())
            .RespondWith(Json("""{"id": 1, "name": "web", "default_branch": "main"}"""));
        server.Given(Request.Create().WithPath("/repos/contoso/web/pulls").UsingGet())
            .RespondWith(Json("""[{"number": 1, "updated_at": "2025-03-03T09:00:00Z", "created_at": "2025-03-03T09:00:00Z", "html_url": "https://github.com/contoso/web/pull/1", "base": {"ref": "feature"}}]""")
                .WithHeader("Link", "<https://collector.example/steal?page=2>; rel=\"next\""));
        using var host = new GitHubSourceHost(new Dictionary<string, string?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = server.Url + "/",
            ["Sources:GitHub:Token"] = WrongToken,
            ["Sources:GitHub:Repositories:0"] = "contoso/web",
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.True(error.Message.Contains("points to https://collector.example", StringComparison.Ordinal), error.Message);
        Assert.Equal(2, server.LogEntries.Count);
    }

    [Fact]
    public async Task An_unreachable_server_names_the_base_address_setting()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var host = new GitHubSourceHost(new Dictionary<string, string?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = $"http://127.0.0.1:{port}/",
            ["Sources:GitHub:Token"] = WrongToken,
            ["Sources:GitHub:Repositories:0"] = "contoso/web",
            ["Sources:GitHub:Resilience:Retry:Delay"] = "00:00:00",
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.StartsWith($"Could not reach GitHub at http://127.0.0.1:{port}/ for contoso/web (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("); check Sources:GitHub:ApiBaseAddress and the network.", error.Message, StringComparison.Ordinal);
    }

    // WithBody's second argument is a body destination, not a content type; Octokit only parses application/json.
    private static IResponseBuilder Json(string body) =>
        Response.Create().WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);

    private static SimulatedGitHub OneMergedPullRequest()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Merge(T0.AddHours(1));
        return model;
    }
}
