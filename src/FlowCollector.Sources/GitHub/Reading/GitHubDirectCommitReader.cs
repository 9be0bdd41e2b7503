using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Direct changes on GitHub: commits of the default branch committed in the window that no pull request is associated
/// with (<c>Commit.associatedPullRequests</c>, GraphQL; a pull request's merge, squash or rebased commits all are).
/// </summary>
/// <remarks>
/// GitHub's GraphQL API shows no push boundaries (<c>pushedDate</c> is deprecated and null), so each such commit is one
/// change, named by its SHA, landing at its <c>committedDate</c> (docs/metrics.md, "Direct change"). Cost: 1 point per 100
/// commits of the default branch committed since the window start.
/// </remarks>
internal sealed class GitHubDirectCommitReader(GitHubGraphQlClient client, RepositoryRef repository, GitHubErrors errors, GitHubBots bots)
{
    public async Task<List<FlowEvent>> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        const string Operation = nameof(GitHubGraphQlDocuments.DirectCommits);
        var where = client.Describe(Operation);
        var events = new List<FlowEvent>();
        string? after = null;
        while (true)
        {
            var data = await client.QueryAsync(
                GitHubGraphQlDocuments.DirectCommits,
                Operation,
                new GraphQlVariables(repository.Owner, repository.Name)
                {
                    First = GitHubGraphQlDocuments.ListPageSize,
                    After = after,
                    Since = since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
                cancellationToken);
            var branch = data.Repository ?? throw errors.MalformedPayload(where, "no repository");
            if (branch.DefaultBranchRef is not { Target: { } target } head)
            {
                return events; // an empty repository
            }

            var page = target.History ?? throw errors.MalformedPayload(where, $"no history on the default branch's {target.TypeName ?? "target"}");
            foreach (var node in page.Nodes ?? throw errors.MalformedPayload(where, "no history.nodes"))
            {
                if (node is not { Oid.Length: > 0, CommittedDate: { } committed, AssociatedPullRequests.TotalCount: { } associated })
                {
                    throw errors.MalformedPayload(where, "a commit without oid, committedDate or associatedPullRequests");
                }

                if (associated == 0)
                {
                    events.AddRange(Map(node, committed, head.Name));
                }
            }

            if (page.PageInfo is not { HasNextPage: true } info)
            {
                return events;
            }

            after = info.EndCursor is { Length: > 0 } cursor ? cursor : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
        }
    }

    private IEnumerable<FlowEvent> Map(GraphQlHistoryCommit commit, DateTimeOffset committed, string? branch)
    {
        // GitActor.user is a User: a bot's commit comes without a login, like pull-request commits read through GraphQL.
        var login = commit.Author?.User?.Login is { Length: > 0 } l ? l : null;
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = commit.Oid!,
            OccurredAt = at,
            Sha = commit.Oid,
            Actor = login,
            ActorIsBot = login is not null && bots.IsBot(new GitHubAccount(login, "User")),
            TargetBranch = branch,
        };

        yield return Event(FlowEventKind.CommitAuthored, commit.AuthoredDate ?? committed);
        yield return Event(FlowEventKind.DirectPush, committed) with { Url = commit.Url is { Length: > 0 } url ? url : null };
    }
}
