using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>What a read of pull requests found, whichever API read it.</summary>
/// <param name="DefaultBranch">The repository's default branch; only pull requests into it are <paramref name="Selected"/>.</param>
/// <param name="Selected">The pull requests into the default branch updated since the window start, complete.</param>
/// <param name="Listed">Pull requests updated since the window start, any base branch.</param>
/// <param name="HighWatermark">The newest <c>updated_at</c> among the listed ones.</param>
internal sealed record PullRequestRead(string DefaultBranch, IReadOnlyList<PullRequestSnapshot> Selected, int Listed, DateTimeOffset? HighWatermark);

/// <summary>
/// Reads pull requests through GraphQL into the same <see cref="PullRequestSnapshot"/>s the REST reader builds, so
/// <see cref="PullRequestEventMapper"/> stays the one place of the mapping rules. Pages through pull requests by
/// update time, newest first, and stops at the first one older than the window, as the REST reader does; a pull
/// request with more commits, reviews or timeline items than one page holds gets follow-up queries for that list only.
/// </summary>
internal sealed class GitHubGraphQlReader
{
    private const string ReadyForReviewType = "ReadyForReviewEvent";
    private const string ConvertToDraftType = "ConvertToDraftEvent";
    private const string ReviewRequestedType = "ReviewRequestedEvent";
    private const string LabeledType = "LabeledEvent";
    private const string UnlabeledType = "UnlabeledEvent";

    private readonly GitHubGraphQlClient client;
    private readonly RepositoryRef repository;
    private readonly GitHubErrors errors;
    private readonly bool linkedIssues;

    public GitHubGraphQlReader(GitHubGraphQlClient client, RepositoryRef repository, GitHubErrors errors, bool linkedIssues = false)
    {
        this.linkedIssues = linkedIssues;
        this.client = client;
        this.repository = repository;
        this.errors = errors;
    }

