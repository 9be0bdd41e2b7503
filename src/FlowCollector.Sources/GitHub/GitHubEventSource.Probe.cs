using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Probing;
using Microsoft.Extensions.Logging;

namespace FlowCollector.Sources.GitHub;

public sealed partial class GitHubEventSource : IChangeProbe
{
    /// <summary>
    /// Up to 3 conditional REST GETs (pull requests; workflow runs and deployments when read): see
    /// <see cref="GitHubChangeProbe"/>. Unchanged only when every one answered 304 or a body equal to the last one.
    /// A probe that cannot decide (rate limit, 5xx, timeout) reports a change, so the full read runs and reports the
    /// problem; bad credentials, a missing permission or a missing repository throw as the read would.
    /// </summary>
    public async Task<ChangeProbeResult> ProbeAsync(RepositoryRef repository, string? validators, CancellationToken cancellationToken)
    {
        EnsureOurs(repository);
        var probe = new GitHubChangeProbe(
            clients.CreateClient(GitHubSourceServiceCollectionExtensions.HttpClientName),
            baseAddress,
            ct => credentials.GetTokenAsync(repository.Owner, ct),
            repository,
            new ProbedReads(options.PageSize, options.ReadWorkflowRuns, options.ReadDeployments),
            credentials.Described);
        var result = await probe.ProbeAsync(validators, cancellationToken);
        LogProbed(logger, repository.Key, result.Unchanged, result.Usage.Requests, result.Usage.RateLimitRemaining);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probed {Repository}: unchanged {Unchanged}, {Requests} conditional requests, rate limit left {RateLimitRemaining}")]
    private static partial void LogProbed(ILogger logger, string repository, bool unchanged, int requests, int? rateLimitRemaining);
}
