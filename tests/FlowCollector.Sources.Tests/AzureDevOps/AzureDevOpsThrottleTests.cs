using System.Net;
using FlowCollector.Sources.AzureDevOps;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>The organisation's throttle: how long each kind of Azure DevOps rate-limit signal pauses the next request.</summary>
public sealed class AzureDevOpsThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    // Each row: response status and headers → how long the next request waits.
    public static TheoryData<string, int, string[], double> Signals => new()
    {
        { "a plain 200", 200, [], 0 },
        { "Retry-After on a 200 (delayed, not yet blocked)", 200, ["Retry-After=5"], 5 },
        { "X-RateLimit-Delay alone", 200, ["X-RateLimit-Delay=2.500"], 2.5 },
        { "the longer of Retry-After and the delay", 200, ["Retry-After=1", "X-RateLimit-Delay=3"], 3 },
        { "budget under a tenth: paced a second apart", 200, ["X-RateLimit-Limit=200", "X-RateLimit-Remaining=19"], 1 },
        { "budget above a tenth: no pause", 200, ["X-RateLimit-Limit=200", "X-RateLimit-Remaining=21"], 0 },
        { "a 429 asking for an hour waits the maximum only", 429, ["Retry-After=3600"], 60 },
    };

    [Theory]
    [MemberData(nameof(Signals))]
    public async Task Rate_limit_headers_pause_the_next_request(string scenario, int status, string[] headers, double expectedSeconds)
    {
        var time = new FakeTimeProvider(T0);
        using var throttle = new AzureDevOpsThrottle(Options.Create(new AzureDevOpsSourceOptions { MaxThrottleWait = TimeSpan.FromMinutes(1) }), time);
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var header in headers)
        {
            var (name, value) = header.Split('=') is [var n, var v] ? (n, v) : throw new ArgumentException(header);
            response.Headers.TryAddWithoutValidation(name, value);
        }

        throttle.Observe(response);
        var waited = await WaitedAsync(throttle, time);

        Assert.True(Math.Abs(expectedSeconds - waited.TotalSeconds) < 0.2, $"{scenario}: waited {waited.TotalSeconds} s, expected {expectedSeconds} s");
    }

    [Fact]
    public async Task Remaining_budget_is_reported_from_the_last_response_that_carried_it()
    {
        using var throttle = new AzureDevOpsThrottle(Options.Create(new AzureDevOpsSourceOptions()), new FakeTimeProvider(T0));
        using var first = new HttpResponseMessage(HttpStatusCode.OK);
        first.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "150");
        using var second = new HttpResponseMessage(HttpStatusCode.OK);

        throttle.Observe(first);
        throttle.Observe(second);

        Assert.Equal(150, throttle.RateLimitRemaining);
        await throttle.WaitForPauseAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task No_more_than_the_configured_requests_are_in_flight()
    {
        using var throttle = new AzureDevOpsThrottle(Options.Create(new AzureDevOpsSourceOptions { MaxConcurrentRequests = 2 }), TimeProvider.System);

        await throttle.EnterAsync(TestContext.Current.CancellationToken);
        await throttle.EnterAsync(TestContext.Current.CancellationToken);
        var third = throttle.EnterAsync(TestContext.Current.CancellationToken);
        var waitedWhileFull = !third.IsCompleted;
        throttle.Release();
        await third.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.True(waitedWhileFull);
        Assert.True(third.IsCompletedSuccessfully);
    }

    /// <summary>Advances fake time in 100 ms steps until the pause is over; returns how much time that took.</summary>
    private static async Task<TimeSpan> WaitedAsync(AzureDevOpsThrottle throttle, FakeTimeProvider time)
    {
        var start = time.GetUtcNow();
        var wait = throttle.WaitForPauseAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 1000 && !wait.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await wait;
        return time.GetUtcNow() - start;
    }
}
