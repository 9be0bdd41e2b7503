using System.Globalization;
using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;
using FlowCollector.Sources.Http;
using Octokit;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Turns what can go wrong talking to GitHub into one-line <see cref="SourceException"/>s: what failed, for which
/// repository, which key to fix. Messages carry URLs and GitHub's own error text, never the token.
/// </summary>
internal sealed class GitHubErrors
{
    private const string Section = GitHubSourceNames.Section;

    private readonly RepositoryRef repository;
    private readonly Uri baseAddress;
    private readonly TimeProvider time;
    private readonly string credential;

    /// <param name="repository">The repository every message names.</param>
    /// <param name="baseAddress">The REST root, to tell our own page links from foreign ones.</param>
    /// <param name="time">For "resets in …" in rate-limit messages.</param>
    /// <param name="credential">How messages name the credential to fix (<see cref="Auth.GitHubCredentials.Described"/>).</param>
    public GitHubErrors(RepositoryRef repository, Uri baseAddress, TimeProvider time, string credential = Section + ":Token")
    {
        this.credential = credential;
        this.repository = repository;
        this.baseAddress = baseAddress;
        this.time = time;
    }

    private string Repo => repository.FullName;

    /// <summary>Translates a failure of one request; returns null for cancellation by the caller (rethrow it unchanged).</summary>
    public SourceException? Translate(Exception exception, string endpoint, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,

        // Already explained where it arose, e.g. by the GitHub App credentials Octokit asked for a token.
        SourceException explained => explained,
        ApiException api => FromResponse(api, endpoint),
        TimeoutRejectedException or OperationCanceledException => new SourceException(
            $"GitHub did not answer {endpoint} for {Repo} in time, even after retries; the next run tries again (timeouts: {GitHubSourceNames.ResilienceSection}).", exception),
        BrokenCircuitException => new SourceException(
            $"GitHub requests are paused after repeated failures (circuit open) while reading {Repo}; the next run tries again.", exception),
        _ when Http.ResponseCutException.IsCut(exception) => new SourceException(
            $"The connection to GitHub was cut in the middle of the answer to {endpoint} for {Repo}, even after retries (a transient network error); nothing of this read was kept and the next run tries again.", exception),
        HttpRequestException http => new SourceException(
            $"Could not reach GitHub at {baseAddress} for {Repo} ({ErrorText.OneLine(http.Message)}); check {Section}:ApiBaseAddress and the network.", exception),
        _ => MalformedPayload(endpoint, ErrorText.OneLine(exception.Message), exception),
    };

    /// <summary>An answer's rate-limit headers with the reset on this machine's clock (see <see cref="RateLimitHeaders.From(HttpResponseMessage, DateTimeOffset?)"/>).</summary>
    public RateLimitHeaders LimitsOf(HttpResponseMessage response) => RateLimitHeaders.From(response, time.GetUtcNow());

    public SourceException MalformedPayload(string endpoint, string detail, Exception? inner = null)
    {
        var message = $"GitHub returned a malformed payload for {endpoint} ({Repo}): {detail}. Check that {Section}:ApiBaseAddress ({baseAddress}) is a GitHub REST root.";
        return inner is null ? new SourceException(message) : new SourceException(message, inner);
    }

    /// <summary>A list whose pages do not add up to what GitHub said it holds (<c>total_count</c>).</summary>
    public SourceException IncompleteList(string endpoint, string detail) =>
        new($"GitHub returned an incomplete list for {endpoint} ({Repo}): {detail}. Nothing of this read was kept (watermark unchanged); the next run tries again.");

    public SourceException ForeignPageLink(string endpoint, Uri next) =>
        new($"GitHub's next-page link for {endpoint} ({Repo}) points to {next.GetLeftPart(UriPartial.Authority)}, not {baseAddress.GetLeftPart(UriPartial.Authority)}; the token is not sent elsewhere. Check {Section}:ApiBaseAddress.");

    /// <summary>A GraphQL POST answered with a non-success status (after the resilience handler's retries).</summary>
    public SourceException GraphQlStatus(HttpStatusCode statusCode, RateLimitHeaders limits, string body, string endpoint)
    {
        var status = (int)statusCode;
        var said = ErrorText.OneLine(HttpErrorText.JsonMessage(body) ?? (HttpErrorText.ReasonPhrase((int)statusCode) ?? statusCode.ToString()));
        switch (statusCode)
        {
            case HttpStatusCode.Unauthorized:
                return new SourceException($"GitHub rejected the token for {Repo} ({status} {said}) at {endpoint}: check {credential}.");
            case HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
                when limits.Remaining == 0 || limits.RetryAfter is not null || body.Contains("rate limit", StringComparison.OrdinalIgnoreCase):
                return RateLimited(status, limits, inner: null);
            case HttpStatusCode.Forbidden:
                return new SourceException(
                    $"GitHub refused {endpoint} for {Repo} ({status} {said}): give {credential} read access to the repository's pull requests, contents and metadata.");
            case HttpStatusCode.NotFound:
                return new SourceException(
                    $"GitHub has no GraphQL API at {endpoint} ({status} {said}); check {Section}:ApiBaseAddress (GitHub Enterprise Server: https://<host>/api/v3/, whose GraphQL root is /api/graphql) or set {Section}:Api to Rest.");
            default:
                var retried = status >= 500 || statusCode == HttpStatusCode.RequestTimeout ? " after retries" : "";
                return new SourceException($"GitHub answered {status} {said} for {endpoint} ({Repo}){retried}; the next run tries again.");
        }
    }

