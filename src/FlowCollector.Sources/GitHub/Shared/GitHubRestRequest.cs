using System.Net.Http.Headers;
using FlowCollector.Sources.GitHub.RateLimiting;

namespace FlowCollector.Sources.GitHub.Shared;

/// <summary>
/// A plain REST GET on the <c>github</c> pipeline for the few calls that need what Octokit hides: conditional requests
/// (<c>If-None-Match</c>, 304) and raw bodies for the change probe, and <c>Link</c> paging of owner-level lists.
/// </summary>
internal static class GitHubRestRequest
{
    public static HttpRequestMessage Get(Uri uri, string token, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("FlowCollector", null));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        if (ifNoneMatch is { Length: > 0 })
        {
            // Sent as received: GitHub's validators are weak (W/"…") and TryParse would reject an unusual one.
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return request;
    }

    /// <summary>The <c>rel="next"</c> target of a <c>Link</c> header, or null on the last page.</summary>
    public static Uri? NextPage(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length >= 2 && parts[0].StartsWith('<') && parts[0].EndsWith('>')
                && parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal).Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase)))
            {
                return Uri.TryCreate(parts[0][1..^1], UriKind.Absolute, out var next) ? next : null;
            }
        }

        return null;
    }

    /// <summary><c>x-ratelimit-remaining</c>, or null when the server does not say.</summary>
    public static int? RateLimitRemaining(HttpResponseMessage response) =>
        RateLimitHeaders.From(response).Remaining;

    public static bool SameAuthority(Uri a, Uri b) =>
        string.Equals(a.GetLeftPart(UriPartial.Authority), b.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
