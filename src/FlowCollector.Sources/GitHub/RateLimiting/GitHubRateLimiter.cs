using System.Net;
using System.Text.Json;
using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>
/// The outermost handler of the <c>github</c> pipeline: spends each credential's budget through the shared
/// <see cref="GitHubRateBudgets"/> (waits once it is spent, paces below the reserve) and waits out rate-limited answers
/// (403/429, GraphQL <c>RATE_LIMITED</c>) as GitHub asks, then sends the request again. Only a request that would wait
/// longer than <see cref="GitHubRateLimitOptions.MaxWait"/> or be retried more than <see cref="GitHubRateLimitOptions.MaxRetries"/>
/// times gets the rate-limited answer back, which the source reports as a rate-limit error.
/// </summary>
internal sealed partial class GitHubRateLimiter(
    GitHubRateBudgets budgets, IOptions<GitHubRateLimitOptions> options, IBudgetSharing sharing, TimeProvider time, ILogger<GitHubRateLimiter> logger) : DelegatingHandler
{
    /// <summary>
    /// A GraphQL answer this small (or of unknown length), or with this little budget left, is read to see whether it is
    /// a <c>RATE_LIMITED</c> error; a big answer with points to spare is data and streams on unread.
    /// </summary>
    private const int SmallAnswer = 1024;
    private const int LowGraphQlBudget = 100;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var credential = GitHubRateBudgets.Fingerprint(request.Headers.TryGetValues("Authorization", out var values) ? values.FirstOrDefault() : null);
        var resource = ResourceOf(request);
        if (request.Content is not null)
        {
            // A GraphQL POST may be sent again after a wait; a buffered body can be read twice.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var waits = new WaitLog();
        var retries = 0;
        var secondaryStreak = 0;
        while (true)
        {
            var budget = budgets.For(credential, resource);
            var counted = await AdmitAsync(budget, settings, waits, cancellationToken);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch
            {
                Release(budget, counted);
                throw;
            }

            // The answer's figure first, then the request leaves the in-flight count: never both uncounted at once.
            var headers = RateLimitHeaders.From(response, time.GetUtcNow());
            var reported = ReportedResource(response) ?? resource;
            budgets.For(credential, reported).Observe(headers);
            if (reported != resource)
            {
                budget.Observe(new RateLimitHeaders(null, null, null, null));
            }

            Release(budget, counted);
            resource = reported;
            if (!await IsRateLimitedAsync(response, headers, resource, cancellationToken))
            {
                return response;
            }

            var (wait, reason) = WaitAfter(headers, settings, response.StatusCode == HttpStatusCode.OK, ref secondaryStreak);
            if (retries >= settings.MaxRetries || waits.Total + wait > settings.MaxWait)
            {
                var status = (int)response.StatusCode;
                var waited = waits.Total.TotalSeconds;
                LogGivingUp(logger, credential, resource, status, retries, waited);
                return response;
            }

            retries++;
            response.Dispose();
            await WaitAsync(budgets.For(credential, resource), reason, wait, waits, cancellationToken);
        }
    }

    private static void Release(RateBudget budget, bool counted)
    {
        if (counted)
        {
            budget.Release();
        }
    }

    /// <summary>"core", "graphql" or "search" as GitHub would count the request; the answer's <c>x-ratelimit-resource</c> corrects it.</summary>
    internal static string ResourceOf(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (path.EndsWith("/graphql", StringComparison.OrdinalIgnoreCase))
        {
            return "graphql";
        }

        return path.Contains("/search/", StringComparison.OrdinalIgnoreCase) ? "search" : "core";
    }

    private static string? ReportedResource(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ratelimit-resource", out var values) && values.FirstOrDefault() is { Length: > 0 } resource ? resource : null;

    /// <summary>GitHub's ways of saying "rate limited": 429; 403 with no budget, <c>retry-after</c> or a rate-limit message; a GraphQL <c>RATE_LIMITED</c> error.</summary>
    private static async Task<bool> IsRateLimitedAsync(HttpResponseMessage response, RateLimitHeaders headers, string resource, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                return true;
            case HttpStatusCode.Forbidden:
                return headers.Remaining == 0 || headers.RetryAfter is not null
                    || (await BodyAsync(response, cancellationToken)).Contains("rate limit", StringComparison.OrdinalIgnoreCase);
            case HttpStatusCode.OK when resource == "graphql"
                && (headers.Remaining is < LowGraphQlBudget || response.Content.Headers.ContentLength is null or < SmallAnswer):
                return IsGraphQlRateLimited(await BodyAsync(response, cancellationToken));
            default:
                return false;
        }
    }

    /// <summary>An <c>errors</c> entry of type <c>RATE_LIMITED</c> (not merely the word in some pull request's title).</summary>
    private static bool IsGraphQlRateLimited(string body)
    {
        if (!body.Contains("RATE_LIMITED", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var type)
                    && type.ValueKind == JsonValueKind.String && type.ValueEquals("RATE_LIMITED"));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Buffered, so whoever reads the answer afterwards still gets the whole body.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>
    /// api-notes §1.5: <c>retry-after</c> seconds; else, with no budget left, until the reset; else a minute, doubling.
    /// A GraphQL <c>RATE_LIMITED</c> answer means the points ran out (a query can cost more than the points left), so it waits for the reset too.
    /// </summary>
    private (TimeSpan Wait, RateLimitWaitReason Reason) WaitAfter(RateLimitHeaders headers, GitHubRateLimitOptions settings, bool pointsExhausted, ref int secondaryStreak)
    {
        if (headers.RetryAfter is { } after)
        {
            return (after < TimeSpan.Zero ? TimeSpan.Zero : after, RateLimitWaitReason.Secondary);
        }

        var now = time.GetUtcNow();
        if ((headers.Remaining == 0 || pointsExhausted) && headers.Reset is { } reset && reset + RateBudget.ResetMargin > now)
        {
            return (reset + RateBudget.ResetMargin - now, RateLimitWaitReason.Primary);
        }

        var backoff = settings.SecondaryBackoff * Math.Pow(2, Math.Min(secondaryStreak, 20));
        secondaryStreak++;
        return (backoff, RateLimitWaitReason.Secondary);
    }

    /// <summary>Waits until the budget admits the request; true when it counts as in flight (to be released after the answer).</summary>
    private async Task<bool> AdmitAsync(RateBudget budget, GitHubRateLimitOptions settings, WaitLog waits, CancellationToken cancellationToken)
    {
        while (true)
        {
            var admission = budget.Admit(time.GetUtcNow(), settings.Reserve, sharing.Replicas);
            if (admission.Delay <= TimeSpan.Zero)
            {
                if (admission.Admitted)
                {
                    return true;
                }

                continue;
            }

            if (waits.Total + admission.Delay > settings.MaxWait)
            {
                // Waiting longer is not allowed: send, and let GitHub's answer (a rate limit, most likely) say what happened.
                return admission.Admitted;
            }

            await WaitAsync(budget, admission.Reason, admission.Delay, waits, cancellationToken);
            if (admission.Admitted)
            {
                return true;
            }
        }
    }

    private async Task WaitAsync(RateBudget budget, RateLimitWaitReason reason, TimeSpan delay, WaitLog waits, CancellationToken cancellationToken)
    {
        // The timer exists before the wait is reported, so a test that advances a fake clock on the report cannot miss it.
        var waiting = Task.Delay(delay, time, cancellationToken);
        budgets.RecordWait(budget, reason, delay, waits.Add(reason, delay));
        var seconds = delay.TotalSeconds;
        if (reason == RateLimitWaitReason.Pacing)
        {
            LogPacing(logger, budget.Credential, budget.Resource, seconds);
        }
        else
        {
            var tag = GitHubRateBudgets.ReasonTag(reason);
            LogWaiting(logger, tag, budget.Credential, budget.Resource, seconds);
        }

        await waiting;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub {Reason} rate limit of {Credential} ({Resource}): waiting {Seconds:0.#} s, then the request is sent again")]
    private static partial void LogWaiting(ILogger logger, string reason, string credential, string resource, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pacing the GitHub budget of {Credential} ({Resource}): next request in {Seconds:0.###} s")]
    private static partial void LogPacing(ILogger logger, string credential, string resource, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHub keeps rate-limiting {Credential} ({Resource}, {Status}) after {Retries} retries and {Seconds:0} s of waiting; giving up on this request (Sources:GitHub:RateLimit:MaxWait, MaxRetries)")]
    private static partial void LogGivingUp(ILogger logger, string credential, string resource, int status, int retries, double seconds);

    /// <summary>What one request waited so far, and for which reasons (each reason counts once in the waits counter).</summary>
    private sealed class WaitLog
    {
        private readonly HashSet<RateLimitWaitReason> reasons = [];

        public TimeSpan Total { get; private set; }

        /// <summary>Adds a wait; true when it is the first of its reason for this request.</summary>
        public bool Add(RateLimitWaitReason reason, TimeSpan delay)
        {
            Total += delay;
            return reasons.Add(reason);
        }
    }
}
