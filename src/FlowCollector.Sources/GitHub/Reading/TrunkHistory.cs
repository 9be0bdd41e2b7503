using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// The default branch's commit graph, read once per read through GraphQL (<see cref="GitHubGraphQlDocuments.TrunkHistory"/>,
/// 1 point per 100 commits) and only as far back as a change set needs: change sets are then computed in memory instead
/// of one compare request per deployment. A change set is the commits reachable from the deployed SHA and not from the
/// base SHA, oldest first — what the compare API lists (for a linear trunk in the same order; for merges in the reverse
/// of <c>git log</c> order, which compare may order differently).
/// </summary>
/// <remarks>
/// Paging stops as soon as both commits of a pair and every commit between them are known, and goes back no further
/// than commits committed <see cref="Lookback"/> before the base deployment was created (a deployed commit is older
/// than its deployment, rarely by much). A SHA not found by then (a deployment of another branch, a force-pushed
/// commit, one committed long before it was deployed) or not within <see cref="MaxPages"/> gives null: the caller falls
/// back to the compare API. It assumes a commit's ancestors that are newer than the oldest commit fetched were fetched
/// too, which holds for <c>git log</c>'s order unless committer clocks disagree.
/// </remarks>
internal sealed class TrunkHistory
{
    /// <summary>How much older than the base deployment a commit is looked for in the history before the compare API is asked instead.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(7);

    private readonly GitHubGraphQlClient client;
    private readonly RepositoryRef repository;
    private readonly GitHubErrors errors;

    /// <summary>Each fetched commit's parents and its position in <c>git log</c> order (0 = newest).</summary>
    private readonly Dictionary<string, (int Position, string[] Parents)> commits = new(StringComparer.Ordinal);
    private DateTimeOffset? oldestFetched;
    private string? after;
    private bool exhausted;

    public TrunkHistory(GitHubGraphQlClient client, RepositoryRef repository, GitHubErrors errors)
    {
        this.client = client;
        this.repository = repository;
        this.errors = errors;
    }

    /// <summary>History pages read (for tests and logs).</summary>
    public int Pages { get; private set; }

    /// <summary>
    /// Pages a read may spend at most before falling back to compare. The caller sets about one per deployment to
    /// compute, so a quiet poll whose base lies deep in a busy trunk pays one compare, not dozens of history pages.
    /// </summary>
    public int MaxPages { get; set; } = int.MaxValue;

    /// <summary>
    /// The change set of <paramref name="headSha"/> against <paramref name="baseSha"/>, or null when the history back to
    /// commits older than <paramref name="notBefore"/> does not hold both or all commits between them.
    /// </summary>
    public async Task<ChangeSet?> ChangeSetAsync(string baseSha, string headSha, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (commits.ContainsKey(baseSha) && commits.ContainsKey(headSha) && Compute(commits, baseSha, headSha) is { } changes)
            {
                return changes;
            }

            if (exhausted || oldestFetched < notBefore || Pages >= MaxPages)
            {
                return null;
            }

            await NextPageAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The change set on a commit graph (each commit's position in <c>git log</c> order, 0 = newest, and its parents);
    /// null when the walk from head reaches a commit that is not in the graph and not known to be behind base.
    /// </summary>
    internal static ChangeSet? Compute(IReadOnlyDictionary<string, (int Position, string[] Parents)> commits, string baseSha, string headSha)
    {
        if (baseSha == headSha)
        {
            return new ChangeSet(baseSha, DeploymentComparison.Identical, []);
        }

        var behindBase = Ancestors(commits, baseSha);
        if (behindBase.Contains(headSha))
        {
            return new ChangeSet(baseSha, DeploymentComparison.Behind, []);
        }

        var ahead = new List<(string Sha, int Position)>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { headSha };
        var pending = new Stack<string>();
        pending.Push(headSha);
        while (pending.TryPop(out var sha))
        {
            if (!commits.TryGetValue(sha, out var commit))
            {
                return null; // beyond what was fetched: cannot tell whether it is behind base
            }

            ahead.Add((sha, commit.Position));
            foreach (var parent in commit.Parents)
            {
                if (!behindBase.Contains(parent) && visited.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }

        // Base is an ancestor of head exactly when one of head's ancestors has it as a parent.
        var comparison = ahead.Any(c => commits[c.Sha].Parents.Contains(baseSha, StringComparer.Ordinal)) ? DeploymentComparison.Ahead : DeploymentComparison.Diverged;
        return new ChangeSet(baseSha, comparison, ahead.OrderByDescending(c => c.Position).Select(c => c.Sha).ToList());
    }

    /// <summary><paramref name="sha"/> and its fetched ancestors.</summary>
    private static HashSet<string> Ancestors(IReadOnlyDictionary<string, (int Position, string[] Parents)> commits, string sha)
    {
        var found = new HashSet<string>(StringComparer.Ordinal) { sha };
        var pending = new Stack<string>();
        pending.Push(sha);
        while (pending.TryPop(out var current))
        {
            if (commits.TryGetValue(current, out var commit))
            {
                foreach (var parent in commit.Parents)
                {
                    if (found.Add(parent))
                    {
                        pending.Push(parent);
                    }
                }
            }
        }

        return found;
    }

    private async Task NextPageAsync(CancellationToken cancellationToken)
    {
        const string Operation = nameof(GitHubGraphQlDocuments.TrunkHistory);
        var where = client.Describe(Operation);
        var data = await client.QueryAsync(
            GitHubGraphQlDocuments.TrunkHistory,
            Operation,
            new GraphQlVariables(this.repository.Owner, this.repository.Name)
            {
                First = GitHubGraphQlDocuments.ListPageSize, Nested = GitHubGraphQlDocuments.NestedPageSize, After = after,
            },
            cancellationToken);
        Pages++;
        var repository = data.Repository ?? throw errors.MalformedPayload(where, "no repository");
        if (repository.DefaultBranchRef?.Target is not { } target)
        {
            exhausted = true; // an empty repository: no history to compute on
            return;
        }

        var page = target.History ?? throw errors.MalformedPayload(where, $"no history on the default branch's {target.TypeName ?? "target"}");
        foreach (var node in page.Nodes ?? throw errors.MalformedPayload(where, "no history.nodes"))
        {
            if (node is not { Oid.Length: > 0, Parents.Nodes: { } parents })
            {
                throw errors.MalformedPayload(where, "a commit without oid or parents");
            }

            // More parents than one page holds (an octopus merge beyond 100): leave the commit out, so walks through it fall back to compare.
            if (node.Parents.TotalCount is { } total && total > parents.Count)
            {
                continue;
            }

            if (node.CommittedDate is { } committed && (oldestFetched is null || committed < oldestFetched))
            {
                oldestFetched = committed;
            }

            commits.TryAdd(node.Oid, (commits.Count, parents.Select(p => p?.Oid is { Length: > 0 } oid ? oid : throw errors.MalformedPayload(where, $"a parent of {node.Oid} without oid")).ToArray()));
        }

        if (page.PageInfo is { HasNextPage: true } info)
        {
            after = info.EndCursor is { Length: > 0 } cursor ? cursor : throw errors.MalformedPayload(where, "hasNextPage without endCursor");
        }
        else
        {
            exhausted = true;
        }
    }
}
