using System.Runtime.CompilerServices;
using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Published releases presented as deployments to one environment, for repositories that have no deployments at all
/// (the spec's release fallback). A release is a successful deployment of the commit its tag points to, started and
/// finished when it was published; drafts, pre-releases and releases whose tag does not exist yet are skipped. Change
/// sets then come from the same trunk history as real deployments'. 1 point per 100 releases.
/// </summary>
internal sealed class GitHubGraphQlReleaseFeed(GitHubGraphQlClient client, RepositoryRef repository, GitHubErrors errors, string environment) : IDeploymentFeed
{
    private readonly Dictionary<long, DateTimeOffset> published = [];

    public async IAsyncEnumerable<IReadOnlyList<DeploymentListing>> PagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Operation = nameof(GitHubGraphQlDocuments.Releases);
        var where = client.Describe(Operation);
        string? after = null;
        while (true)
        {
            var data = await client.QueryAsync(
                GitHubGraphQlDocuments.Releases,
                Operation,
                new GraphQlVariables(repository.Owner, repository.Name) { First = GitHubGraphQlDocuments.ListPageSize, After = after },
                cancellationToken);
            var page = data.Repository?.Releases ?? throw errors.MalformedPayload(where, "no repository.releases");
            var listings = new List<DeploymentListing>();
            foreach (var release in page.Nodes ?? throw errors.MalformedPayload(where, "no releases.nodes"))
            {
                if (release is null || release.DatabaseId is not { } id || release.CreatedAt is not { } created)
                {
                    throw errors.MalformedPayload(where, "a release without databaseId or createdAt");
                }

                if (release.IsDraft || release.IsPrerelease || release.PublishedAt is not { } at || release.TagCommit?.Oid is not { Length: > 0 } sha)
                {
                    continue;
                }

                // Listed by creation (the only order GitHub offers) but dated by publication: a release drafted long
                // before it was published is still seen as long as it was created within the deployment look-back.
                published[id] = at;
                listings.Add(new DeploymentListing(id, sha, environment, created < at ? created : at, at));
            }

            yield return listings;
            if (page.PageInfo is not { HasNextPage: true } info)
            {
                yield break;
            }

            after = info.EndCursor is { Length: > 0 } cursor ? cursor : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
        }
    }

    public Task<IReadOnlyList<DeploymentStatusSnapshot>> StatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var at = this.published.TryGetValue(deployment.Id, out var published) ? published : deployment.UpdatedAt;
        return Task.FromResult<IReadOnlyList<DeploymentStatusSnapshot>>([new DeploymentStatusSnapshot("in_progress", at, null), new DeploymentStatusSnapshot("success", at, null)]);
    }
}

/// <summary>Passes a feed through and remembers whether it listed anything at all: "no deployments at all" selects the fallback.</summary>
internal sealed class ObservedDeploymentFeed(IDeploymentFeed inner) : IDeploymentFeed
{
    public bool ListedAny { get; private set; }

    public async IAsyncEnumerable<IReadOnlyList<DeploymentListing>> PagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in inner.PagesAsync(cancellationToken))
        {
            ListedAny |= page.Count > 0;
            yield return page;
        }
    }

    public Task<IReadOnlyList<DeploymentStatusSnapshot>> StatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken) =>
        inner.StatusesAsync(deployment, cancellationToken);
}
