using System.Globalization;
using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Mapping;
using Octokit;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Reads workflow runs on the default branch and deployments with their statuses and change sets, through the
/// <see cref="GitHubRestReader"/> of one read.
/// </summary>
/// <remarks>
/// Cost: runs, 1 request per page of 100 runs created in the window (plus 1 wasted first page per split of a range
/// holding more than 1,000 runs). Deployments through REST (<see cref="RestFeed"/>, no history): 1 per page of 100
/// listed back to <see cref="PendingLookback"/> before the window, 1 status list per deployment created in the window or
/// updated in it (a previous deployment marked <c>inactive</c> by a new one costs its status list once), 1 compare per
/// distinct (base, head) pair, and — only when an environment's previous successful deployment is older than the
/// window — up to <see cref="MaxBaselinePages"/> more list pages and <see cref="MaxBaselineStatusReads"/> more status
/// lists per environment. Through GraphQL (<see cref="GitHubGraphQlDeploymentFeed"/> and <see cref="TrunkHistory"/>):
/// the same pages at 1 point each with the statuses in them (1 more point per extra 100 statuses of a deployment),
/// 1 point per 100 trunk commits back to the oldest base, and a REST compare only for a pair the history does not hold.
/// Both ways give the same deployments, baselines and change sets.
/// </remarks>
internal sealed class GitHubDeliveryReader
{
    /// <summary>GitHub returns at most this many runs for a filtered runs query, whatever total_count says.</summary>
    internal const int RunSearchCap = 1000;

    /// <summary>List pages read beyond the window while looking for environments' previous successful deployments.</summary>
    internal const int MaxBaselinePages = 3;

    /// <summary>
    /// How far before the window the deployments list is read to find deployments created earlier that reported a
    /// status in the window (a production deployment waiting for an approval longer than the overlap).
    /// </summary>
    internal static readonly TimeSpan PendingLookback = TimeSpan.FromDays(3);

    /// <summary>Status lists of deployments older than the window read per environment while looking for its baseline.</summary>
    internal const int MaxBaselineStatusReads = 10;

    private readonly GitHubRestReader reader;
    private readonly RepositoryRef repository;
    private readonly GitHubErrors errors;

    public GitHubDeliveryReader(GitHubRestReader reader, RepositoryRef repository, GitHubErrors errors)
    {
        this.reader = reader;
        this.repository = repository;
        this.errors = errors;
    }

    /// <summary>Runs were split because a range held more than <see cref="RunSearchCap"/> (for tests and logs).</summary>
    public int RunRangeSplits { get; private set; }

    /// <summary>
    /// Runs on <paramref name="branch"/> created since <paramref name="since"/>, latest attempt each. The query is open-ended
    /// (a run GitHub stamps a little after our clock is still found); <paramref name="now"/> only guides where to split.
    /// </summary>
    public async Task<List<WorkflowRunSnapshot>> ReadRunsAsync(string branch, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<long, WorkflowRunSnapshot>();
        await ReadRunRangeAsync(branch, Second(since), to: null, Second(now), runs, cancellationToken);
        return runs.Values.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList();
    }

    /// <summary>
    /// The earlier attempts of re-run <paramref name="runs"/>: the runs list shows only a run's latest attempt, so each
    /// earlier one is read with <c>GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}</c>
    /// (operation <c>actions/get-workflow-run-attempt</c> of GitHub's REST description) — one request per earlier attempt,
    /// none for a run that was never re-run.
    /// </summary>
    public async Task<List<WorkflowRunSnapshot>> ReadEarlierAttemptsAsync(IEnumerable<WorkflowRunSnapshot> runs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var attempts = new List<WorkflowRunSnapshot>();
        foreach (var run in runs)
        {
            for (var attempt = 1; attempt < run.Attempt; attempt++)
            {
                var path = $"{reader.RepositoryPath}/actions/runs/{run.Id.ToString(CultureInfo.InvariantCulture)}/attempts/{attempt.ToString(CultureInfo.InvariantCulture)}";
                var snapshot = Snapshot(await reader.GetAsync<WorkflowRun>(path, cancellationToken), path);
                if (snapshot.Id != run.Id || snapshot.Attempt != attempt)
                {
                    throw errors.MalformedPayload(GitHubRestReader.Endpoint(path), $"run {snapshot.Id} attempt {snapshot.Attempt} instead of run {run.Id} attempt {attempt}");
                }

                attempts.Add(snapshot);
            }
        }

        return attempts;
    }

