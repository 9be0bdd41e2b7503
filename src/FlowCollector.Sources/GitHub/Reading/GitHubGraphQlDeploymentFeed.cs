using System.Globalization;
using System.Runtime.CompilerServices;
using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Deployments through GraphQL: each page of <see cref="GitHubGraphQlDocuments.Deployments"/> brings the deployments
/// with their first 100 statuses, so the statuses that cost one REST request per deployment come with the list
/// (1 point per page of 100); a deployment with more statuses gets <see cref="GitHubGraphQlDocuments.DeploymentStatuses"/>
/// follow-ups for that deployment only.
/// </summary>
internal sealed class GitHubGraphQlDeploymentFeed : IDeploymentFeed
{
    private readonly GitHubGraphQlClient client;
    private readonly RepositoryRef repository;
    private readonly GitHubErrors errors;
    private readonly int pageSize;
    private readonly Dictionary<long, GraphQlDeployment> listed = [];

    public GitHubGraphQlDeploymentFeed(GitHubGraphQlClient client, RepositoryRef repository, GitHubErrors errors, int pageSize)
    {
        this.client = client;
        this.repository = repository;
        this.errors = errors;
        this.pageSize = Math.Clamp(pageSize, 1, GitHubGraphQlDocuments.ListPageSize);
    }

    public async IAsyncEnumerable<IReadOnlyList<DeploymentListing>> PagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Operation = nameof(GitHubGraphQlDocuments.Deployments);
        var where = client.Describe(Operation);
        string? after = null;
        while (true)
        {
            var data = await client.QueryAsync(
                GitHubGraphQlDocuments.Deployments,
                Operation,
                new GraphQlVariables(repository.Owner, repository.Name) { First = pageSize, Nested = GitHubGraphQlDocuments.NestedPageSize, After = after },
                cancellationToken);
            var page = data.Repository?.Deployments ?? throw errors.MalformedPayload(where, "no repository.deployments");
            var listings = new List<DeploymentListing>();
            foreach (var node in page.Nodes ?? throw errors.MalformedPayload(where, "no deployments.nodes"))
            {
                var d = EnsureUsable(node, where);
                listed[d.DatabaseId!.Value] = d;
                listings.Add(new DeploymentListing(d.DatabaseId.Value, d.CommitOid!, d.Environment!, d.CreatedAt!.Value, d.UpdatedAt!.Value));
            }

            yield return listings;
            if (page.PageInfo is not { HasNextPage: true } info)
            {
                yield break;
            }

            after = info.EndCursor is { Length: > 0 } cursor ? cursor : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
        }
    }

    public async Task<IReadOnlyList<DeploymentStatusSnapshot>> StatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        const string Operation = nameof(GitHubGraphQlDocuments.DeploymentStatuses);
        var where = client.Describe(Operation);
        var node = listed.TryGetValue(deployment.Id, out var d) ? d : throw new InvalidOperationException($"Deployment {deployment.Id} was not listed by this feed.");
        var page = node.Statuses ?? throw errors.MalformedPayload(client.Describe(nameof(GitHubGraphQlDocuments.Deployments)), $"deployment {deployment.Id} without its statuses");
        var statuses = new List<DeploymentStatusSnapshot>();
        while (true)
        {
            foreach (var status in page.Nodes ?? throw errors.MalformedPayload(where, $"no status nodes for deployment {deployment.Id}"))
            {
                statuses.Add(status is { State.Length: > 0, CreatedAt: { } at }
                    ? new DeploymentStatusSnapshot(status.State.ToLowerInvariant(), at, string.IsNullOrEmpty(status.LogUrl) ? null : status.LogUrl)
                    : throw errors.MalformedPayload(where, $"a status of deployment {deployment.Id} without state or createdAt"));
            }

            if (page.PageInfo is not { HasNextPage: true } info)
            {
                return statuses;
            }

            var cursor = info.EndCursor is { Length: > 0 } c ? c : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
            var id = node.Id is { Length: > 0 } nodeId ? nodeId : throw errors.MalformedPayload(where, $"deployment {deployment.Id} without a node id");
            var data = await client.QueryAsync(
                GitHubGraphQlDocuments.DeploymentStatuses,
                Operation,
                new GraphQlVariables(repository.Owner, repository.Name) { Id = id, Nested = GitHubGraphQlDocuments.NestedPageSize, After = cursor },
                cancellationToken);
            page = data.Node?.Statuses ?? throw errors.MalformedPayload(where, $"no statuses for deployment {deployment.Id}");
        }
    }

    private GraphQlDeployment EnsureUsable(GraphQlDeployment? d, string where) =>
        d is { DatabaseId: > 0, CommitOid.Length: > 0, Environment.Length: > 0, CreatedAt: not null, UpdatedAt: not null }
            ? d
            : throw errors.MalformedPayload(where, $"a deployment without databaseId, commitOid, environment, createdAt or updatedAt (id {d?.DatabaseId?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
}
