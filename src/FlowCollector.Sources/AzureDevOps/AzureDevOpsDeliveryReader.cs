using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Reads a repository's builds on the default branch (with timelines) and the environment deployment records of those
/// runs, with change sets, through the <see cref="AzureDevOpsClient"/> of one read.
/// </summary>
/// <remarks>
/// Environment deployment records appear only once the whole run finished, so deployments are taken from the runs that
/// <i>finished</i> in the window: a run still in progress is picked up by the poll after it finishes, never lost. Cost:
/// 1 request per page of finished builds, 1 for the runs in progress, 1 timeline per build, 1 for the environments, 1 per
/// page of records per environment (newest first, back to <see cref="RecordLookback"/> before the window and at most
/// <see cref="MaxBaselinePages"/> more pages to find a baseline), 1 per <see cref="TrunkPageSize"/> commits of the default
/// branch's history (change sets are found in it), and 1 change list only for a deployment whose baseline or SHA lies
/// outside that history or that has no baseline.
/// </remarks>
internal sealed class AzureDevOpsDeliveryReader
{
    /// <summary>How far before the window records are read: a long approval wait keeps a run open that long.</summary>
    internal static readonly TimeSpan RecordLookback = TimeSpan.FromDays(3);

    /// <summary>Record pages read beyond the lookback while looking for an environment's previous successful deployment.</summary>
    internal const int MaxBaselinePages = 3;

    /// <summary>Commits per <c>commitsbatch</c> page (Learn: <c>$top</c> "cannot exceed 50,000").</summary>
    internal const int TrunkPageSize = 1000;

    private const string BranchPrefix = "refs/heads/";

    private readonly AzureDevOpsClient client;
    private readonly AzureDevOpsEndpoints endpoints;
    private readonly string project;

    public AzureDevOpsDeliveryReader(AzureDevOpsClient client, AzureDevOpsEndpoints endpoints, string project)
    {
        this.client = client;
        this.endpoints = endpoints;
        this.project = project;
    }