    /// <summary>One range of creation times [from, to]; <c>to</c> null means open-ended.</summary>
    private async Task ReadRunRangeAsync(
        string branch, DateTimeOffset from, DateTimeOffset? to, DateTimeOffset now, Dictionary<long, WorkflowRunSnapshot> runs, CancellationToken cancellationToken)
    {
        var path = $"{reader.RepositoryPath}/actions/runs";
        var parameters = new Dictionary<string, string>
        {
            ["branch"] = branch,
            ["created"] = to is { } end ? $"{Iso(from)}..{Iso(end)}" : $">={Iso(from)}",
            ["per_page"] = reader.PageSizeValue,
        };
        var first = true;
        int? reported = null;
        var delivered = 0;
        await foreach (var page in reader.GetWrappedPagesAsync<WorkflowRunsResponse>(path, parameters, cancellationToken))
        {
            reported ??= page.TotalCount;
            // A filtered query serves only the first 1,000 runs: halve the range until each half fits (a single second cannot be split).
            var last = to ?? now;
            if (first && page.TotalCount > RunSearchCap && last - from >= TimeSpan.FromSeconds(2))
            {
                RunRangeSplits++;
                var middle = Second(from + ((last - from) / 2));
                await ReadRunRangeAsync(branch, from, middle, now, runs, cancellationToken);
                await ReadRunRangeAsync(branch, middle.AddSeconds(1), to, now, runs, cancellationToken);
                return;
            }

            first = false;
            foreach (var run in page.WorkflowRuns ?? [])
            {
                var snapshot = Snapshot(run, path);
                runs[snapshot.Id] = snapshot; // a run created while we page may show up twice
                delivered++;
            }
        }

        // total_count says how many runs the query matches (GitHub's REST description, actions/list-workflow-runs-for-repo);
        // pages that deliver fewer lost some on the way, and a watermark moved past them would lose those runs for good.
        // Runs created while paging only push items onto the next page (seen twice), so delivered ≥ total_count holds.
        if (reported is { } total && delivered < Math.Min(total, RunSearchCap))
        {
            throw errors.IncompleteList(GitHubRestReader.Endpoint(path), $"{delivered} workflow runs delivered across the pages, but total_count said {total}");
        }
    }

    private WorkflowRunSnapshot Snapshot(WorkflowRun run, string path)
    {
        if (run.Id <= 0 || string.IsNullOrEmpty(run.HeadSha) || run.CreatedAt == default || run.UpdatedAt == default || string.IsNullOrEmpty(run.Status.StringValue))
        {
            throw errors.MalformedPayload(GitHubRestReader.Endpoint(path), $"a workflow run without id, head_sha, created_at, updated_at or status (id {run.Id})");
        }

        return new WorkflowRunSnapshot(
            run.Id,
            (int)Math.Max(1, run.RunAttempt),
            string.IsNullOrEmpty(run.Name) ? run.Path ?? "" : run.Name,
            run.HeadSha,
            run.CreatedAt,
            run.RunStartedAt == default ? null : run.RunStartedAt,
            run.UpdatedAt,
            run.Status.StringValue.ToLowerInvariant(),
            run.Conclusion?.StringValue,
            run.HtmlUrl);
    }

