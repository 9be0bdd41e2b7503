using System.Net;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>GraphQL faults become one actionable <see cref="SourceException"/>; nothing is half-returned, so the watermark stays.</summary>
public sealed class GitHubGraphQlFailureTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string?, string> ErrorTypes => new()
    {
        { "FORBIDDEN", "Resource not accessible by integration", "GitHub refused POST /graphql (PullRequestsByUpdate) for contoso/web (Resource not accessible by integration): give Sources:GitHub:Token read access" },
        { "NOT_FOUND", "Could not resolve to a Repository with the name 'contoso/web'.", "GitHub repository contoso/web was not found or is not visible to the token (POST /graphql (PullRequestsByUpdate): Could not resolve" },
        { "INTERNAL", "Something went wrong while executing your query.", "GitHub answered POST /graphql (PullRequestsByUpdate) for contoso/web with GraphQL errors INTERNAL (Something went wrong" },
    };

    [Theory]
    [MemberData(nameof(ErrorTypes))]
    public async Task An_errors_array_names_what_to_fix(string type, string? message, string expectedStart)
    {
        using var scenario = Scenario();
        scenario.GitHub.FailNextGraphQl(new GitHubGraphQlFault { ErrorType = type, Message = message! });

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.True(error.Message.StartsWith(expectedStart, StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain(scenario.GitHub.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_access_to_deployments_is_told_which_permission_or_switch_fixes_it()
    {
        using var scenario = Scenario();
        scenario.GitHub.FailNextGraphQl(new GitHubGraphQlFault { ErrorType = "FORBIDDEN", Message = "Resource not accessible by integration", Operation = "Deployments" });

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.StartsWith("GitHub refused POST /graphql (Deployments) for contoso/web (Resource not accessible by integration)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Deployments: read", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:ReadDeployments", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exhausted_budget_of_points_is_waited_out_until_it_resets()
    {
        // A RATE_LIMITED answer is no longer an error the run fails on (GitHubRateLimitedReadTests has the other shapes).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        const string token = "ghp_GraphQlPointsExhaustedTest00000000";
        using var github = new GitHubSimulator(Model(), new GitHubSimulatorOptions { Time = time, Token = token, RateLimitWindow = TimeSpan.FromHours(1) });
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(), time);
        using var waits = new RateLimiting.RateLimitWaits(token);
        github.GraphQlPointsRemaining = 0;
        github.RateLimitReset = T0.AddMinutes(5);

        var read = await waits.DriveAsync(time, host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.Equal(new[] { ("primary", 301d) }, waits.All);
        Assert.Equal(1, github.RateLimitedAnswers);
        Assert.Equal(T0.AddHours(1), read.HighWatermark);
    }

    [Fact]
    public async Task A_repository_the_token_cannot_see_names_the_repositories_key()
    {
        using var scenario = Scenario();

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/gone", T0.AddDays(-1)));

        Assert.Contains("GitHub repository contoso/gone was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("check Sources:GitHub:Repositories", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_names_the_token_key()
    {
        var model = Model();
        using var github = new GitHubSimulator(model, new GitHubSimulatorOptions { Token = "ghp_other" });
        using var host = GitHubSourceHost.For(github, ["contoso/web"], GitHubSourceHost.GraphQl(new Dictionary<string, string?> { ["Sources:GitHub:Token"] = "ghp_wrong" }));

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.StartsWith("GitHub rejected the token for contoso/web (401 Bad credentials) at POST /graphql (PullRequestsByUpdate): check Sources:GitHub:Token.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_wrong", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_off_body_is_a_malformed_payload()
    {
        using var scenario = Scenario();
        scenario.GitHub.FailNextGraphQl(new GitHubGraphQlFault { MalformedJson = true });

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.StartsWith("GitHub returned a malformed payload for POST /graphql (PullRequestsByUpdate) (contoso/web): not the expected JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_with_errors_is_refused_as_a_whole()
    {
        using var scenario = Scenario();
        scenario.GitHub.FailNextGraphQl(new GitHubGraphQlFault { WithData = true, ErrorType = "SERVICE_UNAVAILABLE", Message = "Timeout on some nodes" });

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)));

        Assert.Contains("GraphQL errors SERVICE_UNAVAILABLE (Timeout on some nodes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fault_on_a_follow_up_page_fails_the_whole_read_and_the_next_read_succeeds()
    {
        using var scenario = Scenario(commits: 150); // the first pull request needs a second commits page
        var github = scenario.GitHub;
        github.BeforeRender = (_, operation) =>
        {
            if (operation == nameof(GitHubGraphQlDocuments.PullRequestsByUpdate) && github.GraphQlRequestsByOperation.Count == 0)
            {
                github.FailNextGraphQl(new GitHubGraphQlFault { MalformedJson = true });
            }
        };

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)));
        github.BeforeRender = null;
        var read = await scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1));

        Assert.Contains("POST /graphql (PullRequestCommits)", error.Message, StringComparison.Ordinal);
        Assert.Equal(150, read.Events.Count(e => e.Kind == Domain.Events.FlowEventKind.CommitAuthored));
        Assert.NotNull(read.HighWatermark);
    }

    [Fact]
    public async Task Bad_gateways_are_retried_then_reported()
    {
        using var scenario = Scenario();
        scenario.GitHub.FailNext("/graphql", 2, HttpStatusCode.BadGateway);

        var read = await scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)); // the resilience handler retries

        Assert.Single(read.Events, e => e.Kind == Domain.Events.FlowEventKind.ChangeMerged);

        scenario.GitHub.FailNext("/graphql", 20, HttpStatusCode.BadGateway);
        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1)));
        Assert.StartsWith("GitHub answered 502 Bad Gateway for POST /graphql (PullRequestsByUpdate) (contoso/web) after retries; the next run tries again.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_counts_queries_and_the_scarcer_budget()
    {
        using var scenario = Scenario();
        scenario.GitHub.RateLimitRemaining = 4000;

        var read = await scenario.Host.ReadAsync("contoso/web", T0.AddDays(-1));

        // 1 GraphQL query each for the pull requests, the direct commits of the default branch, the deployments and — the
        // repository has never had a deployment — the releases that stand in for them (Sources:GitHub:DeploymentFallback),
        // 1 REST page for the runs.
        Assert.Equal(5, read.Usage.Requests);
        Assert.Equal(scenario.GitHub.RequestCount, read.Usage.Requests);
        Assert.Equal(4, scenario.GitHub.GraphQlPointsSpent);
        Assert.Equal(4000 - 1, read.Usage.RateLimitRemaining); // REST: 3,999 left; GraphQL: 4,996 points left
    }

    [Fact]
    public void The_api_option_is_validated()
    {
        var result = new GitHubSourceOptionsRulesValidator().Validate(null, new GitHubSourceOptions { Api = (GitHubApi)7 });

        Assert.Equal(["Sources:GitHub:Api is '7' but must be GraphQl or Rest; leave it out for GraphQl."], result.Failures);
        Assert.Equal(GitHubApi.GraphQl, new GitHubSourceOptions().Api);
    }

    private static SimulatedGitHub Model(int commits = 1)
    {
        var model = new SimulatedGitHub();
        var pr = model.AddRepository("contoso/web").OpenPullRequest("alice", T0);
        for (var i = 0; i < commits; i++)
        {
            pr.Commit(T0.AddMinutes(-i - 1));
        }

        pr.Merge(T0.AddHours(1));
        return model;
    }

    private static Fixture Scenario(int commits = 1) => new(Model(commits));

    private sealed class Fixture : IDisposable
    {
        public Fixture(SimulatedGitHub model)
        {
            GitHub = new GitHubSimulator(model);
            Host = GitHubSourceHost.For(GitHub, ["contoso/web", "contoso/gone"], GitHubSourceHost.GraphQl());
        }

        public GitHubSimulator GitHub { get; }

        public GitHubSourceHost Host { get; }

        public void Dispose()
        {
            Host.Dispose();
            GitHub.Dispose();
        }
    }
}
