using FlowCollector.Sources.GitHub.RateLimiting;
using Octokit;
using Octokit.Internal;

namespace FlowCollector.Sources.GitHub.Shared;

/// <summary>
/// The one way the GitHub source talks REST: an Octokit <see cref="Connection"/> on the <c>github</c> handler pipeline
/// (rate limiter, API-version header, standard resilience, telemetry), sending GitHub's current media type. Reads,
/// organisation listings and the GitHub App's installation lookups and token exchange all go through it; only the
/// change probe sends its conditional GETs itself (see <c>Probing.ConditionalGet</c>) and GraphQL has its own client.
/// </summary>
internal static class GitHubOctokit
{
    /// <summary>GitHub's current media type; Octokit would otherwise send the legacy <c>vnd.github.v3+json</c>.</summary>
    public const string MediaType = "application/vnd.github+json";

    private static readonly ProductHeaderValue Product = new("FlowCollector");

    /// <summary>
    /// A transport on the <c>github</c> pipeline. Octokit's own 100 s request timeout would cut a rate-limit wait
    /// short; the pipeline bounds real I/O instead. Dispose it when the requests are done.
    /// </summary>
    public static UnboundedOctokitHttpClient Transport(IHttpMessageHandlerFactory handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        return new UnboundedOctokitHttpClient(new HttpClientAdapter(() => handlers.CreateHandler(GitHubSourceNames.HttpClientName)));
    }

    /// <summary>
    /// A connection to <paramref name="baseAddress"/> (the REST root with its trailing slash), authenticated per request
    /// by <paramref name="credentials"/>. Built by hand: <c>GitHubClient(header, uri)</c> would append <c>api/v3/</c> to
    /// any host other than github.com.
    /// </summary>
    public static Connection Connect(Uri baseAddress, ICredentialStore credentials, IHttpClient transport) =>
        new(Product, baseAddress, credentials, transport, new SimpleJsonSerializer());

    /// <summary>The REST root with a trailing slash: without it, relative paths would replace the last segment (…/api/v3 → …/api/repos/…).</summary>
    public static Uri RestRoot(Uri apiBaseAddress)
    {
        ArgumentNullException.ThrowIfNull(apiBaseAddress);
        var address = apiBaseAddress.OriginalString;
        return new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);
    }

    /// <summary>The <c>rel="next"</c> link of a page, or null on the last page; throws when it leaves <paramref name="baseAddress"/>'s host (Octokit would send the token there).</summary>
    public static Uri? NextPage(IResponse response, Uri baseAddress, Func<Uri, Exception> foreign)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(foreign);
        if (response.ApiInfo?.Links is not { } links || !links.TryGetValue("next", out var next))
        {
            return null;
        }

        return Uri.Compare(next, baseAddress, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? next
            : throw foreign(next);
    }
}
