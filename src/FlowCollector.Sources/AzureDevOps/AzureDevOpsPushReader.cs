using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Direct changes: pushes to the default branch that are no pull request's completion (docs/metrics.md, "Units of work").
/// Completing a pull request is a push too, whose new head is the pull request's <c>lastMergeCommit</c>; those are left
/// to the pull request. Each direct push is one change, named by its new head SHA, landing at the push's <c>date</c>.
/// </summary>
/// <remarks>
/// Cost: 1 request per page of pushes in the window (<c>git/pushes</c>, <c>$top</c>/<c>$skip</c>), 1 per direct push for its
/// commits (the single-push GET with <c>includeCommits</c>; the list carries none).
/// </remarks>
internal sealed class AzureDevOpsPushReader(AzureDevOpsClient client, AzureDevOpsEndpoints endpoints, string project, AzureDevOpsBots bots)
{
    /// <summary>Commits read per direct push: the first authored one starts its <c>coding</c>; a larger push starts at the oldest of these.</summary>
    internal const int CommitsPerPush = 100;

    private const string NoCommit = "0000000000000000000000000000000000000000";

    /// <param name="repository">The target.</param>
    /// <param name="defaultBranch">The default branch, <c>refs/heads/…</c>.</param>
    /// <param name="mergeCommits">The <c>lastMergeCommit</c> of every pull request read: their pushes are no direct change.</param>
    /// <param name="since">The window start.</param>
    /// <param name="offer">Offers each push's time for the watermark.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<List<FlowEvent>> ReadAsync(
        RepositoryRef repository, string defaultBranch, IReadOnlySet<string> mergeCommits, DateTimeOffset since, Action<DateTimeOffset?> offer, CancellationToken cancellationToken)
    {
        var path = AzureDevOpsEndpoints.ProjectPath(project, $"git/repositories/{Uri.EscapeDataString(repository.Name)}/pushes");
        (string, string?)[] query =
        [
            ("searchCriteria.refName", defaultBranch),
            ("searchCriteria.fromDate", AzureDevOpsClient.Time(since)),
            ("searchCriteria.includeRefUpdates", "true"),
        ];
        var events = new List<FlowEvent>();
        var seen = new HashSet<int>();
        await foreach (var page in client.GetSkipPagesAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoPush, cancellationToken, query))
        {
            foreach (var push in page)
            {
                if (push.PushId <= 0 || push.Date is not { } at)
                {
                    throw client.Errors.MalformedPayload(AzureDevOpsClient.Endpoint(AzureDevOpsClient.Path(path, query)), $"a push without pushId or date (id {push.PushId})");
                }

                // A push made while we page shifts the list by one: read each once.
                if (!seen.Add(push.PushId))
                {
                    continue;
                }

                offer(at);
                var update = push.RefUpdates?.FirstOrDefault(u => string.Equals(u.Name, defaultBranch, StringComparison.Ordinal));

                // A deletion, the branch's creation (it brings history, not a change) or a pull request's completion.
                if (update?.NewObjectId is not { Length: > 0 } head || head == NoCommit || update.OldObjectId is null or NoCommit
                    || mergeCommits.Contains(head))
                {
                    continue;
                }

                events.AddRange(await MapAsync(repository, path, push, at, head, defaultBranch, cancellationToken));
            }
        }

        return events;
    }

    private async Task<List<FlowEvent>> MapAsync(
        RepositoryRef repository, string path, AdoPush push, DateTimeOffset at, string head, string defaultBranch, CancellationToken cancellationToken)
    {
        var single = await client.GetAsync(
            AzureDevOpsClient.Path($"{path}/{AzureDevOpsClient.Number(push.PushId)}", ("includeCommits", AzureDevOpsClient.Number(CommitsPerPush))),
            AzureDevOpsJsonContext.Default.AdoPush,
            cancellationToken);
        var branch = AdoPullRequestEventMapper.BranchName(defaultBranch);
        FlowEvent Event(FlowEventKind kind, DateTimeOffset when) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = head,
            OccurredAt = when.ToUniversalTime(),
            Url = endpoints.CommitWebUrl(project, repository.Name, head),
            TargetBranch = branch,
        };

        var events = new List<FlowEvent>();
        foreach (var commit in single.Commits ?? [])
        {
            if (commit.Author?.Date is { } authored && !string.IsNullOrEmpty(commit.CommitId))
            {
                events.Add(Event(FlowEventKind.CommitAuthored, authored) with { Actor = commit.Author.Email, ActorIsBot = bots.IsBot(commit.Author), Sha = commit.CommitId });
            }
        }

        var pusher = push.PushedBy ?? single.PushedBy;
        events.Add(Event(FlowEventKind.DirectPush, at) with
        {
            Sha = head,
            Actor = pusher?.UniqueName ?? pusher?.DisplayName,
            ActorIsBot = bots.IsBot(pusher),
        });
        return events;
    }
}
