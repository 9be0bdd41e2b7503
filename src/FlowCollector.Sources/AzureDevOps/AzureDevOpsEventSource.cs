using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Reads Git repositories of Azure DevOps Services or Azure DevOps Server into <see cref="FlowEvent"/>s: pull requests
/// (commits, threads with votes and comments, draft toggles, linked work items), builds of the default branch with their
/// timelines, and environment deployment records with change sets. Requests go through the <c>azuredevops</c> client
/// of <see cref="IHttpClientFactory"/> (credentials, throttling, standard resilience).
/// </summary>
/// <remarks>
/// Cost of one read: 1 request for the repository; pull requests, 1 per page (<c>$top</c>) of those completed or
/// abandoned in the window, 1 per page of active ones, per pull request 2 (commits, threads), and for the read 1 per 200
/// pull requests (which work items link to them, <c>_apis/wit/artifacturiquery</c>) plus 1 per 200 linked work items; builds
/// and deployments what <see cref="AzureDevOpsDeliveryReader"/> lists. Discovery costs 1 request per configured project.
/// Active pull requests are re-read every read (Azure DevOps lists no "updated since" for them); between full reads the
/// change probe (AzureDevOpsEventSource.Probe.cs) lets the collector skip the read of an unchanged repository. The watermark is the
/// newest close or build finish read, never later than the moment the read started.
/// </remarks>
public sealed partial class AzureDevOpsEventSource : IFlowEventSource
{
    /// <summary>The <c>source</c> tag value and the <see cref="RepositoryRef.Source"/> of every repository this source reads.</summary>
    public const string SourceName = "azuredevops";

    /// <summary>Work items per batch request (Azure DevOps' limit).</summary>
    internal const int WorkItemBatch = 200;

    private readonly AzureDevOpsSourceOptions options;
    private readonly IHttpClientFactory clients;
    private readonly AzureDevOpsThrottle throttle;
    private readonly AzureDevOpsCredentials credentials;
    private readonly TimeProvider time;
    private readonly ILogger<AzureDevOpsEventSource> logger;
    private readonly AzureDevOpsEndpoints? endpoints;
    private readonly AzureDevOpsBots bots;

    internal AzureDevOpsEventSource(
        IOptions<AzureDevOpsSourceOptions> options,
        IHttpClientFactory clients,
        AzureDevOpsThrottle throttle,
        AzureDevOpsCredentials credentials,
        TimeProvider time,
        ILogger<AzureDevOpsEventSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.clients = clients;
        this.throttle = throttle;
        this.credentials = credentials;
        this.time = time;
        this.logger = logger;
        bots = new AzureDevOpsBots(this.options.BotNames);
        endpoints = this.options.OrganizationUrl is { IsAbsoluteUri: true } url ? new AzureDevOpsEndpoints(url, this.options.Organization) : null;
        ConfiguredRepositories = endpoints is null
            ? []
            : this.options.Repositories
                .Select(r => r?.Split('/') is [{ Length: > 0 } project, { Length: > 0 } name] ? endpoints.Repository(project.Trim(), name.Trim()) : null)
                .OfType<RepositoryRef>()
                .ToList();
    }

    public string Source => SourceName;

    public IReadOnlyList<RepositoryRef> ConfiguredRepositories { get; }

