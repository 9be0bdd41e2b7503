using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Auth;
using FlowCollector.Sources.GitHub.Mapping;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Sources.GitHub.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;

namespace FlowCollector.Sources.GitHub;

/// <summary>
/// Reads pull requests of GitHub repositories into <see cref="FlowEvent"/>s. Each read builds its own Octokit
/// connection on the <c>github</c> handler pipeline of <see cref="IHttpMessageHandlerFactory"/> (API-version header,
/// standard resilience, telemetry), so handlers rotate as the factory intends.
/// </summary>
/// <remarks>
/// Cost of one read with <see cref="GitHubApi.GraphQl"/> (default): 1 point per 49 pull requests updated since the
/// given time (see <see cref="GitHubGraphQlDocuments"/>), 1 more per extra 100 commits, reviews or draft/review-request
/// events of a pull request, and no REST request for pull requests. With <see cref="GitHubApi.Rest"/>:
/// 1 request for the repository, 1 per page of pull requests updated since the given time
/// (plus the page holding the first older one), and for each such pull request on the default branch
/// 3 (commits, reviews, timeline; more when a list spans several pages). Pull requests to other branches cost nothing extra.
/// Workflow runs and deployments add what <see cref="GitHubDeliveryReader"/> lists (at least 1 request or point each
/// when enabled; with GraphQL, deployments, their statuses and the trunk history for change sets are GraphQL queries and
/// runs stay REST).
/// Runs and deployments do not move the watermark: they are read by creation time from the same window. A run created
/// before the window start that finishes later is not seen again (the overlap is the margin); a deployment is, for up
/// to <see cref="GitHubDeliveryReader.PendingLookback"/>, because its updated_at moves with its statuses.
/// </remarks>
public sealed partial class GitHubEventSource : IFlowEventSource
{
    /// <summary>The <c>source</c> tag value and the <see cref="RepositoryRef.Source"/> of every repository this source reads.</summary>
    public const string SourceName = GitHubSourceNames.Source;

    /// <summary>The <c>fallback</c> tag of deployments that are published releases.</summary>
    public const string FallbackRelease = "release";

    /// <summary>The <c>fallback</c> tag of deployments that are successful runs of the fallback workflow.</summary>
    public const string FallbackCiRun = "ci_run";

    private readonly GitHubSourceOptions options;
    private readonly GitHubCredentials credentials;
    private readonly IHttpMessageHandlerFactory handlers;
    private readonly IHttpClientFactory clients;
    private readonly TimeProvider time;
    private readonly ILogger<GitHubEventSource> logger;
    private readonly Uri baseAddress;
    private readonly Uri graphQlEndpoint;
    private readonly GitHubBots bots;

    public GitHubEventSource(
        IOptions<GitHubSourceOptions> options, GitHubCredentials credentials, IHttpMessageHandlerFactory handlers, IHttpClientFactory clients, TimeProvider time, ILogger<GitHubEventSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.credentials = credentials;
        this.handlers = handlers;
        this.clients = clients;
        this.time = time;
        this.logger = logger;

        baseAddress = GitHubOctokit.RestRoot(this.options.ApiBaseAddress);
        graphQlEndpoint = GitHubGraphQlClient.EndpointFor(baseAddress);
        bots = new GitHubBots(this.options.BotLogins);
        ConfiguredRepositories = this.options.Repositories
            .Select(r => r?.Split('/') is [{ Length: > 0 } owner, { Length: > 0 } name] ? new RepositoryRef(SourceName, owner, name) : null)
            .OfType<RepositoryRef>()
            .ToList();
    }

    public string Source => SourceName;

    public IReadOnlyList<RepositoryRef> ConfiguredRepositories { get; }

    /// <inheritdoc/>
    public string? BudgetKey(RepositoryRef repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return credentials.BudgetKey(repository.Owner);
    }