    /// <summary>
    /// Deployments created since <paramref name="since"/> — or up to <see cref="PendingLookback"/> before it and given a
    /// status other than <c>inactive</c> since then — oldest first, each with its statuses and its change set against the
    /// previous successful deployment to the same environment. <paramref name="feed"/> lists them (REST: the
    /// <see cref="RestFeed"/> of this reader; GraphQL: <see cref="GitHubGraphQlDeploymentFeed"/>); change sets come from
    /// <paramref name="history"/> when given and it holds both commits, else from one compare each.
    /// </summary>
    public async Task<List<(DeploymentSnapshot Deployment, ChangeSet Changes)>> ReadDeploymentsAsync(
        DateTimeOffset since, IDeploymentFeed feed, TrunkHistory? history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var pages = feed.PagesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            var recent = new List<DeploymentListing>();
            var revisit = new List<DeploymentListing>();
            var older = new List<DeploymentListing>();
            var seen = new HashSet<long>();
            var lookbackStart = since - PendingLookback;
            var reachedOlder = false;
            while (!reachedOlder && await pages.MoveNextAsync())
            {
                foreach (var d in pages.Current)
                {
                    if (!seen.Add(d.Id))
                    {
                        continue;
                    }

                    // Newest first and no "since" filter: everything after the first one older than the look-back is older too.
                    if (!reachedOlder && d.CreatedAt >= since)
                    {
                        recent.Add(d);
                        continue;
                    }

                    older.Add(d);
                    reachedOlder |= d.CreatedAt < lookbackStart;

                    // updated_at moves with every status: an older deployment touched in the window may have started or finished in it.
                    if (!reachedOlder && d.UpdatedAt >= since)
                    {
                        revisit.Add(d);
                    }
                }
            }

            var snapshots = new Dictionary<long, DeploymentSnapshot>();
            foreach (var d in recent)
            {
                snapshots[d.Id] = await SnapshotAsync(feed, d, cancellationToken);
            }

            foreach (var d in revisit)
            {
                var snapshot = snapshots[d.Id] = await SnapshotAsync(feed, d, cancellationToken);

                // An approval wait longer than the overlap: report it again now that it moved. Only marked inactive: nothing new.
                if (snapshot.Statuses.Any(status => status.State != "inactive" && status.CreatedAt >= since))
                {
                    recent.Add(d);
                }
            }

            var baselines = new BaselineSearch(feed, pages, older, seen, snapshots, reachedOlder);
            var comparisons = new Dictionary<(string Base, string Head), ChangeSet>();
            var result = new List<(DeploymentSnapshot, ChangeSet)>();
            var ordered = recent.Select(d => snapshots[d.Id]).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).ToList();
            if (history is not null)
            {
                // History pays when it replaces many compares; a read with few deployments gets few pages, then compares.
                history.MaxPages = ordered.Count + 1;
            }

            foreach (var deployment in ordered)
            {
                var baseline = await baselines.PreviousSuccessAsync(deployment, cancellationToken);
                ChangeSet changes;
                if (baseline is null)
                {
                    // First deployment to the environment (or its baseline lies beyond the capped search): the deployed SHA alone.
                    changes = new ChangeSet(null, DeploymentComparison.Unknown, [deployment.Sha]);
                }
                else if (!comparisons.TryGetValue((baseline.Sha, deployment.Sha), out var known))
                {
                    changes = (history is null ? null : await history.ChangeSetAsync(baseline.Sha, deployment.Sha, baseline.CreatedAt - TrunkHistory.Lookback, cancellationToken))
                        ?? await CompareAsync(baseline.Sha, deployment.Sha, cancellationToken);
                    comparisons[(baseline.Sha, deployment.Sha)] = changes;
                }
                else
                {
                    changes = known;
                }

                result.Add((deployment, changes));
            }

            return result;
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    /// <summary>The deployments list and status lists through REST: 1 request per page and 1 status list per deployment asked for.</summary>
    public IDeploymentFeed RestFeed => new RestDeploymentFeed(this);

