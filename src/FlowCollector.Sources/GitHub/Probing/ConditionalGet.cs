using System.Net.Http.Headers;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;

namespace FlowCollector.Sources.GitHub.Probing;

/// <summary>
/// The one REST request the GitHub source sends without Octokit: the change probe's conditional GET, on the same
/// <c>github</c> pipeline, with the headers Octokit would send (token, media type, user agent).
/// </summary>
/// <remarks>
/// Why not Octokit (14): its <c>IConnection.Get</c>/<c>GetRaw</c> take a URI, query parameters and an Accept header
/// only, so there is no way to send <c>If-None-Match</c>; and it hands back a deserialised body, while the probe
/// compares the raw bytes (SHA-256) when GitHub answers 200 after a token rotation. Everything else goes through
/// <see cref="GitHubOctokit"/>; GraphQL has its own client.
/// </remarks>
internal static class ConditionalGet
{
    public static HttpRequestMessage Create(Uri uri, string token, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("FlowCollector", null));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(GitHubOctokit.MediaType));
        if (ifNoneMatch is { Length: > 0 })
        {
            // Sent as received: GitHub's validators are weak (W/"…") and TryParse would reject an unusual one.
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return request;
    }

    /// <summary><c>x-ratelimit-remaining</c>, or null when the server does not say.</summary>
    public static int? RateLimitRemaining(HttpResponseMessage response) =>
        RateLimitHeaders.From(response).Remaining;
}
