namespace FlowCollector.Testing.Simulation;

/// <summary>How a <see cref="GitHubSimulator"/> behaves; the defaults behave like api.github.com with a PAT.</summary>
public sealed record GitHubSimulatorOptions
{
    /// <summary>The token requests must carry (<c>Authorization: token …</c> or <c>Bearer …</c>); default <see cref="GitHubSimulator.DefaultToken"/>.</summary>
    public string Token { get; init; } = GitHubSimulator.DefaultToken;

    /// <summary>
    /// A path prefix the REST root lives under, e.g. <c>/api/v3</c> to look like GitHub Enterprise Server; requests
    /// outside it get 404. Default: none (the root is <c>/</c>, like api.github.com).
    /// </summary>
    public string PathPrefix { get; init; } = "";

    /// <summary>The primary rate-limit budget (<c>x-ratelimit-limit</c>, default 5000); each authorised request except a 304 spends one.</summary>
    public int RateLimit { get; init; } = 5000;

    /// <summary>403 (default, like GitHub for PATs) or 429: the status of requests once the budget is spent.</summary>
    public int RateLimitExceededStatus { get; init; } = 403;

    /// <summary>
    /// True (default): page links point at <c>/repositories/{id}/…</c> as GitHub's do, so a client that builds page
    /// URLs by hand instead of following <c>Link</c> breaks here as it would in production. False: links repeat the requested path.
    /// </summary>
    public bool PageLinksUseRepositoryId { get; init; } = true;

    /// <summary>Added before every response (default none); for benchmarks that want network-like latency.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Null (default): one budget for the simulator's life, reset only by setting <see cref="GitHubSimulator.RateLimitRemaining"/>.
    /// Set: GitHub's rolling window — the first request after <c>x-ratelimit-reset</c> starts a new window of this length
    /// with the full <see cref="RateLimit"/> (REST requests and GraphQL points alike).
    /// </summary>
    public TimeSpan? RateLimitWindow { get; init; }

    /// <summary>The clock behind <c>x-ratelimit-reset</c> (an hour after the simulator starts). Default: the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// True (default): every REST request is held against GitHub's published OpenAPI description (operation and declared
    /// query parameters, <see cref="Contracts.GitHubRestContract"/>) and a parameter GitHub does not declare — which GitHub
    /// would silently ignore — is answered 400 so the test that sent it fails. False only to show what GitHub does.
    /// </summary>
    public bool EnforceContract { get; init; } = true;
}