    /// <summary>A GraphQL answer with an <c>errors</c> array: the whole answer is refused, so nothing is half-read.</summary>
    public SourceException GraphQlErrors(IReadOnlyList<GraphQlError> errors, string endpoint, GraphQlRateLimit? limit)
    {
        var first = errors[0];
        var said = ErrorText.OneLine(string.Join("; ", errors.Select(e => e.Message).Where(m => !string.IsNullOrWhiteSpace(m)).Distinct().Take(3)));
        var types = errors.Select(e => e.Type).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (types.Contains("RATE_LIMITED"))
        {
            // GitHub answers 200 with this error; the rateLimit field, when it came back, tells when the points return.
            return limit?.ResetAt is { } reset && reset != default
                ? RateLimited(200, new RateLimitHeaders(null, 0, reset, null), inner: null, "GraphQL points")
                : new SourceException(
                    $"GitHub GraphQL rate limit exhausted while reading {Repo} (RATE_LIMITED: {said}); the hourly budget of points resets within an hour. {RateLimitAdvice}");
        }

        if (types.Contains("NOT_FOUND"))
        {
            return new SourceException(
                $"GitHub repository {Repo} was not found or is not visible to the token ({endpoint}: {said}): check {Section}:Repositories and that {credential} can read the repository.");
        }

        if (types.Contains("FORBIDDEN") && endpoint.Contains("(Deployments)", StringComparison.Ordinal))
        {
            return new SourceException(
                $"GitHub refused {endpoint} for {Repo} ({said}): give {credential} read access to the repository's deployments (\"Deployments: read\"), or set {Section}:ReadDeployments to false to collect without deployment stages.");
        }

        if (types.Contains("FORBIDDEN"))
        {
            return new SourceException(
                $"GitHub refused {endpoint} for {Repo} ({said}): give {credential} read access to the repository's pull requests, contents and metadata (an organisation may also require SSO authorisation of the token).");
        }

        var type = first.Type is { } t ? $" {t}" : "";
        return new SourceException(
            $"GitHub answered {endpoint} for {Repo} with GraphQL errors{type} ({said}); nothing of this read was kept and the next run tries again. If it persists, set {Section}:Api to Rest.");
    }

    private SourceException FromResponse(ApiException e, string endpoint)
    {
        var status = (int)e.StatusCode;
        var said = ErrorText.OneLine(e.ApiError?.Message ?? (HttpErrorText.ReasonPhrase((int)e.StatusCode) ?? e.StatusCode.ToString()));
        var limits = RateLimitHeaders.From(e.HttpResponse, time.GetUtcNow());
        var body = e.HttpResponse?.Body as string ?? "";

        switch (e.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return new SourceException($"GitHub rejected the token for {Repo} ({status} {said}): check {credential}.", e);
            case HttpStatusCode.NotFound when endpoint.EndsWith($"/repos/{Repo}", StringComparison.OrdinalIgnoreCase):
                return new SourceException(
                    $"GitHub repository {Repo} was not found or is not visible to the token ({status} {said}): check {Section}:Repositories and that {credential} can read the repository.", e);
            case HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
                when limits.Remaining == 0 || limits.RetryAfter is not null || body.Contains("rate limit", StringComparison.OrdinalIgnoreCase):
                return RateLimited(status, limits, e);
            case HttpStatusCode.Forbidden:
                return new SourceException(
                    $"GitHub refused {endpoint} for {Repo} ({status} {said}): give the token read access to the repository's pull requests, contents and metadata ({credential}).", e);
            default:
                var retried = status >= 500 || e.StatusCode == HttpStatusCode.RequestTimeout ? " after retries" : "";
                return new SourceException($"GitHub answered {status} {said} for {endpoint} ({Repo}){retried}; the next run tries again.", e);
        }
    }

    private const string RateLimitAdvice = "The collector waited as long as " + RateLimiting.GitHubRateLimitOptions.SectionName + ":MaxWait and :MaxRetries allow. Nothing after the watermark was lost; the next run continues from it. Poll less often (" + Section + ":Interval), allow a longer wait, or use a token with a larger budget.";

    private SourceException RateLimited(int status, RateLimitHeaders limits, Exception? inner, string unit = "requests")
    {
        if (limits.Remaining == 0 && limits.Reset is { } reset)
        {
            var minutes = Math.Max(0, (int)Math.Ceiling((reset - time.GetUtcNow()).TotalMinutes));
            var budget = limits.Limit is { } limit ? $", 0 of {limit} {unit} left" : unit == "requests" ? "" : $", 0 {unit} left";
            return WithInner(
                $"GitHub rate limit exhausted while reading {Repo} ({status}{budget}); the budget resets at {reset.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} (in {minutes} min). {RateLimitAdvice}", inner);
        }

        var wait = limits.RetryAfter is { } after ? $"retry after {after.TotalSeconds:0} s" : "wait at least a minute";
        return WithInner($"GitHub secondary rate limit hit while reading {Repo} ({status}); {wait}. {RateLimitAdvice}", inner);
    }

    private static SourceException WithInner(string message, Exception? inner) =>
        inner is null ? new SourceException(message) : new SourceException(message, inner);

}
