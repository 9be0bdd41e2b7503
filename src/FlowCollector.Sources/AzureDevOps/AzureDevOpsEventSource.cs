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
/// abandoned in the window, 1 per page of active ones, and per pull request 3 (commits, threads, linked work items) plus
/// 1 per 200 linked work items for the read; builds and deployments what <see cref="AzureDevOpsDeliveryReader"/> lists.
/// Active pull requests are re-read every run (Azure DevOps lists no "updated since" for them). The watermark is the
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
        this.bots = new AzureDevOpsBots(this.options.BotNames);
        this.endpoints = this.options.OrganizationUrl is { IsAbsoluteUri: true } url ? new AzureDevOpsEndpoints(url, this.options.Organization) : null;
        this.ConfiguredRepositories = this.endpoints is null
            ? []
            : this.options.Repositories
                .Select(r => r?.Split('/') is [{ Length: > 0 } project, { Length: > 0 } name] ? this.endpoints.Repository(project.Trim(), name.Trim()) : null)
                .OfType<RepositoryRef>()
                .ToList();
    }

    public string Source => SourceName;

    public IReadOnlyList<RepositoryRef> ConfiguredRepositories { get; }

    public async Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (client, endpoints) = this.Open(repository);
        var readStart = this.time.GetUtcNow();
        var project = AzureDevOpsEndpoints.ProjectOf(repository);
        var repo = await GetRepositoryAsync(client, project, repository, cancellationToken);
        if (string.IsNullOrEmpty(repo.DefaultBranch))
        {
            // An empty repository has no default branch and nothing to measure yet.
            return new SourceReadResult([], null, new SourceUsage(client.Requests, this.throttle.RateLimitRemaining));
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
        var pullRequests = await this.ReadPullRequestsAsync(client, project, repository, repo, since, cancellationToken);
        var mapper = new AdoPullRequestEventMapper(repository, this.bots);
        foreach (var pr in pullRequests)
        {
            events.AddRange(mapper.Map(pr));
            if (!string.Equals(pr.PullRequest.Status, "active", StringComparison.OrdinalIgnoreCase))
            {
                Offer(pr.PullRequest.ClosedDate);
            }
        }

        var (finished, running, deployments) = (0, 0, 0);
        if (this.options.ReadBuilds)
        {
            var delivery = new AzureDevOpsDeliveryReader(client, endpoints, project);
            var builds = await delivery.ReadBuildsAsync(repo.Id!, repo.DefaultBranch, since, cancellationToken);
            (finished, running) = (builds.Finished.Count, builds.Running.Count);
            var runs = new List<AdoBuildSnapshot>();
            foreach (var build in builds.Finished.Concat(builds.Running))
            {
                var run = await delivery.ReadTimelineAsync(build, readTimeline: true, cancellationToken);
                runs.Add(run);
                events.AddRange(AdoBuildEventMapper.MapRun(repository, run));
                events.AddRange(AdoBuildEventMapper.MapTimeline(repository, run));
            }

            foreach (var build in builds.Finished)
            {
                Offer(build.FinishTime);
            }

            var finishedRuns = builds.Finished.ToDictionary(b => b.Id);
            var deployedRuns = new HashSet<int>();
            if (this.options.ReadEnvironmentDeployments)
            {
                foreach (var (deployment, changes) in await delivery.ReadDeploymentsAsync(finishedRuns, since, cancellationToken))
                {
                    deployedRuns.Add(deployment.BuildId);
                    deployments += deployment.Deployed ? 1 : 0;
                    events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes));
                }
            }

            // Stage names are the fallback only: a run with environment deployment records is never mapped twice.
            foreach (var run in runs.Where(r => finishedRuns.ContainsKey(r.Build.Id) && !deployedRuns.Contains(r.Build.Id)))
            {
                foreach (var deployment in AdoDeployments.FromStages(run, this.options.StageEnvironments).Where(d => d.Deployed && d.Result.Length > 0))
                {
                    deployments++;
                    var changes = await delivery.RunChangesAsync(run.Build.Id, cancellationToken);
                    events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes));
                }
            }
        }

        var releaseRequests = 0;
        if (this.options.ReadReleases)
        {
            var releaseClient = this.OpenReleaseManagement(repository, endpoints);
            var releases = new AzureDevOpsReleaseReader(releaseClient, client, endpoints, project);
            foreach (var (deployment, changes) in await releases.ReadAsync(repo.Id!, since, cancellationToken))
            {
                deployments++;
                events.AddRange(AdoDeploymentEventMapper.Map(repository, deployment, changes));
                Offer(deployment.Finished);
            }

            releaseRequests = releaseClient.Requests;
        }

        if (this.options.ReadIncidents)
        {
            var incidents = new AzureDevOpsIncidentReader(client, endpoints, project);
            var query = AzureDevOpsIncidentReader.Query(this.options.IncidentWorkItemType, this.options.IncidentTags, this.options.IncidentAreaPath, since);
            events.AddRange(await incidents.ReadAsync(repository, query, cancellationToken));
        }

        var requests = client.Requests + releaseRequests;

        LogRead(this.logger, repository.Key, since, pullRequests.Count, finished, running, deployments, events.Count, requests, this.throttle.RateLimitRemaining);
        return new SourceReadResult(events, watermark, new SourceUsage(requests, this.throttle.RateLimitRemaining));
    }

    public async Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken)
    {
        var (client, _) = this.Open(repository);
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
                        throw client.Errors.MalformedPayload(AzureDevOpsClient.Endpoint(AzureDevOpsClient.Path(listPath, query)), $"a pull request without pullRequestId, creationDate or closedDate (id {pr.PullRequestId})");
                    }

                    listed[pr.PullRequestId] = pr; // a pull request completed while we page may show up twice
                }
            }
        }

        var snapshots = new List<(AdoPullRequest Pr, List<AdoCommitRef> Commits, List<AdoThread> Threads, List<int> WorkItemIds)>();
        foreach (var pr in listed.Values.OrderBy(p => p.PullRequestId))
        {
            var prPath = $"{listPath}/{AzureDevOpsClient.Number(pr.PullRequestId)}";
            var commits = await client.GetAllAsync($"{prPath}/commits", AzureDevOpsJsonContext.Default.AdoListAdoCommitRef, cancellationToken);
            var threads = (await client.GetAsync(AzureDevOpsClient.Path($"{prPath}/threads"), AzureDevOpsJsonContext.Default.AdoListAdoThread, cancellationToken)).Value ?? [];
            var workItems = new List<int>();
            if (this.options.ReadWorkItems)
            {
                var refs = await client.GetAsync(AzureDevOpsClient.Path($"{prPath}/workitems"), AzureDevOpsJsonContext.Default.AdoListAdoWorkItemRef, cancellationToken);
                workItems.AddRange((refs.Value ?? []).Select(r => int.TryParse(r.Id, out var id) ? id : 0).Where(id => id > 0));
            }

            snapshots.Add((pr, commits, threads, workItems));
        }

        var items = await ReadWorkItemsAsync(client, project, snapshots.SelectMany(s => s.WorkItemIds).Distinct().Order().ToList(), cancellationToken);
        return snapshots
            .Select(s => new AdoPullRequestSnapshot(
                s.Pr,
                this.endpoints!.PullRequestWebUrl(project, repository.Name, s.Pr.PullRequestId),
                s.Commits,
                s.Threads,
                s.WorkItemIds.Select(id => items.GetValueOrDefault(id)).OfType<AdoWorkItem>().ToList()))
            .ToList();
    }

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
        var errors = new AzureDevOpsErrors(repository, endpoints.BaseAddress, this.credentials.Key);
        return (new AzureDevOpsClient(this.clients.CreateClient(AzureDevOpsSourceServiceCollectionExtensions.HttpClientName), endpoints, errors, this.options.PageSize), endpoints);
    }

    /// <summary>A client on the Release Management host (<c>vsrm</c>), which classic releases live on.</summary>
    private AzureDevOpsClient OpenReleaseManagement(RepositoryRef repository, AzureDevOpsEndpoints endpoints)
    {
        var url = this.options.ReleaseManagementUrl ?? AzureDevOpsEndpoints.ReleaseManagementOf(endpoints.BaseAddress);
        var releaseEndpoints = new AzureDevOpsEndpoints(url, endpoints.Organization);
        var errors = new AzureDevOpsErrors(repository, releaseEndpoints.BaseAddress, this.credentials.Key);
        return new AzureDevOpsClient(this.clients.CreateClient(AzureDevOpsSourceServiceCollectionExtensions.HttpClientName), releaseEndpoints, errors, this.options.PageSize);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Repository} since {Since:O}: {PullRequests} pull requests, {FinishedBuilds} finished and {RunningBuilds} running builds, {Deployments} deployments, {Events} events, {Requests} requests, usage left {RateLimitRemaining}")]
    private static partial void LogRead(ILogger logger, string repository, DateTimeOffset since, int pullRequests, int finishedBuilds, int runningBuilds, int deployments, int events, int requests, int? rateLimitRemaining);
}
