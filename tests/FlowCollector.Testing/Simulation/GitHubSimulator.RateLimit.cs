using System.Net;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// The simulator's rate limits over time: a budget that GitHub refills every window (<see cref="GitHubSimulatorOptions.RateLimitWindow"/>),
/// what each window spent, how often the simulator refused a request for a rate limit, and GitHub's secondary-limit answer.
/// </summary>
public sealed partial class GitHubSimulator
{
    /// <summary>GitHub's text for a secondary rate limit (403 or 429).</summary>
    public const string SecondaryRateLimitMessage =
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID SIM0:0000.";

    private readonly List<RateLimitWindowUsage> windows = [];
    private int rateLimitedAnswers;

    /// <summary>Answers that refused a request for a rate limit: primary 403/429, GraphQL <c>RATE_LIMITED</c>, injected secondary limits.</summary>
    public int RateLimitedAnswers => Volatile.Read(ref rateLimitedAnswers);

    /// <summary>With <see cref="GitHubSimulatorOptions.RateLimitWindow"/>: every window so far, with the REST requests and GraphQL points it spent.</summary>
    public IReadOnlyList<RateLimitWindowUsage> RateLimitWindows
    {
        get
        {
            lock (counters)
            {
                RecordWindowSpending();
                return [.. windows];
            }
        }
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> requests to <paramref name="path"/> answer GitHub's secondary rate limit:
    /// <paramref name="status"/> (403 by default, as GitHub mostly sends it) with its message, the budget headers as
    /// usual (remaining not 0), and <c>retry-after</c> only when <paramref name="retryAfter"/> is given.
    /// </summary>
    public void FailNextWithSecondaryRateLimit(string path, int times, TimeSpan? retryAfter = null, HttpStatusCode status = HttpStatusCode.Forbidden)
    {
        var headers = retryAfter is { } after
            ? new Dictionary<string, string> { ["retry-after"] = ((long)after.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null;
        FailNext(path, times, status, SecondaryRateLimitMessage, headers);
    }

    /// <summary>Called before every answer: starts a new window (a full budget) once the current one has reset.</summary>
    private void RollRateLimitWindow()
    {
        if (options.RateLimitWindow is not { } window)
        {
            return;
        }

        var now = options.Time.GetUtcNow();
        lock (counters)
        {
            if (now < RateLimitReset)
            {
                return;
            }

            RecordWindowSpending();
            windows.Add(new RateLimitWindowUsage(now, 0, 0));

            // GitHub's reset is whole epoch seconds; the window starts with the first request after the reset.
            RateLimitReset = DateTimeOffset.FromUnixTimeSeconds((now + window).ToUnixTimeSeconds());
            RateLimitRemaining = options.RateLimit;
            GraphQlPointsRemaining = options.RateLimit;
        }
    }

    private void RecordWindowSpending()
    {
        if (options.RateLimitWindow is not { } window)
        {
            return;
        }

        if (windows.Count == 0)
        {
            windows.Add(new RateLimitWindowUsage(RateLimitReset - window, 0, 0));
        }

        windows[^1] = windows[^1] with { Requests = options.RateLimit - RateLimitRemaining, Points = GraphQlPointsSpent };
    }

    /// <summary>Called after every answer: counts refusals for a rate limit.</summary>
    private void CountRateLimited(Reply reply)
    {
        var refused = reply.Status is 403 or 429 && reply.Body is { } body && body.Contains("rate limit", StringComparison.OrdinalIgnoreCase)
            || reply.Status == 200 && reply.Body is { } graphQl && graphQl.Contains("\"RATE_LIMITED\"", StringComparison.Ordinal);
        if (refused)
        {
            Interlocked.Increment(ref rateLimitedAnswers);
        }
    }
}

/// <summary>One rate-limit window of the simulator: when it began, the REST requests and the GraphQL points spent in it.</summary>
public sealed record RateLimitWindowUsage(DateTimeOffset Start, int Requests, int Points);
