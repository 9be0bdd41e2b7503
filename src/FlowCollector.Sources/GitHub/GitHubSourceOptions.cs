using System.ComponentModel.DataAnnotations;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Discovery;
using FlowCollector.Sources.GitHub.Shared;

namespace FlowCollector.Sources.GitHub;

/// <summary>
/// Where and what the GitHub source polls. Bound from <c>Sources:GitHub</c>. Retries of transient errors
/// (5xx, timeouts) are configured under <c>Sources:GitHub:Resilience</c> with the keys of
/// Microsoft.Extensions.Http.Resilience's standard handler (e.g. <c>Retry:MaxRetryAttempts</c>, <c>Retry:Delay</c>).
/// </summary>
public sealed class GitHubSourceOptions
{
    public const string SectionName = GitHubSourceNames.Section;

    /// <summary>The section of the standard resilience handler's options for the GitHub HTTP client.</summary>
    public const string ResilienceSectionName = GitHubSourceNames.ResilienceSection;

    /// <summary>
    /// REST root, used as given (default <c>https://api.github.com/</c>). GitHub Enterprise Server:
    /// <c>https://host/api/v3/</c>. A missing trailing slash is added, so the last path segment is kept.
    /// </summary>
    [Required(ErrorMessage = "Sources:GitHub:ApiBaseAddress is empty; set the REST root, e.g. https://api.github.com/ or https://github.example.com/api/v3/.")]
    public Uri ApiBaseAddress { get; set; } = new("https://api.github.com/");

    /// <summary>
    /// A token with read access to pull requests, contents and metadata. Required when <see cref="Repositories"/>
    /// is not empty. Secret: comes from the environment or a mounted secret, is never logged or echoed.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>
    /// Authenticate as a GitHub App instead of with <see cref="Token"/> (set one of the two): app id, private key,
    /// optional installation ids. See <see cref="Auth.GitHubAppOptions"/>. Default: not configured.
    /// </summary>
    public Auth.GitHubAppOptions App { get; set; } = new();

    /// <summary>Repositories to collect, each <c>owner/name</c>, in the order they are scheduled. Empty (default): the source collects nothing.</summary>
    [Required(ErrorMessage = "Sources:GitHub:Repositories is null; leave it out or set a list of owner/name entries.")]
    public List<string> Repositories { get; set; } = [];

    /// <summary>
    /// Organisations (or user accounts) whose repositories are all collected, filtered by each entry's include/exclude
    /// globs, topics, archived and fork rules. Listed at start-up and every <c>Collection:DiscoveryInterval</c> (1 request
    /// per 100 repositories). <see cref="Repositories"/> are collected as well, first, even when archived. Default: none.
    /// </summary>
    public List<GitHubOrganizationOptions> Organizations { get; set; } = [];

    /// <summary>How often each repository is polled (default 15 minutes, at least 1 minute). Ignored when <see cref="Cron"/> is set.</summary>
    public TimeSpan Interval { get; set; } = ScheduleDefaults.Interval;

    /// <summary>A Quartz cron expression (UTC) that replaces <see cref="Interval"/>; empty (default) means use the interval. The worker validates its syntax.</summary>
    public string? Cron { get; set; }

    /// <summary>How much history the first run of a repository reads (default 30 days, at least 1 hour).</summary>
    public TimeSpan Backfill { get; set; } = ScheduleDefaults.Backfill;

    /// <summary>How far before the watermark each run starts reading again (default 1 hour, zero allowed), so updates GitHub indexes late are not missed. Re-written points replace themselves.</summary>
    public TimeSpan Overlap { get; set; } = ScheduleDefaults.Overlap;

    /// <summary>GitHub logins treated as bots (case-insensitive), besides accounts of type <c>Bot</c> and logins ending in <c>[bot]</c>; Azure DevOps has its own list (<c>BotNames</c>). Default: none.</summary>
    [Required(ErrorMessage = "Sources:GitHub:BotLogins is null; leave it out or set a list of logins.")]
    public List<string> BotLogins { get; set; } = [];

    /// <summary>
    /// Which API reads pull requests and deployments: <c>GraphQl</c> (default; 1 point per 49 pull requests with their
    /// commits, reviews and events, 1 per 100 deployments with their statuses, 1 per 100 trunk commits for change sets,
    /// at <c>{root}/graphql</c>, GitHub Enterprise Server <c>https://host/api/graphql</c>; a REST compare only when a
    /// deployed commit is not in the default branch's history) or <c>Rest</c> (3 requests per pull request, 2 per
    /// deployment). Workflow runs are read through REST either way.
    /// </summary>
    public GitHubApi Api { get; set; } = GitHubApi.GraphQl;

