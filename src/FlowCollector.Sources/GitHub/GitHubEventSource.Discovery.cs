using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Discovery;
using FlowCollector.Sources.GitHub.Shared;
using Microsoft.Extensions.Logging;

namespace FlowCollector.Sources.GitHub;

public sealed partial class GitHubEventSource
{
    /// <summary>
    /// <see cref="ConfiguredRepositories"/> first (always, even when archived), then the repositories of
    /// <see cref="GitHubSourceOptions.Organizations"/> their rules select, sorted by owner/name; each repository once
    /// (names compared case-insensitively, as GitHub resolves them). Throws <see cref="SourceException"/> naming
    /// <c>Sources:GitHub:Organizations:{i}:Name</c> when an organisation cannot be listed.
    /// </summary>
    public async Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken)
    {
        var organizations = options.Organizations ?? [];
        if (organizations.Count == 0)
        {
            return ConfiguredRepositories;
        }

        using var transport = GitHubOctokit.Transport(handlers);
        var discovery = new GitHubRepositoryDiscovery(transport, baseAddress, credentials);
        var discovered = new List<RepositoryRef>();
        for (var i = 0; i < organizations.Count; i++)
        {
            discovered.AddRange(await discovery.ListAsync(organizations[i], i, cancellationToken));
        }

        var result = new List<RepositoryRef>(ConfiguredRepositories.Count + discovered.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var repository in ConfiguredRepositories.Concat(discovered.OrderBy(r => r.FullName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.FullName, StringComparer.Ordinal)))
        {
            if (seen.Add(repository.FullName))
            {
                result.Add(repository);
            }
        }

        LogDiscovered(logger, organizations.Count, result.Count - ConfiguredRepositories.Count, result.Count, discovery.Requests);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listed {Organizations} GitHub organisations: {Discovered} repositories to collect besides the configured ones, {Total} in all ({Requests} requests)")]
    private static partial void LogDiscovered(ILogger logger, int organizations, int discovered, int total, int requests);
}
