using System.Globalization;
using Octokit;

namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>GitHub's <c>x-ratelimit-*</c> and <c>retry-after</c> response headers; null where absent (e.g. a server without rate limiting).</summary>
internal sealed record RateLimitHeaders(int? Limit, int? Remaining, DateTimeOffset? Reset, TimeSpan? RetryAfter)
{
    /// <summary>
    /// Beyond this difference between the answer's <c>Date</c> and this machine's clock, the clocks disagree (not just
    /// <c>Date</c>'s whole seconds and the network), and the reset is moved onto this machine's clock.
    /// </summary>
    internal static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Beyond this difference the <c>Date</c> header is not taken for a clock (a broken or replayed answer; a test's fake
    /// clock against a server's real one), and the reset is taken as sent.
    /// </summary>
    internal static readonly TimeSpan ImplausibleClockSkew = TimeSpan.FromDays(1);

    /// <param name="response">The answer.</param>
    /// <param name="now">This machine's clock when the answer arrived; given, <c>x-ratelimit-reset</c> (GitHub's clock) is
    /// moved by the difference between the answer's <c>Date</c> header and <paramref name="now"/>, so a skewed clock on
    /// either side never turns a 10-second wait into an hour (or none).</param>
    public static RateLimitHeaders From(IResponse? response, DateTimeOffset? now = null)
    {
        var headers = response?.Headers;
        if (headers is null)
        {
            return new(null, null, null, null);
        }

        var date = headers.FirstOrDefault(h => string.Equals(h.Key, "Date", StringComparison.OrdinalIgnoreCase)).Value is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : (DateTimeOffset?)null;
        return Read(headers, date, now);
    }

    /// <inheritdoc cref="From(IResponse?, DateTimeOffset?)"/>
    public static RateLimitHeaders From(HttpResponseMessage response, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.SelectMany(h => h.Value).FirstOrDefault() ?? "", StringComparer.OrdinalIgnoreCase);
        return Read(headers, response.Headers.Date, now);
    }

    private static RateLimitHeaders Read(IReadOnlyDictionary<string, string> headers, DateTimeOffset? serverDate, DateTimeOffset? now)
    {
        var reset = Number(headers, "x-ratelimit-reset") is { } epoch ? DateTimeOffset.FromUnixTimeSeconds(epoch) : (DateTimeOffset?)null;
        if (reset is { } serverReset && serverDate is { } date && now is { } local
            && (date - local).Duration() is var skew && skew > ClockSkewTolerance && skew < ImplausibleClockSkew)
        {
            // GitHub's reset is on GitHub's clock; what is left of the window is reset − Date, from now on ours.
            reset = local + (serverReset - date);
        }

        var retryAfter = Number(headers, "retry-after") is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return new((int?)Number(headers, "x-ratelimit-limit"), (int?)Number(headers, "x-ratelimit-remaining"), reset, retryAfter);
    }

    private static long? Number(IReadOnlyDictionary<string, string> headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return long.TryParse(header.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
            }
        }

        return null;
    }
}