    private static async Task<DeploymentSnapshot> SnapshotAsync(IDeploymentFeed feed, DeploymentListing d, CancellationToken cancellationToken) =>
        new(d.Id, d.Sha, d.Environment, d.CreatedAt, await feed.StatusesAsync(d, cancellationToken));

    private async Task<IReadOnlyList<DeploymentStatusSnapshot>> ReadStatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken)
    {
        var path = $"{reader.RepositoryPath}/deployments/{deployment.Id.ToString(CultureInfo.InvariantCulture)}/statuses";
        var statuses = new List<DeploymentStatusSnapshot>();
        await foreach (var page in reader.GetWrappedPagesAsync<List<DeploymentStatus>>(path, new Dictionary<string, string> { ["per_page"] = reader.PageSizeValue }, cancellationToken))
        {
            foreach (var status in page)
            {
                if (string.IsNullOrEmpty(status.State.StringValue) || status.CreatedAt == default)
                {
                    throw errors.MalformedPayload(GitHubRestReader.Endpoint(path), "a deployment status without state or created_at");
                }

                // log_url is the status's link (target_url is its deprecated twin) and what GraphQL's logUrl serves.
                var link = string.IsNullOrEmpty(status.LogUrl) ? status.TargetUrl : status.LogUrl;
                statuses.Add(new DeploymentStatusSnapshot(status.State.StringValue.ToLowerInvariant(), status.CreatedAt, string.IsNullOrEmpty(link) ? null : link));
            }
        }

        return statuses;
    }

    private async Task<ChangeSet> CompareAsync(string baseSha, string headSha, CancellationToken cancellationToken)
    {
        var path = $"{reader.RepositoryPath}/compare/{Uri.EscapeDataString(baseSha)}...{Uri.EscapeDataString(headSha)}";
        var shas = new List<string>();
        string? status = null;
        try
        {
            await foreach (var page in reader.GetWrappedPagesAsync<CompareResult>(path, new Dictionary<string, string> { ["per_page"] = reader.PageSizeValue }, cancellationToken))
            {
                status ??= page.Status;
                shas.AddRange((page.Commits ?? []).Select(c => c.Sha).Where(s => !string.IsNullOrEmpty(s)));
            }
        }
        catch (SourceException e) when (e.InnerException is ApiException { StatusCode: HttpStatusCode.NotFound })
        {
            // The base commit is gone (force-push, deleted branch): nothing to compare against.
            return new ChangeSet(null, DeploymentComparison.Unknown, [headSha]);
        }

        return status switch
        {
            "ahead" => new ChangeSet(baseSha, DeploymentComparison.Ahead, shas),
            "diverged" => new ChangeSet(baseSha, DeploymentComparison.Diverged, shas),
            "identical" => new ChangeSet(baseSha, DeploymentComparison.Identical, []),
            "behind" => new ChangeSet(baseSha, DeploymentComparison.Behind, []),
            _ => throw errors.MalformedPayload(GitHubRestReader.Endpoint(path), $"unknown compare status '{status}'"),
        };
    }

    private DeploymentListing Listing(Deployment d, string path) =>
        d.Id > 0 && !string.IsNullOrEmpty(d.Sha) && !string.IsNullOrEmpty(d.Environment) && d.CreatedAt != default
            ? new DeploymentListing(d.Id, d.Sha, d.Environment, d.CreatedAt, d.UpdatedAt)
            : throw errors.MalformedPayload(GitHubRestReader.Endpoint(path), $"a deployment without id, sha, environment or created_at (id {d.Id})");

    private static DateTimeOffset Second(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Finds an environment's previous successful deployment: among the deployments read, else further back in the
    /// list (environment by environment, capped), reading statuses only of the older deployments of that environment.
    /// </summary>
    private sealed class BaselineSearch(
        IDeploymentFeed feed,
        IAsyncEnumerator<IReadOnlyList<DeploymentListing>> pages,
        List<DeploymentListing> older,
        HashSet<long> seen,
        Dictionary<long, DeploymentSnapshot> snapshots,
        bool listContinues)
    {
        private readonly Dictionary<string, int> statusReads = new(StringComparer.OrdinalIgnoreCase);
        private int extraPages;
        private bool more = listContinues;

        public async Task<DeploymentSnapshot?> PreviousSuccessAsync(DeploymentSnapshot deployment, CancellationToken cancellationToken)
        {
            // The environment's state when this one started: the last success that had finished by then. One still running
            // is no baseline even if it started first (overlapping deployments, docs/metrics.md "Deployments").
            var started = Start(deployment);
            var known = snapshots.Values
                .Where(d => d.Id != deployment.Id && Same(d.Environment, deployment.Environment) && d.Succeeded && d.FirstFinal!.CreatedAt < started)
                .OrderByDescending(d => d.FirstFinal!.CreatedAt).ThenByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
                .FirstOrDefault();
            if (known is not null)
            {
                return known;
            }

            // Walk the deployments older than the window, newest first, reading more pages when needed.
            for (var i = 0; ; i++)
            {
                if (i == older.Count && !await NextPageAsync())
                {
                    return null;
                }

                var candidate = older[i];
                if (!Same(candidate.Environment, deployment.Environment))
                {
                    continue;
                }

                if (!snapshots.TryGetValue(candidate.Id, out var snapshot))
                {
                    // The cap bounds REST status lists; GraphQL brings statuses with the list but keeps it, so both APIs find the same baselines.
                    var reads = statusReads.GetValueOrDefault(deployment.Environment);
                    if (reads >= MaxBaselineStatusReads)
                    {
                        return null;
                    }

                    statusReads[deployment.Environment] = reads + 1;
                    snapshot = snapshots[candidate.Id] = await SnapshotAsync(feed, candidate, cancellationToken);
                }

                if (snapshot.Succeeded && snapshot.FirstFinal!.CreatedAt < started)
                {
                    return snapshot;
                }
            }
        }

        private async Task<bool> NextPageAsync()
        {
            if (!more || extraPages >= MaxBaselinePages)
            {
                return false;
            }

            extraPages++;
            if (!await pages.MoveNextAsync())
            {
                more = false;
                return false;
            }

            var before = older.Count;
            foreach (var d in pages.Current)
            {
                if (seen.Add(d.Id))
                {
                    older.Add(d);
                }
            }

            return older.Count > before || await NextPageAsync();
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        /// <summary>Like the engine's start of a deployment: its first <c>in_progress</c> status, else its creation.</summary>
        private static DateTimeOffset Start(DeploymentSnapshot d) => d.FirstInProgress?.CreatedAt ?? d.CreatedAt;
    }

    private sealed class RestDeploymentFeed(GitHubDeliveryReader owner) : IDeploymentFeed
    {
        public async IAsyncEnumerable<IReadOnlyList<DeploymentListing>> PagesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var path = $"{owner.reader.RepositoryPath}/deployments";
            await foreach (var page in owner.reader.GetWrappedPagesAsync<List<Deployment>>(path, new Dictionary<string, string> { ["per_page"] = owner.reader.PageSizeValue }, cancellationToken))
            {
                yield return page.Select(d => owner.Listing(d, path)).ToList();
            }
        }

        public Task<IReadOnlyList<DeploymentStatusSnapshot>> StatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken) =>
            owner.ReadStatusesAsync(deployment, cancellationToken);
    }
}

/// <summary>Where deployments and their statuses come from: REST lists or GraphQL pages.</summary>
internal interface IDeploymentFeed
{
    /// <summary>Pages of deployments, newest first.</summary>
    IAsyncEnumerable<IReadOnlyList<DeploymentListing>> PagesAsync(CancellationToken cancellationToken);

    /// <summary>All statuses of a deployment of these pages, in any order.</summary>
    Task<IReadOnlyList<DeploymentStatusSnapshot>> StatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken);
}
