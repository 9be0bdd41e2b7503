using System.Net;
using FlowCollector.Sinks.InfluxDb;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.Http;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Tests.EndToEnd;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>Issue 21's classification rules and messages, case by case (items 3 and 5).</summary>
public sealed class FaultMessageTests
{
    [Fact]
    public async Task A_resilience_option_error_names_the_configuration_key_not_the_pipeline()
    {
        using var scenario = new WorkerScenario();
        var config = scenario.WriteConfig(new Dictionary<string, object?> { ["Sources:GitHub:Resilience:AttemptTimeout:Timeout"] = "00:00:00.0001" });

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("validate", "--config", config);

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Contains("error: Sources:GitHub:Resilience:AttemptTimeout:Timeout must be between 00:00:00.0100000 and 1.00:00:00.", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("github-standard", stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Timeout: The field github-standard.AttemptTimeout.Timeout must be between 00:00:00.0100000 and 1.00:00:00.", "Sources:GitHub:Resilience:AttemptTimeout:Timeout must be between 00:00:00.0100000 and 1.00:00:00.")]
    [InlineData("MaxRetryAttempts: The field azuredevops-standard.Retry.MaxRetryAttempts must be between 1 and 100.", "Sources:AzureDevOps:Resilience:Retry:MaxRetryAttempts must be between 1 and 100.")]
    [InlineData("The field FlowCollector.Sinks.InfluxDb-standard.CircuitBreaker.FailureRatio must be between 0 and 1.", "Sinks:InfluxDb:Resilience:CircuitBreaker:FailureRatio must be between 0 and 1.")]
    [InlineData("Sources:GitHub:Interval is empty.", "Sources:GitHub:Interval is empty.")]
    public void Resilience_messages_are_rewritten_to_the_key_and_others_are_left_alone(string message, string expected) =>
        Assert.Equal(expected, FlowCollector.Worker.Hosting.ResilienceOptionErrors.Rewrite(message));

    [Fact]
    public void A_413_for_one_line_says_the_point_is_too_large_and_which_one_not_lower_BatchSize()
    {
        var options = new InfluxDbSinkOptions();

        var generic = InfluxDbErrors.FromStatus(413, "{\"error\":\"Request Entity Too Large\"}", options, "InfluxDB at x");
        var named = InfluxDbErrors.LineTooLarge("Request Entity Too Large", "change_stage,repo=web,stage=review seconds=1", options, "InfluxDB at x");

        Assert.Contains("a single point is larger than InfluxDB accepts in one request (HTTP 413", generic.Message, StringComparison.Ordinal);
        Assert.Contains("lowering Sinks:InfluxDb:BatchSize does not help", generic.Message, StringComparison.Ordinal);
        Assert.True(generic.Permanent);

        // The line is 44 bytes: the point's key "change_stage,repo=web,stage=review" (34) + " seconds=1" (10).
        Assert.Contains("the point change_stage,repo=web,stage=review is 44 bytes", named.Message, StringComparison.Ordinal);
        Assert.Contains("max-body-size", named.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(203, "<html><body>anything</body></html>", true)] // Azure DevOps' answer to a rejected credential
    [InlineData(200, "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>", true)]
    [InlineData(200, "<html><body><form action=\"https://login.microsoftonline.com/common/oauth2\">x</form></body></html>", true)]
    [InlineData(200, "<html><head><title>Corporate proxy: access denied</title></head></html>", false)]
    [InlineData(200, "<html><head><title>Welcome to nginx!</title></head></html>", false)]
    public void Only_the_sign_in_page_is_the_sign_in_page(int status, string html, bool signIn) =>
        Assert.Equal(signIn, AzureDevOpsSignInPage.IsSignIn(status, html));

    [Fact]
    public void The_rate_limit_reset_is_moved_onto_our_clock_by_the_servers_Date()
    {
        // GitHub's clock says 13:00:00 and the budget resets at 13:00:10; ours says 12:00:00. Ten seconds are left of the
        // window, so on our clock it resets at 12:00:10 — not an hour and ten seconds from now.
        var ours = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var server = ours.AddHours(1);
        using var response = Answer(server, server.AddSeconds(10));

        Assert.Equal(ours.AddSeconds(10), RateLimitHeaders.From(response, ours).Reset);

        // Within the tolerance (5 s: Date's whole seconds, the network) the reset is taken as sent.
        using var close = Answer(ours.AddSeconds(3), ours.AddSeconds(63));
        Assert.Equal(ours.AddSeconds(63), RateLimitHeaders.From(close, ours).Reset);

        // A Date more than a day off is no clock (a broken answer, a fake clock against a real one): taken as sent.
        using var broken = Answer(ours.AddDays(2), ours.AddDays(2).AddSeconds(10));
        Assert.Equal(ours.AddDays(2).AddSeconds(10), RateLimitHeaders.From(broken, ours).Reset);

        // Without our clock (callers that only want the remaining figure) nothing is moved.
        Assert.Equal(server.AddSeconds(10), RateLimitHeaders.From(response).Reset);
    }

    [Fact]
    public void A_body_cut_short_is_recognised_however_it_is_wrapped_and_other_network_errors_are_not()
    {
        var cut = new IOException("The response ended prematurely.");
        Assert.True(ResponseCutException.IsCut(new ResponseCutException(HttpMethod.Get, new Uri("http://x/a"), cut)));
        Assert.True(ResponseCutException.IsCut(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        Assert.True(ResponseCutException.IsCut(new HttpIOException(HttpRequestError.ResponseEnded, "ended")));
        Assert.True(ResponseCutException.IsCut(new HttpRequestException("Error while copying content to a stream.", cut)));
        Assert.False(ResponseCutException.IsCut(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new System.Net.Sockets.SocketException(111))));
        Assert.False(ResponseCutException.IsCut(new InvalidOperationException("x")));
    }

    private static HttpResponseMessage Answer(DateTimeOffset date, DateTimeOffset reset)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.Date = date;
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining", "0");
        response.Headers.TryAddWithoutValidation("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }
}