    /// <summary>Items per page of list requests, 1 to 100 (default 100, GitHub's maximum: fewer requests per run).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Read GitHub Actions workflow runs on the default branch (default true): they give the <c>ci_queue</c> and
    /// <c>ci</c> stages. Costs 1 request per 100 runs created in the read window.
    /// </summary>
    public bool ReadWorkflowRuns { get; set; } = true;

    /// <summary>
    /// Read deployments, their statuses and change sets (default true): they give <c>release_wait</c>,
    /// <c>deploy:&lt;env&gt;</c>, <c>promotion_wait:&lt;env&gt;</c> and the arrival. With <see cref="Api"/> <c>GraphQl</c>
    /// 1 point per 100 deployments and 1 per 100 commits of the default branch back to the oldest base; with <c>Rest</c>
    /// 1 request per 100 deployments plus 2 per deployment in the read window (statuses, compare).
    /// </summary>
    public bool ReadDeployments { get; set; } = true;

    /// <summary>
    /// Read the default branch's commits that no pull request is associated with (default true): each is a direct change
    /// (docs/metrics.md). With <see cref="Api"/> <c>GraphQl</c> only: 1 point per 100 commits committed in the window.
    /// </summary>
    public bool ReadDirectPushes { get; set; } = true;

    /// <summary>
    /// Read the issues each pull request closes (closing keywords and manual links) as its demand (default true): the
    /// earliest one's creation starts the <c>backlog</c> stage, which ends at the first commit. With <see cref="Api"/>
    /// <c>GraphQl</c> only; pull requests then come 37 per point instead of 49.
    /// </summary>
    public bool ReadLinkedIssues { get; set; } = true;

    /// <summary>
    /// What counts as a deployment in a repository that has no deployments at all: <see cref="GitHubDeploymentFallback.Releases"/>
    /// (default: each published release, not a draft or pre-release, is a successful deployment of its tag's commit to
    /// <see cref="FallbackEnvironment"/>, tagged <c>fallback=release</c> so nobody mistakes it for a real one) or
    /// <see cref="GitHubDeploymentFallback.None"/>. Releases need <see cref="Api"/> <c>GraphQl</c> and <see cref="ReadDeployments"/>;
    /// cost 1 point per 100 releases, only for repositories without deployments.
    /// <see cref="GitHubDeploymentFallback.CiRuns"/>: each successful run of <see cref="FallbackWorkflow"/> on the default
    /// branch is a deployment (tagged <c>fallback=ci_run</c>); needs <see cref="ReadWorkflowRuns"/> and
    /// <see cref="ReadDeployments"/>, costs nothing beyond the runs already read and their change sets.
    /// </summary>
    public GitHubDeploymentFallback DeploymentFallback { get; set; } = GitHubDeploymentFallback.Releases;

    /// <summary>The environment a fallback deployment goes to (default <c>production</c>); name it as the value stream's path does.</summary>
    public string FallbackEnvironment { get; set; } = "production";

    /// <summary>
    /// With <see cref="DeploymentFallback"/> <c>CiRuns</c>: the workflow (its name as the runs list shows it, <c>*</c> and
    /// <c>?</c> wildcards, case-insensitive) whose successful runs on the default branch stand in for deployments.
    /// </summary>
    public string FallbackWorkflow { get; set; } = "";

    /// <summary>
    /// Labels that mark an issue as an incident (any of them, case-insensitive; default none: no issue is read). Such an
    /// issue is an incident of its repository, opened at its creation and resolved when closed; it feeds the change failure
    /// rate and recovery time. Costs 1 request per label and 100 issues updated in the read window.
    /// </summary>
    [Required(ErrorMessage = "Sources:GitHub:IncidentLabels is null; leave it out or set a list of labels.")]
    public List<string> IncidentLabels { get; set; } = [];
}

/// <summary>What stands in for deployments in a repository that has none.</summary>
public enum GitHubDeploymentFallback
{
    /// <summary>Nothing: such a repository has no deployments and no arrivals.</summary>
    None,

    /// <summary>Published releases (not drafts or pre-releases).</summary>
    Releases,

    /// <summary>Successful runs of <see cref="GitHubSourceOptions.FallbackWorkflow"/> on the default branch.</summary>
    CiRuns,
}