    public async Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken)
    {
        EnsureOurs(repository);
        using var http = CreateHttpClient();
        var reader = CreateReader(repository, http);

        GitHubGraphQlClient? graphQl = null;
        PullRequestRead pullRequests;
        if (options.Api == GitHubApi.GraphQl)
        {
            graphQl = CreateGraphQlClient(repository);
            pullRequests = await new GitHubGraphQlReader(graphQl, repository, Errors(repository), options.ReadLinkedIssues)
                .ReadPullRequestsAsync(since, reader.GetDefaultBranchAsync, cancellationToken);
        }
        else
        {
            pullRequests = await ReadPullRequestsWithRestAsync(reader, repository, since, cancellationToken);
        }

        var defaultBranch = pullRequests.DefaultBranch;
        var mapper = new PullRequestEventMapper(repository, bots);
        var events = new List<FlowEvent>();
        foreach (var snapshot in pullRequests.Selected)
        {
            events.AddRange(mapper.Map(snapshot));
        }

        if (graphQl is not null && options.ReadDirectPushes)
        {
            events.AddRange(await new GitHubDirectCommitReader(graphQl, repository, Errors(repository), bots).ReadAsync(since, cancellationToken));
        }

        var delivery = new GitHubDeliveryReader(reader, repository, Errors(repository));
        var runs = 0;
        List<WorkflowRunSnapshot> workflowRuns = [];
        if (options.ReadWorkflowRuns)
        {
            var read = await RefusedAsHint(
                () => delivery.ReadRunsAsync(defaultBranch, since, time.GetUtcNow(), cancellationToken), repository, "workflow runs", "Actions", nameof(GitHubSourceOptions.ReadWorkflowRuns));
            runs = read.Count;
            events.AddRange(read.SelectMany(run => WorkflowRunEventMapper.Map(repository, run)));

            // Every attempt is a pipeline_run (success rates would be inflated otherwise), and ci_queue ends at the first one's start.
            var earlier = await delivery.ReadEarlierAttemptsAsync(read, cancellationToken);
            events.AddRange(earlier.SelectMany(run => WorkflowRunEventMapper.Map(repository, run)));
            workflowRuns = [.. read, .. earlier];
        }

        var deployments = 0;
        if (options.ReadDeployments)
        {
            // GraphQL: statuses come with the deployments list and change sets from trunk history read once; compare only as the fallback.
            var (feed, history) = graphQl is null
                ? (delivery.RestFeed, null)
                : ((IDeploymentFeed)new GitHubGraphQlDeploymentFeed(graphQl, repository, Errors(repository), options.PageSize), new TrunkHistory(graphQl, repository, Errors(repository)));
            var observed = new ObservedDeploymentFeed(feed);
            var read = await RefusedAsHint(
                () => delivery.ReadDeploymentsAsync(since, observed, history, cancellationToken), repository, "deployments", "Deployments", nameof(GitHubSourceOptions.ReadDeployments));
            deployments = read.Count;
            events.AddRange(read.SelectMany(d => DeploymentEventMapper.Map(repository, d.Deployment, d.Changes)));
            if (!observed.ListedAny && graphQl is not null && options.DeploymentFallback == GitHubDeploymentFallback.Releases)
            {
                // No deployment ever: published releases stand in, marked so boards and readers can tell.
                var releases = new GitHubGraphQlReleaseFeed(graphQl, repository, Errors(repository), options.FallbackEnvironment);
                var released = await delivery.ReadDeploymentsAsync(since, releases, new TrunkHistory(graphQl, repository, Errors(repository)), cancellationToken);
                deployments += released.Count;
                events.AddRange(released.SelectMany(d => DeploymentEventMapper.Map(repository, d.Deployment, d.Changes)).Select(e => e with { Fallback = FallbackRelease }));
            }

            if (!observed.ListedAny && options.DeploymentFallback == GitHubDeploymentFallback.CiRuns)
            {
                // No deployment ever: the named workflow's successful runs stand in, marked so boards and readers can tell.
                var ciRuns = new CiRunDeploymentFeed(workflowRuns, options.FallbackWorkflow, options.FallbackEnvironment);
                var trunk = graphQl is null ? null : new TrunkHistory(graphQl, repository, Errors(repository));
                var stoodIn = await delivery.ReadDeploymentsAsync(since, ciRuns, trunk, cancellationToken);
                deployments += stoodIn.Count;
                events.AddRange(stoodIn.SelectMany(d => DeploymentEventMapper.Map(repository, d.Deployment, d.Changes)).Select(e => e with { Fallback = FallbackCiRun }));

                // The named workflow deploys here, also when a run of it failed: none of its runs is CI.
                for (var i = 0; i < events.Count; i++)
                {
                    if (events[i] is { Kind: FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished, Pipeline: { } pipeline }
                        && Domain.ValueStream.CiPipelines.Matches(options.FallbackWorkflow, pipeline))
                    {
                        events[i] = events[i] with { Deploys = true };
                    }
                }
            }
        }

        if (options.IncidentLabels.Count > 0)
        {
            events.AddRange(await new GitHubIncidentReader(reader, repository, Errors(repository)).ReadAsync(options.IncidentLabels, since, cancellationToken));
        }

        LogRead(logger, repository.Key, since, pullRequests.Listed, pullRequests.Selected.Count, defaultBranch, events.Count, reader.Requests, reader.RateLimitRemaining);
        LogDelivery(logger, repository.Key, runs, delivery.RunRangeSplits, deployments);
        if (graphQl is null)
        {
            return new SourceReadResult(events, pullRequests.HighWatermark, new SourceUsage(reader.Requests, reader.RateLimitRemaining));
        }

        LogGraphQl(logger, repository.Key, graphQl.Requests, graphQl.Points, graphQl.PointsRemaining);

        // REST requests and GraphQL points come from two hourly budgets; the scarcer one is what limits polling.
        var remaining = (reader.RateLimitRemaining, graphQl.PointsRemaining) switch
        {
            ({ } rest, { } points) => Math.Min(rest, points),
            (var rest, var points) => rest ?? points,
        };
        return new SourceReadResult(events, pullRequests.HighWatermark, new SourceUsage(reader.Requests + graphQl.Requests, remaining));
    }

    /// <summary>The REST way: list pages (1 request per 100), then commits, reviews and timeline per pull request into the default branch.</summary>
    private static async Task<PullRequestRead> ReadPullRequestsWithRestAsync(GitHubRestReader reader, RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var defaultBranch = await reader.GetDefaultBranchAsync(cancellationToken);
        var listEndpoint = GitHubRestReader.Endpoint($"repos/{repository.FullName}/pulls");
        var selected = new List<PullRequest>();
        var listing = new PullRequestListing(since);
        await foreach (var page in reader.GetPullRequestPagesByUpdateAsync(cancellationToken))
        {
            listing.StartPage();
            foreach (var pr in page)
            {
                reader.EnsureUsable(pr, listEndpoint);
                var step = listing.Next(pr.Number, pr.UpdatedAt);
                if (step == ListingStep.Stop)
                {
                    break;
                }

                if (step == ListingStep.Take && string.Equals(pr.Base.Ref, defaultBranch, StringComparison.Ordinal))
                {
                    selected.Add(pr);
                }
            }

            ReadProgress.Listed(listing.ListedOnPage, listing.OldestOnPage);
            if (listing.ReachedOlder)
            {
                break;
            }
        }

        ReadProgress.Listed(0, since); // the listing covered the window back to its start
        var snapshots = new List<PullRequestSnapshot>(selected.Count);
        foreach (var pr in selected)
        {
            snapshots.Add(await reader.ReadPullRequestAsync(pr, cancellationToken));
            ReadProgress.Detailed(snapshots.Count, selected.Count);
        }

        return new PullRequestRead(defaultBranch, snapshots, listing.Distinct, listing.HighWatermark);
    }

    public async Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken)
    {
        EnsureOurs(repository);
        using var http = CreateHttpClient();
        var reader = CreateReader(repository, http);
        try
        {
            var defaultBranch = await reader.GetDefaultBranchAsync(cancellationToken);
            return new TargetCheck(repository, true, $"default branch {defaultBranch}");
        }
        catch (SourceException e)
        {
            return new TargetCheck(repository, false, e.Message);
        }
    }

    private UnboundedOctokitHttpClient CreateHttpClient() => GitHubOctokit.Transport(handlers);

    private GitHubGraphQlClient CreateGraphQlClient(RepositoryRef repository) =>
        new(clients.CreateClient(GitHubSourceServiceCollectionExtensions.HttpClientName), graphQlEndpoint, ct => credentials.GetTokenAsync(repository.Owner, ct), Errors(repository));

    private GitHubRestReader CreateReader(RepositoryRef repository, IHttpClient http)
    {
        var connection = GitHubOctokit.Connect(baseAddress, new GitHubCredentialStore(credentials, repository.Owner), http);
        return new GitHubRestReader(connection, repository, options.PageSize, Errors(repository));
    }

    /// <summary>A token without the Actions or Deployments permission gets a 403 that names the permission and the switch to turn the read off.</summary>
    private async Task<T> RefusedAsHint<T>(Func<Task<T>> read, RepositoryRef repository, string what, string permission, string key)
    {
        try
        {
            return await read();
        }
        catch (SourceException e) when (e.InnerException is ApiException { StatusCode: System.Net.HttpStatusCode.Forbidden } && !e.Message.Contains("rate limit", StringComparison.Ordinal))
        {
            throw new SourceException(
                $"GitHub refused to list the {what} of {repository.FullName} (403): give {credentials.Described} read access to {permission} (fine-grained token: \"{permission}: Read-only\") or set {GitHubSourceOptions.SectionName}:{key} to false.", e);
        }
    }

    private GitHubErrors Errors(RepositoryRef repository) => new(repository, baseAddress, time, credentials.Described);

    private static void EnsureOurs(RepositoryRef repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!string.Equals(repository.Source, SourceName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Repository {repository.Key} belongs to source '{repository.Source}', not '{SourceName}'.", nameof(repository));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Repository} since {Since:O}: {Listed} pull requests updated, {Selected} to {DefaultBranch}, {Events} events, {Requests} requests, rate limit left {RateLimitRemaining}")]
    private static partial void LogRead(ILogger logger, string repository, DateTimeOffset since, int listed, int selected, string defaultBranch, int events, int requests, int? rateLimitRemaining);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Repository} through GraphQL: {Requests} queries, {Points} points, {PointsRemaining} points left")]
    private static partial void LogGraphQl(ILogger logger, string repository, int requests, int points, int? pointsRemaining);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Repository}: {Runs} workflow runs on the default branch ({Splits} range splits), {Deployments} deployments")]
    private static partial void LogDelivery(ILogger logger, string repository, int runs, int splits, int deployments);
}