    /// <summary>
    /// <see cref="ConfiguredRepositories"/> first, in configuration order, then the repositories of every
    /// <c>Sources:AzureDevOps:Projects</c> entry that its rules keep, sorted by project and name; a repository both
    /// configured and discovered is kept once (names compared case-insensitively, as Azure DevOps does). One request
    /// per project, through the same client (credentials, throttle, resilience) as the reads.
    /// </summary>
    public async Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken)
    {
        var projects = options.Projects ?? [];
        if (projects.Count == 0)
        {
            return ConfiguredRepositories;
        }

        var endpoints = this.endpoints ?? throw new SourceException($"{AzureDevOpsSourceOptions.SectionName}:OrganizationUrl is not set; set it to list the repositories of {AzureDevOpsSourceOptions.SectionName}:Projects.");
        var discovered = new List<RepositoryRef>();
        for (var i = 0; i < projects.Count; i++)
        {
            var project = projects[i];
            var name = (project.Name ?? "").Trim();
            var key = $"{AzureDevOpsSourceOptions.SectionName}:Projects:{i}:Name";
            var errors = AzureDevOpsErrors.ForProject(name, key, endpoints.BaseAddress, credentials.Key);
            var client = new AzureDevOpsClient(clients.CreateClient(AzureDevOpsSourceServiceCollectionExtensions.HttpClientName), endpoints, errors, options.PageSize);
            var path = AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(name, "git/repositories"));
            var listed = (await client.GetAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoRepository, cancellationToken, repositoryRequest: true)).Value ?? [];
            var filter = new AzureDevOpsRepositoryFilter(project);
            var kept = 0;
            foreach (var repository in listed.Where(r => r is not null))
            {
                if (filter.Skip(repository) is { } reason)
                {
                    LogSkipped(logger, name, repository.Name ?? repository.Id ?? "?", reason);
                    continue;
                }

                // The project's own spelling (the key may be an id or differently cased) names the target.
                discovered.Add(endpoints.Repository(repository.Project?.Name is { Length: > 0 } projectName ? projectName : name, repository.Name!));
                kept++;
            }

            LogDiscovered(logger, name, listed.Count, kept);
        }

        var seen = new HashSet<string>(ConfiguredRepositories.Select(r => r.FullName), StringComparer.OrdinalIgnoreCase);
        var result = new List<RepositoryRef>(ConfiguredRepositories);
        foreach (var repository in discovered.OrderBy(r => r.Owner, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (seen.Add(repository.FullName))
            {
                result.Add(repository);
            }
        }

        return result;
    }

    public async Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (client, endpoints) = Open(repository);
        var readStart = time.GetUtcNow();
        var project = AzureDevOpsEndpoints.ProjectOf(repository);
        var repo = await GetRepositoryAsync(client, project, repository, cancellationToken);
        if (string.IsNullOrEmpty(repo.DefaultBranch))
        {
            // An empty repository has no default branch and nothing to measure yet.
            return new SourceReadResult([], null, new SourceUsage(client.Requests, throttle.RateLimitRemaining));
        }

        DateTimeOffset? watermark = null;
        void Offer(DateTimeOffset? at)
        {
            if (at is { } t && t <= readStart && (watermark is null || t > watermark))
            {
                watermark = t;
            }
        }

        var events = new List<FlowEvent>();
        var pullRequests = await ReadPullRequestsAsync(client, project, repository, repo, since, cancellationToken);
        var mapper = new AdoPullRequestEventMapper(repository, bots);
        foreach (var pr in pullRequests)
        {
            events.AddRange(mapper.Map(pr));
            if (!string.Equals(pr.PullRequest.Status, "active", StringComparison.OrdinalIgnoreCase))
            {
                Offer(pr.PullRequest.ClosedDate);
            }
        }

        if (options.ReadDirectPushes)
        {
            var merges = pullRequests.Select(p => p.PullRequest.LastMergeCommit?.CommitId).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
            var pushes = new AzureDevOpsPushReader(client, endpoints, project, bots);
            events.AddRange(await pushes.ReadAsync(repository, repo.DefaultBranch, merges, since, Offer, cancellationToken));
        }

        var (finished, running, deployments) = (0, 0, 0);
        if (options.ReadBuilds)
        {
            var delivery = new AzureDevOpsDeliveryReader(client, endpoints, project);
            var builds = await delivery.ReadBuildsAsync(repo.Id!, repo.DefaultBranch, since, cancellationToken);
            (finished, running) = (builds.Finished.Count, builds.Running.Count);
            var runs = await ConcurrentlyAsync(builds.Finished.Concat(builds.Running).ToList(), (build, token) => delivery.ReadTimelineAsync(build, readTimeline: true, token), cancellationToken);
            foreach (var run in runs)
            {
                events.AddRange(AdoBuildEventMapper.MapRun(repository, run));
            }

            foreach (var build in builds.Finished)
            {
                Offer(build.FinishTime);
            }

            var finishedRuns = builds.Finished.ToDictionary(b => b.Id);
            var deployedRuns = new HashSet<int>();
            var deploying = new AdoDeployingStages(options.StageEnvironments);
            if (options.ReadEnvironmentDeployments)
            {
                foreach (var (deployment, changes) in await delivery.ReadDeploymentsAsync(finishedRuns, since, builds.Running, deploying, repo.Id!, repo.DefaultBranch, cancellationToken))
                {
                    deployedRuns.Add(deployment.BuildId);
                    deployments += deployment.Deployed ? 1 : 0;
                    events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes));
                }
            }

            // After the records: they tell which stages deploy, and CI is what ran before the first of them.
            foreach (var run in runs)
            {
                events.AddRange(AdoBuildEventMapper.MapTimeline(repository, run, deploying.Of(run)));
            }

            // A run waiting at its production approval has no records yet, though its staging stage deployed hours ago:
            // its finished deploying stages stand in until the records arrive (then those replace them).
            foreach (var run in runs.Where(r => !finishedRuns.ContainsKey(r.Build.Id)))
            {
                var standIns = AdoDeployments.FromRunningStages(run, deploying);
                var changes = standIns.Count == 0 ? null : await delivery.RunChangesAsync(run.Build.Id, cancellationToken);
                foreach (var deployment in standIns)
                {
                    events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes).Select(e => e with { Provisional = true }));
                }
            }

            // Stage names are the fallback only: a run with environment deployment records is never mapped twice.
            foreach (var run in runs.Where(r => finishedRuns.ContainsKey(r.Build.Id) && !deployedRuns.Contains(r.Build.Id)))
            {
                foreach (var deployment in AdoDeployments.FromStages(run, options.StageEnvironments).Where(d => d.Deployed && d.Result.Length > 0))
                {
                    deployments++;
                    var changes = await delivery.RunChangesAsync(run.Build.Id, cancellationToken);
                    events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes));
                }
            }
        }

        var releaseRequests = 0;
        if (options.ReadReleases)
        {
            var releaseClient = OpenReleaseManagement(repository, endpoints);
            var releases = new AzureDevOpsReleaseReader(releaseClient, client, endpoints, project);
            foreach (var (deployment, changes) in await releases.ReadAsync(repo.Id!, since, cancellationToken))
            {
                deployments++;
                events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes));
                Offer(deployment.Finished);
            }

            releaseRequests = releaseClient.Requests;
        }

        if (options.ReadIncidents)
        {
            var incidents = new AzureDevOpsIncidentReader(client, endpoints, project);
            var query = AzureDevOpsIncidentReader.Query(options.IncidentWorkItemType, options.IncidentTags, options.IncidentAreaPath, since);
            events.AddRange(await incidents.ReadAsync(repository, query, cancellationToken));
        }

        var requests = client.Requests + releaseRequests;

        LogRead(logger, repository.Key, since, pullRequests.Count, finished, running, deployments, events.Count, requests, throttle.RateLimitRemaining);
        return new SourceReadResult(events, watermark, new SourceUsage(requests, throttle.RateLimitRemaining));
    }

    public async Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken)
    {
        var (client, _) = Open(repository);
        try
        {
            var repo = await GetRepositoryAsync(client, AzureDevOpsEndpoints.ProjectOf(repository), repository, cancellationToken);
            return new TargetCheck(repository, true, string.IsNullOrEmpty(repo.DefaultBranch)
                ? "empty repository (no default branch yet)"
                : $"default branch {AdoPullRequestEventMapper.BranchName(repo.DefaultBranch)}");
        }
        catch (SourceException e)
        {
            return new TargetCheck(repository, false, e.Message);
        }
    }

    private static async Task<AdoRepository> GetRepositoryAsync(AzureDevOpsClient client, string project, RepositoryRef repository, CancellationToken cancellationToken)
    {
        var path = AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(project, $"git/repositories/{Uri.EscapeDataString(repository.Name)}"));
        var repo = await client.GetAsync(path, AzureDevOpsJsonContext.Default.AdoRepository, cancellationToken, repositoryRequest: true);
        return string.IsNullOrEmpty(repo.Id)
            ? throw client.Errors.MalformedPayload(AzureDevOpsClient.Endpoint(path), "a repository without id")
            : repo;
    }

    /// <summary>
    /// <paramref name="read"/> for every item, at most <see cref="AzureDevOpsSourceOptions.MaxConcurrentRequests"/> at a
    /// time; results in the items' order, so what a read produces does not depend on which answer came first.
    /// </summary>
    private async Task<List<TResult>> ConcurrentlyAsync<TItem, TResult>(List<TItem> items, Func<TItem, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
    {
        var results = new TResult[items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxConcurrentRequests), CancellationToken = cancellationToken },
            async (i, token) => results[i] = await read(items[i], token));
        return [.. results];
    }

    private async Task<List<AdoPullRequestSnapshot>> ReadPullRequestsAsync(
        AzureDevOpsClient client, string project, RepositoryRef repository, AdoRepository repo, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var listPath = AzureDevOpsEndpoints.ProjectPath(project, $"git/repositories/{Uri.EscapeDataString(repository.Name)}/pullrequests");
        var listed = new Dictionary<int, AdoPullRequest>();

        // Closed in the window (queryTimeRangeType=closed): filtering by creation would miss a long-open change merged today.
        foreach (var status in new[] { "completed", "abandoned", "active" })
        {
            (string, string?)[] query =
            [
                ("searchCriteria.status", status),
                ("searchCriteria.targetRefName", repo.DefaultBranch),
                ("searchCriteria.queryTimeRangeType", status == "active" ? null : "closed"),
                ("searchCriteria.minTime", status == "active" ? null : AzureDevOpsClient.Time(since)),
            ];
            await foreach (var page in client.GetSkipPagesAsync(listPath, AzureDevOpsJsonContext.Default.AdoListAdoPullRequest, cancellationToken, query))
            {
                foreach (var pr in page)
                {
                    if (pr.PullRequestId <= 0 || pr.CreationDate is null || (status != "active" && pr.ClosedDate is null))
                    {
                        throw client.Errors.IncompleteItem(AzureDevOpsClient.Endpoint(AzureDevOpsClient.Path(listPath, query)), $"pull request {pr.PullRequestId} ({pr.Status}) without pullRequestId, creationDate or closedDate");
                    }

                    listed[pr.PullRequestId] = pr; // a pull request completed while we page may show up twice
                }

                // Closed ones are listed newest first; active ones have no date that moves through the window.
                ReadProgress.Listed(page.Count, status == "active" || page.Count == 0 ? null : page.Min(p => p.ClosedDate));
            }
        }

        // Commits and threads of each pull request, several pull requests at a time: a backfill is thousands of round
        // trips, and the organisation's throttle (MaxConcurrentRequests) bounds what is in flight across every read.
        ReadProgress.Listed(0, since); // the listing covered the window back to its start
        var ordered = listed.Values.OrderBy(p => p.PullRequestId).ToList();
        var detailed = 0;
        var snapshots = await ConcurrentlyAsync(ordered, async (pr, token) =>
        {
            var prPath = $"{listPath}/{AzureDevOpsClient.Number(pr.PullRequestId)}";
            var commits = await client.GetAllAsync($"{prPath}/commits", AzureDevOpsJsonContext.Default.AdoListAdoCommitRef, token);
            var threads = (await client.GetAsync(AzureDevOpsClient.Path($"{prPath}/threads"), AzureDevOpsJsonContext.Default.AdoListAdoThread, token)).Value ?? [];
            ReadProgress.Detailed(Interlocked.Increment(ref detailed), ordered.Count);
            return (Pr: pr, Commits: commits, Threads: threads);
        }, cancellationToken);

        var links = options.ReadWorkItems
            ? await ReadWorkItemLinksAsync(client, listPath, repo, snapshots.Select(s => s.Pr).ToList(), cancellationToken)
            : [];

        var items = await ReadWorkItemsAsync(client, project, links.Values.SelectMany(ids => ids).Distinct().Order().ToList(), cancellationToken);
        return snapshots
            .Select(s => new AdoPullRequestSnapshot(
                s.Pr,
                endpoints!.PullRequestWebUrl(project, repository.Name, s.Pr.PullRequestId),
                s.Commits,
                s.Threads,
                links.GetValueOrDefault(s.Pr.PullRequestId, []).Select(id => items.GetValueOrDefault(id)).OfType<AdoWorkItem>().ToList()))
            .ToList();
    }

    /// <summary>
    /// The work items linked to each of <paramref name="pullRequests"/>. A link from a work item to a pull request is an
    /// artifact link to the pull request's artifact URI, which is exactly what <c>pullRequests/{id}/workitems</c> reads one
    /// pull request at a time; <c>wit/artifacturiquery</c> answers it for up to <see cref="WorkItemBatch"/> pull requests
    /// in one request. Without the project's id (an older server's repository payload) the per-pull-request endpoint is used.
    /// </summary>
    private static async Task<Dictionary<int, List<int>>> ReadWorkItemLinksAsync(
        AzureDevOpsClient client, string listPath, AdoRepository repo, List<AdoPullRequest> pullRequests, CancellationToken cancellationToken)
    {
        var links = new Dictionary<int, List<int>>();
        var projectId = repo.Project?.Id;
        if (string.IsNullOrEmpty(projectId))
        {
            foreach (var pr in pullRequests)
            {
                var refs = await client.GetAsync(
                    AzureDevOpsClient.Path($"{listPath}/{AzureDevOpsClient.Number(pr.PullRequestId)}/workitems"), AzureDevOpsJsonContext.Default.AdoListAdoWorkItemRef, cancellationToken);
                links[pr.PullRequestId] = (refs.Value ?? []).Select(r => int.TryParse(r.Id, out var id) ? id : 0).Where(id => id > 0).ToList();
            }

            return links;
        }

        // Organisation-wide, as the reference example calls it: a work item of another project may link to the pull request too.
        var path = AzureDevOpsClient.Path("_apis/wit/artifacturiquery");
        foreach (var batch in pullRequests.Chunk(WorkItemBatch))
        {
            var uris = batch.ToDictionary(pr => pr.PullRequestId, pr => pr.ArtifactId is { Length: > 0 } id ? id : PullRequestArtifactUri(projectId, repo.Id!, pr.PullRequestId));
            var found = await client.PostAsync(
                path,
                new AdoArtifactUriQuery { ArtifactUris = [.. uris.Values] },
                AzureDevOpsJsonContext.Default.AdoArtifactUriQuery,
                AzureDevOpsJsonContext.Default.AdoArtifactUriQueryResult,
                cancellationToken);
            if (found.ArtifactUrisQueryResult is not { } byUri)
            {
                throw client.Errors.MalformedPayload("POST /" + AzureDevOpsClient.Endpoint(path)["GET /".Length..], "an artifact URI query result without artifactUrisQueryResult");
            }

            // The URI's escapes (%2f or %2F) and GUIDs may come back in another case than sent.
            var lookup = new Dictionary<string, List<AdoNamedRef>?>(byUri, StringComparer.OrdinalIgnoreCase);
            foreach (var (pullRequestId, uri) in uris)
            {
                links[pullRequestId] = (lookup.GetValueOrDefault(uri) ?? []).Where(r => r is not null && r.Id > 0).Select(r => r.Id).Distinct().ToList();
            }
        }

        return links;
    }

    /// <summary>The artifact URI of a pull request, as Azure DevOps writes it in <c>artifactId</c> and in work items' links.</summary>
    internal static string PullRequestArtifactUri(string projectId, string repositoryId, int pullRequestId) =>
        $"vstfs:///Git/PullRequestId/{projectId}%2f{repositoryId}%2f{AzureDevOpsClient.Number(pullRequestId)}";

    private static async Task<Dictionary<int, AdoWorkItem>> ReadWorkItemsAsync(AzureDevOpsClient client, string project, List<int> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, AdoWorkItem>();
        foreach (var batch in ids.Chunk(WorkItemBatch))
        {
            var path = AzureDevOpsClient.Path(
                AzureDevOpsEndpoints.ProjectPath(project, "wit/workitems"),
                ("ids", string.Join(',', batch.Select(id => AzureDevOpsClient.Number(id)))),
                ("fields", $"{AdoPullRequestEventMapper.CreatedDateField},{AdoPullRequestEventMapper.ActivatedDateField}"),
                ("errorPolicy", "omit"));
            var page = await client.GetAsync(path, AzureDevOpsJsonContext.Default.AdoListAdoWorkItem, cancellationToken);

            // errorPolicy=omit: a deleted or hidden work item comes back as null instead of failing the batch.
            foreach (var item in (page.Value ?? []).Where(i => i is not null && i.Id > 0))
            {
                result[item.Id] = item;
            }
        }

        return result;
    }

    private (AzureDevOpsClient Client, AzureDevOpsEndpoints Endpoints) Open(RepositoryRef repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!string.Equals(repository.Source, SourceName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Repository {repository.Key} belongs to source '{repository.Source}', not '{SourceName}'.", nameof(repository));
        }

        var endpoints = this.endpoints ?? throw new SourceException($"{AzureDevOpsSourceOptions.SectionName}:OrganizationUrl is not set; set it to read {repository.FullName}.");
        var errors = new AzureDevOpsErrors(repository, endpoints.BaseAddress, credentials.Key);
        return (new AzureDevOpsClient(clients.CreateClient(AzureDevOpsSourceServiceCollectionExtensions.HttpClientName), endpoints, errors, options.PageSize), endpoints);
    }

    /// <summary>A client on the Release Management host (<c>vsrm</c>), which classic releases live on.</summary>
    private AzureDevOpsClient OpenReleaseManagement(RepositoryRef repository, AzureDevOpsEndpoints endpoints)
    {
        var url = options.ReleaseManagementUrl ?? AzureDevOpsEndpoints.ReleaseManagementOf(endpoints.BaseAddress);
        var releaseEndpoints = new AzureDevOpsEndpoints(url, endpoints.Organization);
        var errors = new AzureDevOpsErrors(repository, releaseEndpoints.BaseAddress, credentials.Key);
        return new AzureDevOpsClient(clients.CreateClient(AzureDevOpsSourceServiceCollectionExtensions.HttpClientName), releaseEndpoints, errors, options.PageSize);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Not collecting {Project}/{Repository}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string project, string repository, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Project {Project} lists {Listed} repositories; {Kept} kept by its rules")]
    private static partial void LogDiscovered(ILogger logger, string project, int listed, int kept);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Repository} since {Since:O}: {PullRequests} pull requests, {FinishedBuilds} finished and {RunningBuilds} running builds, {Deployments} deployments, {Events} events, {Requests} requests, usage left {RateLimitRemaining}")]
    private static partial void LogRead(ILogger logger, string repository, DateTimeOffset since, int pullRequests, int finishedBuilds, int runningBuilds, int deployments, int events, int requests, int? rateLimitRemaining);
}
