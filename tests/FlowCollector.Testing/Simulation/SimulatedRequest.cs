namespace FlowCollector.Testing.Simulation;

/// <summary>One request a <see cref="GitHubSimulator"/> answered. The <c>Authorization</c> header is never kept.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">
/// The resource in canonical form, <c>/repos/{owner}/{name}/…</c> with the model's spelling, whatever form was
/// requested (a <c>/repositories/{id}/…</c> page link, the Enterprise prefix); the raw path for unknown resources.
/// </param>
/// <param name="RawPath">The path as requested.</param>
/// <param name="Query">The query string as requested, without '?'.</param>
/// <param name="StatusCode">The status answered.</param>
/// <param name="Accept">The <c>Accept</c> header sent.</param>
/// <param name="ApiVersion">The <c>X-GitHub-Api-Version</c> header sent.</param>
/// <param name="UserAgent">The <c>User-Agent</c> header sent.</param>
public sealed record SimulatedRequest(string Method, string Path, string RawPath, string Query, int StatusCode, string? Accept, string? ApiVersion, string? UserAgent);