    /// <param name="since">The window start: paging stops at the first pull request updated before it.</param>
    /// <param name="defaultBranchFallback">Asked only when GitHub names no default branch (an empty repository).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<PullRequestRead> ReadPullRequestsAsync(DateTimeOffset since, Func<CancellationToken, Task<string>> defaultBranchFallback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(defaultBranchFallback);
        var (document, operation, pageSize) = linkedIssues
            ? (GitHubGraphQlDocuments.PullRequestsWithLinkedIssuesByUpdate, nameof(GitHubGraphQlDocuments.PullRequestsWithLinkedIssuesByUpdate), GitHubGraphQlDocuments.LinkedIssuesPullRequestPageSize)
            : (GitHubGraphQlDocuments.PullRequestsByUpdate, nameof(GitHubGraphQlDocuments.PullRequestsByUpdate), GitHubGraphQlDocuments.PullRequestPageSize);
        var where = client.Describe(operation);
        string? defaultBranch = null;
        var selected = new List<PullRequestSnapshot>();
        var listing = new PullRequestListing(since);
        string? after = null;
        while (true)
        {
            var data = await client.QueryAsync(
                document,
                operation,
                Variables() with
                {
                    First = pageSize,
                    Nested = GitHubGraphQlDocuments.NestedPageSize,
                    Linked = linkedIssues ? GitHubGraphQlDocuments.LinkedIssuesPerPullRequest : null,
                    After = after,
                },
                cancellationToken);
            var repository = data.Repository ?? throw errors.MalformedPayload(where, "no repository");
            defaultBranch ??= repository.DefaultBranchRef?.Name is { Length: > 0 } name ? name : await defaultBranchFallback(cancellationToken);
            var page = repository.PullRequests ?? throw errors.MalformedPayload(where, "no repository.pullRequests");
            listing.StartPage();
            foreach (var node in page.Nodes ?? throw errors.MalformedPayload(where, "no pullRequests.nodes"))
            {
                var pr = EnsureUsable(node, where);
                var step = listing.Next(pr.Number, pr.UpdatedAt!.Value);
                if (step == ListingStep.Stop)
                {
                    break;
                }

                if (step == ListingStep.Take && string.Equals(pr.BaseRefName, defaultBranch, StringComparison.Ordinal))
                {
                    selected.Add(await SnapshotAsync(pr, cancellationToken));
                }
            }

            var pageInfo = page.PageInfo ?? throw errors.MalformedPayload(where, "no pullRequests.pageInfo");
            var covered = listing.ReachedOlder || !pageInfo.HasNextPage;
            ReadProgress.Listed(listing.ListedOnPage, covered ? since : listing.OldestOnPage); // the last page covers the window back to its start
            if (covered)
            {
                return new PullRequestRead(defaultBranch, selected, listing.Distinct, listing.HighWatermark);
            }

            after = pageInfo.EndCursor is { Length: > 0 } cursor ? cursor : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
        }
    }

    /// <summary>
    /// GraphQL spells a bot's login without the <c>[bot]</c> suffix REST shows (<c>dependabot</c> vs
    /// <c>dependabot[bot]</c>); adding it keeps actors, configured bot logins and stored points the same across APIs.
    /// </summary>
    internal static GitHubAccount? Account(GraphQlActor? actor)
    {
        if (string.IsNullOrEmpty(actor?.Login))
        {
            return null;
        }

        var isBot = string.Equals(actor.TypeName, "Bot", StringComparison.Ordinal);
        var login = isBot && !actor.Login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase) ? actor.Login + "[bot]" : actor.Login;
        return new GitHubAccount(login, actor.TypeName);
    }

    private GraphQlVariables Variables() => new(repository.Owner, repository.Name);

    private GraphQlPullRequest EnsureUsable(GraphQlPullRequest? pr, string where) =>
        pr is { Number: > 0, CreatedAt: not null, UpdatedAt: not null, BaseRefName.Length: > 0, Url.Length: > 0 }
            ? pr
            : throw errors.MalformedPayload(where, $"a pull request without number, createdAt, updatedAt, baseRefName or url (number {pr?.Number})");

    private async Task<PullRequestSnapshot> SnapshotAsync(GraphQlPullRequest pr, CancellationToken cancellationToken)
    {
        var commits = await AllAsync(
            pr, p => p.Commits, GitHubGraphQlDocuments.PullRequestCommits, nameof(GitHubGraphQlDocuments.PullRequestCommits), cancellationToken);
        var reviews = await AllAsync(
            pr, p => p.Reviews, GitHubGraphQlDocuments.PullRequestReviews, nameof(GitHubGraphQlDocuments.PullRequestReviews), cancellationToken);
        var timeline = await AllAsync(
            pr, p => p.TimelineItems, GitHubGraphQlDocuments.PullRequestTimeline, nameof(GitHubGraphQlDocuments.PullRequestTimeline), cancellationToken);

        var commitsWhere = client.Describe(nameof(GitHubGraphQlDocuments.PullRequestCommits));
        return new PullRequestSnapshot(
            pr.Number,
            pr.Url!,
            Account(pr.Author),
            pr.BaseRefName!,
            pr.IsDraft,
            pr.CreatedAt!.Value,
            pr.UpdatedAt!.Value,
            pr.MergedAt,
            pr.MergeCommit?.Oid is { Length: > 0 } oid ? oid : null,
            pr.ClosedAt,
            commits.Select(c => Commit(c, commitsWhere)).ToList(),
            reviews.Select(r => new ReviewSnapshot(r.DatabaseId ?? 0, Account(r.Author), r.State ?? "", r.SubmittedAt) { StartedAt = r.CreatedAt }).ToList(),
            timeline
                .Where(e => e.CreatedAt is not null)
                .Select(e => (Name: EventName(e.TypeName), e.CreatedAt, e.Actor))
                .Where(e => e.Name is not null)
                .Select(e => new TimelineSnapshot(e.Name!, e.CreatedAt!.Value, Account(e.Actor)))
                .ToList())
        {
            HeadRef = pr.HeadRefName,
            Title = pr.Title,
            Labels = CurrentLabels(timeline),
            LinkedIssues = pr.ClosingIssuesReferences?.Nodes is { Count: > 0 } issues
                ? issues.Where(i => i is { Number: > 0, CreatedAt: not null }).Select(i => new LinkedIssueSnapshot(i!.Number, i.CreatedAt!.Value)).ToList()
                : null,
        };
    }

    /// <summary>The labels the pull request has now: its label and unlabel events replayed in order (the API's order on ties).</summary>
    private static string[]? CurrentLabels(List<GraphQlTimelineItem> timeline)
    {
        List<string>? labels = null;
        foreach (var item in timeline
            .Select((e, index) => (e, index))
            .Where(t => t.e.Label?.Name is { Length: > 0 } && t.e.TypeName is LabeledType or UnlabeledType)
            .OrderBy(t => t.e.CreatedAt ?? DateTimeOffset.MinValue).ThenBy(t => t.index)
            .Select(t => t.e))
        {
            var name = item.Label!.Name!;
            labels ??= [];
            labels.RemoveAll(l => string.Equals(l, name, StringComparison.Ordinal));
            if (item.TypeName == LabeledType)
            {
                labels.Add(name);
            }
        }

        return labels is { Count: > 0 } ? [.. labels] : null;
    }

    /// <summary>The first page came with the pull request; the rest of a longer list is fetched for this pull request only.</summary>
    private async Task<List<T>> AllAsync<T>(
        GraphQlPullRequest pr, Func<GraphQlPullRequest, GraphQlConnection<T>?> list, string document, string operation, CancellationToken cancellationToken)
        where T : class
    {
        var where = client.Describe(operation);
        var all = new List<T>();
        var page = list(pr) ?? throw errors.MalformedPayload(client.Describe(nameof(GitHubGraphQlDocuments.PullRequestsByUpdate)), $"pull request {pr.Number} without its {operation} list");
        while (true)
        {
            foreach (var node in page.Nodes ?? throw errors.MalformedPayload(where, $"no nodes for pull request {pr.Number}"))
            {
                all.Add(node ?? throw errors.MalformedPayload(where, $"a null node for pull request {pr.Number}"));
            }

            if (page.PageInfo is not { HasNextPage: true } info)
            {
                return all;
            }

            var cursor = info.EndCursor is { Length: > 0 } c ? c : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
            var data = await client.QueryAsync(
                document, operation, Variables() with { Number = pr.Number, Nested = GitHubGraphQlDocuments.NestedPageSize, After = cursor }, cancellationToken);
            var next = data.Repository?.PullRequest ?? throw errors.MalformedPayload(where, $"no repository.pullRequest for number {pr.Number}");
            page = list(next) ?? throw errors.MalformedPayload(where, $"pull request {pr.Number} without its list");
        }
    }

    private CommitSnapshot Commit(GraphQlPullRequestCommit node, string where) =>
        node.Commit is { Oid.Length: > 0, AuthoredDate: { } authored } commit
            ? new CommitSnapshot(commit.Oid, authored, commit.Author?.User?.Login is { Length: > 0 } login ? new GitHubAccount(login, "User") : null)
            : throw errors.MalformedPayload(where, "a commit without oid or authoredDate");

    private static string? EventName(string? typeName) => typeName switch
    {
        ReadyForReviewType => PullRequestEventMapper.ReadyForReviewEvent,
        ConvertToDraftType => PullRequestEventMapper.ConvertToDraftEvent,
        ReviewRequestedType => PullRequestEventMapper.ReviewRequestedEvent,
        _ => null,
    };
}
