using System.Net;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub.RateLimiting;

/// <summary>
/// A whole read of the GitHub source (as production registers it) against the simulator, on a fake clock: rate limits
/// are waited out as GitHub asks and the read succeeds; only past MaxWait/MaxRetries does the clear error come back.
/// </summary>
public sealed class GitHubRateLimitedReadTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_exhausted_budget_is_waited_out_until_the_reset_and_the_read_succeeds()
    {
        using var scenario = new Scenario(nameof(An_exhausted_budget_is_waited_out_until_the_reset_and_the_read_succeeds));
        scenario.GitHub.RateLimitRemaining = 0;
        scenario.GitHub.RateLimitReset = T0.AddMinutes(42);

        var read = await scenario.ReadAsync();

        Assert.Equal(T0.AddHours(1), read.HighWatermark);
        Assert.Contains(read.Events, e => e.Kind == FlowCollector.Domain.Events.FlowEventKind.ChangeMerged);
        Assert.Equal(new[] { ("primary", (42 * 60) + 1d) }, scenario.Waits.All);
        Assert.Equal(1, scenario.GitHub.RateLimitedAnswers);
        Assert.Equal(2, scenario.GitHub.RequestsTo("/repos/contoso/web"));
    }

    [Fact]
    public async Task A_secondary_limit_without_retry_after_backs_off_from_a_minute_and_gives_up_after_MaxRetries()
    {
        using var scenario = new Scenario(nameof(A_secondary_limit_without_retry_after_backs_off_from_a_minute_and_gives_up_after_MaxRetries), maxRetries: 3);
        scenario.GitHub.FailNextWithSecondaryRateLimit("/repos/contoso/web/pulls", times: 10);

        var error = await Assert.ThrowsAsync<SourceException>(() => scenario.ReadAsync());

        Assert.Equal(new[] { ("secondary", 60d), ("secondary", 120d), ("secondary", 240d) }, scenario.Waits.All);
        Assert.Equal(4, scenario.GitHub.RequestsTo("/repos/contoso/web/pulls"));
        Assert.Equal(
            "GitHub secondary rate limit hit while reading contoso/web (403); wait at least a minute. The collector waited as long as Sources:GitHub:RateLimit:MaxWait and :MaxRetries allow. "
            + "Nothing after the watermark was lost; the next run continues from it. Poll less often (Sources:GitHub:Interval), allow a longer wait, or use a token with a larger budget.",
            error.Message);
        Assert.DoesNotContain(scenario.GitHub.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_graphql_RATE_LIMITED_answer_is_waited_out_and_the_query_sent_again()
    {
        using var scenario = new Scenario(nameof(A_graphql_RATE_LIMITED_answer_is_waited_out_and_the_query_sent_again), api: "GraphQl");
        scenario.GitHub.RateLimitReset = T0.AddMinutes(3);
        scenario.GitHub.FailNextGraphQl(new GitHubGraphQlFault { ErrorType = "RATE_LIMITED", Message = "API rate limit exceeded for user ID 1.", Operation = "PullRequestsByUpdate" });

        var read = await scenario.ReadAsync();

        Assert.Equal(T0.AddHours(1), read.HighWatermark);
        Assert.Equal(new[] { ("primary", 181d) }, scenario.Waits.All);
        Assert.Equal(2, scenario.GitHub.GraphQlRequestsByOperation["PullRequestsByUpdate"]);
    }

    /// <summary>One merged pull request in contoso/web, a simulator with an hourly window on a fake clock, and a token of the test's own.</summary>
    private sealed class Scenario : IDisposable
    {
        private readonly GitHubSourceHost host;
        private readonly FakeTimeProvider time = new(T0);

        public Scenario(string test, int? maxRetries = null, TimeSpan? maxWait = null, string api = "Rest")
        {
            var model = new SimulatedGitHub();
            model.AddRepository("contoso/web").OpenPullRequest("alice", T0.AddHours(-2)).Merge(T0.AddHours(1));
            var token = "ghp_" + test.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + "_never_shown";
            GitHub = new GitHubSimulator(model, new GitHubSimulatorOptions { Time = time, Token = token, RateLimitWindow = TimeSpan.FromHours(1) });
            Waits = new RateLimitWaits(token);
            var settings = new Dictionary<string, string?> { ["Sources:GitHub:Api"] = api, ["Sources:GitHub:ReadDeployments"] = "false" };
            if (maxRetries is { } retries)
            {
                settings[$"{GitHubRateLimitOptions.SectionName}:MaxRetries"] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (maxWait is { } wait)
            {
                settings[$"{GitHubRateLimitOptions.SectionName}:MaxWait"] = wait.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }

            host = GitHubSourceHost.For(GitHub, ["contoso/web"], settings, time);
        }

        public GitHubSimulator GitHub { get; }

        public RateLimitWaits Waits { get; }

        public Task<SourceReadResult> ReadAsync() => Waits.DriveAsync(time, host.ReadAsync("contoso/web", T0.AddDays(-1)));

        public void Dispose()
        {
            host.Dispose();
            Waits.Dispose();
            GitHub.Dispose();
        }
    }
}
