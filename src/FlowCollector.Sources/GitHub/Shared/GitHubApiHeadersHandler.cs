namespace FlowCollector.Sources.GitHub.Shared;

/// <summary>
/// Pins the REST API version on every request of the <c>github</c> client, so a new default version on
/// GitHub's side cannot change payloads under us (bump deliberately, with the fixtures).
/// </summary>
internal sealed class GitHubApiHeadersHandler : DelegatingHandler
{
    internal const string ApiVersionHeader = "X-GitHub-Api-Version";
    internal const string ApiVersion = "2022-11-28";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.Contains(ApiVersionHeader))
        {
            request.Headers.TryAddWithoutValidation(ApiVersionHeader, ApiVersion);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