    /// <summary>Builds of <paramref name="repositoryId"/> on <paramref name="branch"/> finished since <paramref name="since"/>, and those still running.</summary>
    public async Task<(List<AdoBuild> Finished, List<AdoBuild> Running)> ReadBuildsAsync(string repositoryId, string branch, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var path = AzureDevOpsEndpoints.ProjectPath(project, "build/builds");
        (string, string?)[] Filter(string status) =>
        [
            ("repositoryId", repositoryId),
            ("repositoryType", "TfsGit"),
            ("branchName", branch),
            ("statusFilter", status),
            ("queryOrder", status == "completed" ? "finishTimeAscending" : "queueTimeAscending"),
            ("minTime", status == "completed" ? AzureDevOpsClient.Time(since) : null),
        ];

        var finished = await client.GetAllAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoBuild, cancellationToken, Filter("completed"));
        var running = await client.GetAllAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoBuild, cancellationToken, Filter("inProgress"));

        // Handled like a closed pull request without closedDate: a completed run without its end or result would be
        // dropped (no RunFinished), and once the watermark moved past it, for good. The read fails and is repeated.
        if (finished.FirstOrDefault(b => b.FinishTime is null || string.IsNullOrEmpty(b.Result)) is { } incomplete)
        {
            throw client.Errors.IncompleteItem(
                AzureDevOpsClient.Endpoint(AzureDevOpsClient.Path(path, Filter("completed"))),
                $"build {AzureDevOpsClient.Number(incomplete.Id)} as completed without {(incomplete.FinishTime is null ? "finishTime" : "result")}");
        }
        return (Distinct(finished), Distinct(running));
    }

    public async Task<AdoBuildSnapshot> ReadTimelineAsync(AdoBuild build, bool readTimeline, CancellationToken cancellationToken)
    {
        var url = endpoints.BuildWebUrl(project, build.Id);
        if (!readTimeline)
        {
            return new AdoBuildSnapshot(build, url, []);
        }

        var path = AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(project, $"build/builds/{AzureDevOpsClient.Number(build.Id)}/timeline"));
        var timeline = await client.GetAsync(path, AzureDevOpsJsonContext.Default.AdoTimeline, cancellationToken);
        return new AdoBuildSnapshot(build, url, timeline.Records ?? []);
    }

    /// <summary>
    /// The deployments of <paramref name="runs"/> (finished runs of this repository) to every environment of the project,
    /// each with its change set against the previous successful deployment of the same pipeline to the same environment.
    /// </summary>
    /// <param name="runs">Finished runs of this repository: their records are mapped.</param>
    /// <param name="since">The window's start.</param>
    /// <param name="running">Runs still in progress: no records yet, but earlier runs of their pipelines teach which of their stages deploy where.</param>
    /// <param name="stages">Learns from every record read which stage of which pipeline deploys to which environment.</param>
    /// <param name="repositoryId">The repository whose default-branch history gives the change sets.</param>
    /// <param name="branch">Its default branch (<c>refs/heads/…</c>).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<List<(AdoDeploymentSnapshot Deployment, AdoChangeSet Changes)>> ReadDeploymentsAsync(
        IReadOnlyDictionary<int, AdoBuild> runs, DateTimeOffset since, IReadOnlyCollection<AdoBuild> running, AdoDeployingStages stages, string repositoryId, string branch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(stages);
        // Read at the first change set that needs it, once for every environment.
        AdoTrunkHistory? trunk = null;
        async Task<AdoTrunkHistory> Trunk(DateTimeOffset from) => trunk ??= await ReadTrunkHistoryAsync(repositoryId, branch, from, cancellationToken);
        var result = new List<(AdoDeploymentSnapshot, AdoChangeSet)>();
        if (runs.Count == 0 && running.Count == 0)
        {
            return result;
        }

        var definitions = runs.Values.Concat(running).Select(b => b.Definition?.Id ?? 0).ToHashSet();
        var environments = await client.GetAllAsync(
            AzureDevOpsEndpoints.ProjectPath(project, "distributedtask/environments"), AzureDevOpsJsonContext.Default.AdoListAdoEnvironment, cancellationToken);
        var cutoff = since - RecordLookback;
        foreach (var environment in environments.Where(e => e.Id > 0))
        {
            var ours = new List<AdoEnvironmentDeploymentRecord>();
            var older = new List<AdoEnvironmentDeploymentRecord>();
            var pagesPastCutoff = 0;
            var path = AzureDevOpsEndpoints.ProjectPath(project, $"distributedtask/environments/{AzureDevOpsClient.Number(environment.Id)}/environmentdeploymentrecords");
            await foreach (var page in client.GetContinuationPagesAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoEnvironmentDeploymentRecord, cancellationToken, topName: "top"))
            {
                foreach (var record in page.Where(r => r.Owner is not null && definitions.Contains(r.Definition?.Id ?? 0)))
                {
                    (runs.ContainsKey(record.Owner!.Id) ? ours : older).Add(record);
                }

                // Newest first: once a page is wholly before the cutoff, only a baseline can still be missing.
                var oldest = page.Select(r => r.QueueTime ?? r.StartTime ?? r.FinishTime).Where(t => t is not null).DefaultIfEmpty(null).Min();
                if (page.Count == 0 || oldest is null || oldest < cutoff)
                {
                    var firstOurs = ours.Count == 0 ? int.MaxValue : ours.Min(r => r.Owner!.Id);
                    var hasBaseline = ours.Count == 0 || older.Any(r => r.Owner!.Id < firstOurs && r.Result is "succeeded" or "succeededWithIssues");
                    if (hasBaseline || ++pagesPastCutoff > MaxBaselinePages)
                    {
                        break;
                    }
                }
            }

            var name = environment.Name ?? environment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            stages.Learn(ours.Concat(older), name);
            if (ours.Count == 0)
            {
                continue;
            }

            var deployments = AdoDeployments.FromRecords(ours, name, runs, id => endpoints.BuildWebUrl(project, id));
            var history = AdoDeployments.FromRecords(older, name, runs, id => endpoints.BuildWebUrl(project, id))
                .Concat(deployments)
                .Where(d => d.Succeeded)
                .ToList();
            // The trunk history reaches back to the oldest record read (a baseline deployed before it is looked up by request).
            var historyFrom = ours.Concat(older).Select(r => r.QueueTime ?? r.StartTime ?? r.FinishTime).Where(t => t is not null).DefaultIfEmpty(since).Min()!.Value;
            foreach (var deployment in deployments)
            {
                var changes = deployment.Deployed ? await ChangeSetAsync(deployment, history, () => Trunk(historyFrom), cancellationToken) : new AdoChangeSet(null, DeploymentComparison.Unknown, []);
                result.Add((deployment, changes));
            }
        }

        return result;
    }

    /// <summary>Change set of a stage-mapped deployment: the commits of its run (Azure DevOps' "changes" of a build).</summary>
    public async Task<AdoChangeSet> RunChangesAsync(int buildId, CancellationToken cancellationToken)
    {
        var path = AzureDevOpsEndpoints.ProjectPath(project, $"build/builds/{AzureDevOpsClient.Number(buildId)}/changes");
        var changes = await client.GetAllAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoChange, cancellationToken);
        return new AdoChangeSet(null, DeploymentComparison.Unknown, Shas(changes));
    }

    private async Task<AdoChangeSet> ChangeSetAsync(AdoDeploymentSnapshot deployment, List<AdoDeploymentSnapshot> successes, Func<Task<AdoTrunkHistory>> trunkHistory, CancellationToken cancellationToken)
    {
        // The last successful deployment of the same pipeline to this environment that had finished when this one started:
        // one still running then is no baseline, even if it started first (overlapping deployments, docs/metrics.md "Deployments").
        var start = deployment.Started ?? deployment.Queued ?? deployment.Finished;
        var baseline = successes
            .Where(s => s.DefinitionId == deployment.DefinitionId && s.Id != deployment.Id && s.Finished < start)
            .OrderByDescending(s => s.Finished).ThenByDescending(s => s.Started ?? s.Queued)
            .FirstOrDefault();
        if (baseline is null)
        {
            return await RunChangesAsync(deployment.BuildId, cancellationToken);
        }

        // The same commit deployed again by a newer run is a redeploy, whatever the run ids say.
        if (deployment.Sha is not null && string.Equals(deployment.Sha, baseline.Sha, StringComparison.OrdinalIgnoreCase))
        {
            return new AdoChangeSet(baseline.BuildId, DeploymentComparison.Identical, []);
        }

        var trunk = await trunkHistory();
        return trunk.Between(baseline.BuildId, baseline.Sha, deployment.Sha)
            ?? await ChangesBetweenAsync(baseline.BuildId, deployment.BuildId, cancellationToken);
    }

    /// <summary>
    /// The default branch's first-parent history since <paramref name="from"/> (less a day: a merge lands before the run
    /// that deploys it is queued): <c>POST git/repositories/{id}/commitsbatch</c>, newest first, paged with
    /// <c>$top</c>/<c>$skip</c> (the last page is the first shorter than <c>$top</c>).
    /// </summary>
    private async Task<AdoTrunkHistory> ReadTrunkHistoryAsync(string repositoryId, string branch, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var criteria = new AdoCommitsCriteria
        {
            ItemVersion = new AdoVersionDescriptor { Version = branch.StartsWith(BranchPrefix, StringComparison.Ordinal) ? branch[BranchPrefix.Length..] : branch, VersionType = "branch" },
            ItemPath = "/",
            HistoryMode = "firstParent",
            FromDate = AzureDevOpsClient.Time(from - TimeSpan.FromDays(1)),
        };
        var newestFirst = new List<string>();
        var path = AzureDevOpsEndpoints.ProjectPath(project, $"git/repositories/{Uri.EscapeDataString(repositoryId)}/commitsbatch");
        for (var skip = 0; ; skip += TrunkPageSize)
        {
            var page = await client.PostAsync(
                AzureDevOpsClient.Path(path, ("$top", AzureDevOpsClient.Number(TrunkPageSize)), ("$skip", skip == 0 ? null : AzureDevOpsClient.Number(skip))),
                criteria,
                AzureDevOpsJsonContext.Default.AdoCommitsCriteria,
                AzureDevOpsJsonContext.Default.AdoListAdoCommitRef,
                cancellationToken);
            var commits = page.Value ?? [];
            newestFirst.AddRange(commits.Where(c => !string.IsNullOrEmpty(c.CommitId)).Select(c => c.CommitId!));
            if (commits.Count < TrunkPageSize)
            {
                break;
            }
        }

        newestFirst.Reverse();
        return new AdoTrunkHistory(newestFirst);
    }

    /// <summary>The commits between two runs (Azure DevOps "changes between builds"), compared by run id.</summary>
    public async Task<AdoChangeSet> ChangesBetweenAsync(int baselineBuildId, int buildId, CancellationToken cancellationToken)
    {
        var comparison = AdoDeployments.Compare(baselineBuildId, buildId);
        if (comparison != DeploymentComparison.Ahead)
        {
            return new AdoChangeSet(baselineBuildId, comparison, []);
        }

        var path = AzureDevOpsClient.Path(
            AzureDevOpsEndpoints.ProjectPath(project, "build/changes"),
            ("fromBuildId", AzureDevOpsClient.Number(baselineBuildId)),
            ("toBuildId", AzureDevOpsClient.Number(buildId)),
            ("$top", "1000"));
        var changes = await client.GetAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoChange, cancellationToken);
        return new AdoChangeSet(baselineBuildId, comparison, Shas(changes.Value ?? []));
    }

    private static List<string> Shas(IEnumerable<AdoChange> changes) =>
        changes.Where(c => !string.IsNullOrEmpty(c.Id)).Select(c => c.Id!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static List<AdoBuild> Distinct(List<AdoBuild> builds) =>
        builds.Where(b => b.Id > 0).GroupBy(b => b.Id).Select(g => g.Last()).ToList();
}
