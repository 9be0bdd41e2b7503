using System.ComponentModel.DataAnnotations;
using FlowCollector.Domain.Ports;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Where and what the Azure DevOps source polls. Bound from <c>Sources:AzureDevOps</c>. Retries of transient errors
/// (5xx, timeouts) are configured under <c>Sources:AzureDevOps:Resilience</c> with the keys of
/// Microsoft.Extensions.Http.Resilience's standard handler (e.g. <c>Retry:MaxRetryAttempts</c>, <c>Retry:Delay</c>).
/// </summary>
/// <remarks>
/// Each entry of <see cref="Repositories"/> becomes one target whose <c>RepositoryRef</c> is
/// <c>("azuredevops", "{Organization}/{project}", "{repository}")</c>: the <c>org</c> tag is organisation and project
/// (few values, and what Azure DevOps users call "where the repo lives"), the <c>repo</c> tag the repository name.
/// </remarks>
public sealed class AzureDevOpsSourceOptions
{
    public const string SectionName = "Sources:AzureDevOps";

    /// <summary>The section of the standard resilience handler's options for the Azure DevOps HTTP client.</summary>
    public const string ResilienceSectionName = "Sources:AzureDevOps:Resilience";

    /// <summary>
    /// The organisation (Azure DevOps Services: <c>https://dev.azure.com/{org}</c>, or the legacy
    /// <c>https://{org}.visualstudio.com</c>) or the project collection (Azure DevOps Server:
    /// <c>https://tfs.contoso.local/tfs/DefaultCollection</c>). Required when <see cref="Repositories"/> or <see cref="Projects"/> is not empty.
    /// A missing trailing slash is added, so the last path segment is kept.
    /// </summary>
    public Uri? OrganizationUrl { get; set; }

    /// <summary>
    /// The organisation's name as written in the <c>org</c> tag (before <c>/project</c>). Empty (default): the last path
    /// segment of <see cref="OrganizationUrl"/> (<c>contoso</c> for <c>https://dev.azure.com/contoso</c>,
    /// <c>DefaultCollection</c> for a collection URL), or the first host label for <c>https://contoso.visualstudio.com</c>.
    /// </summary>
    public string? Organization { get; set; }

    /// <summary>
    /// Repositories to collect, each <c>project/repository</c> (Git repositories of that project). Empty (default), and
    /// no <see cref="Projects"/>: the source collects nothing.
    /// </summary>
    [Required(ErrorMessage = "Sources:AzureDevOps:Repositories is null; leave it out or set a list of project/repository entries.")]
    public List<string> Repositories { get; set; } = [];

    /// <summary>
    /// Projects whose Git repositories are all collected (with include/exclude patterns), listed at start-up and every
    /// discovery interval. Default: none. Costs 1 request per project per discovery.
    /// </summary>
    [Required(ErrorMessage = "Sources:AzureDevOps:Projects is null; leave it out or set a list of projects, each with a Name.")]
    public List<AzureDevOpsProjectOptions> Projects { get; set; } = [];

    /// <summary>How requests authenticate: <see cref="AzureDevOpsAuthentication.Pat"/> (default) or <see cref="AzureDevOpsAuthentication.EntraId"/>.</summary>
    public AzureDevOpsAuthentication Authentication { get; set; } = AzureDevOpsAuthentication.Pat;

    /// <summary>
    /// A personal access token with read scopes Code, Build, Release, Environment and Work Items. Required with
    /// <see cref="AzureDevOpsAuthentication.Pat"/>. Secret: comes from the environment or a mounted secret, never logged.
    /// </summary>
    public string Pat { get; set; } = "";

    /// <summary>Microsoft Entra ID settings, used with <see cref="AzureDevOpsAuthentication.EntraId"/>.</summary>
    [Required(ErrorMessage = "Sources:AzureDevOps:EntraId is null; leave it out or set its keys.")]
    public AzureDevOpsEntraIdOptions EntraId { get; set; } = new();

    /// <summary>How often each repository is polled (default 15 minutes, at least 1 minute). Ignored when <see cref="Cron"/> is set.</summary>
    public TimeSpan Interval { get; set; } = ScheduleDefaults.Interval;

    /// <summary>A Quartz cron expression (UTC) that replaces <see cref="Interval"/>; empty (default) means use the interval. The worker validates its syntax.</summary>
    public string? Cron { get; set; }

    /// <summary>How much history the first run of a repository reads (default 30 days, at least 1 hour).</summary>
    public TimeSpan Backfill { get; set; } = ScheduleDefaults.Backfill;

    /// <summary>How far before the watermark each run starts reading again (default 1 hour, zero allowed). Re-written points replace themselves.</summary>
    public TimeSpan Overlap { get; set; } = ScheduleDefaults.Overlap;

    /// <summary>
    /// Identities treated as bots (unique name or display name, case-insensitive; for a commit, its git author's e-mail or
    /// name), besides Azure DevOps' own service identities (groups, "… Build Service …", "Project Collection Service
    /// Accounts"). Only Azure DevOps' events are classified by it. Default: none.
    /// </summary>
    [Required(ErrorMessage = "Sources:AzureDevOps:BotNames is null; leave it out or set a list of names.")]
    public List<string> BotNames { get; set; } = [];

    /// <summary>Items per page (<c>$top</c>) of list requests, 1 to 1000 (default 200).</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>
    /// Requests in flight at once against the organisation, 1 to 32 (default 8), across all its repositories; a read issues
    /// its per-pull-request and per-build requests this many at a time (a 2,000-pull-request backfill is ~6,500 round
    /// trips: 11 minutes one at a time at 100 ms). Azure DevOps meters usage per identity over a sliding 5-minute window
    /// and says so with <c>Retry-After</c> / <c>X-RateLimit-Delay</c>, which <see cref="AzureDevOpsThrottle"/> honours.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>
    /// The longest <c>Retry-After</c> the source waits for inside a read (default 1 minute). A longer one (or a 429 that
    /// persists) fails the read with a throttling error; the watermark stays and the next run continues.
    /// </summary>
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Read the work items linked to pull requests (default true): they give the <c>backlog</c> stage. Costs 1 request
    /// per 200 pull requests read (which work items link to them) plus 1 per 200 linked work items.
    /// </summary>
    public bool ReadWorkItems { get; set; } = true;

    /// <summary>Read builds of the default branch and their timelines (default true): <c>ci_queue</c>, <c>ci</c>, stages and approvals. Costs 1 request per page of builds plus 1 timeline per build.</summary>
    public bool ReadBuilds { get; set; } = true;

    /// <summary>
    /// Read environment deployment records (default true): the authoritative deployments, with change sets from the
    /// runs' changes. Costs 1 request for the environments, 1 per page of records per environment, 1 per deployment for its change set.
    /// </summary>
    public bool ReadEnvironmentDeployments { get; set; } = true;

    /// <summary>
    /// Read pushes to the default branch (default true): a push that is no pull request's completion is a direct change
    /// (docs/metrics.md). Costs 1 request per page of pushes in the window and 1 per direct push for its commits.
    /// </summary>
    public bool ReadDirectPushes { get; set; } = true;

    /// <summary>
    /// Read classic Release pipeline deployments (default false): for teams still on Release pipelines. Needs the PAT
    /// scope Release (Read). Costs 1 request per page of deployments modified in the window, and per release, build and
    /// deployment of this repository 1 more each (release artifacts, build, change set).
    /// </summary>
    public bool ReadReleases { get; set; }

    /// <summary>
    /// Where classic Release Management lives. Empty (default): <c>https://vsrm.dev.azure.com/{org}/</c> for
    /// dev.azure.com, <c>https://{org}.vsrm.visualstudio.com/</c> for visualstudio.com, and <see cref="OrganizationUrl"/>
    /// itself for Azure DevOps Server.
    /// </summary>
    public Uri? ReleaseManagementUrl { get; set; }

    /// <summary>
    /// Read incidents from work items (default false): a WIQL query over the project for work items of
    /// <see cref="IncidentWorkItemType"/> (and <see cref="IncidentTags"/>, <see cref="IncidentAreaPath"/> when set) changed in
    /// the window. Incidents belong to the project, so every repository of it reports them. Costs 1 query plus 1 request per 200 incidents.
    /// </summary>
    public bool ReadIncidents { get; set; }

    /// <summary>The work item type of incidents (default <c>Incident</c>; e.g. <c>Bug</c> with a tag).</summary>
    public string IncidentWorkItemType { get; set; } = "Incident";

    /// <summary>Tags an incident must carry, all of them (default none).</summary>
    [Required(ErrorMessage = "Sources:AzureDevOps:IncidentTags is null; leave it out or set a list of tags.")]
    public List<string> IncidentTags { get; set; } = [];

    /// <summary>An area path incidents must be under, e.g. <c>Web Platform\Operations</c> (default: the whole project).</summary>
    public string? IncidentAreaPath { get; set; }

    /// <summary>
    /// Fallback for pipelines that deploy without Azure DevOps environments: stage name (or identifier) → environment,
    /// e.g. <c>"Deploy_Prod": "production"</c>; a trailing <c>*</c> matches a prefix. A run that has environment
    /// deployment records is never mapped by stage name. Default: none.
    /// </summary>
    [Required(ErrorMessage = "Sources:AzureDevOps:StageEnvironments is null; leave it out or map stage names to environments.")]
    public Dictionary<string, string> StageEnvironments { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>How the Azure DevOps source authenticates.</summary>
public enum AzureDevOpsAuthentication
{
    /// <summary>A personal access token, sent as HTTP Basic with an empty user name.</summary>
    Pat,

    /// <summary>A Microsoft Entra ID access token for Azure DevOps (scope <c>499b84ac-1321-427f-aa17-267ca6975798/.default</c>), via Azure.Identity.</summary>
    EntraId,
}

/// <summary>Which Azure.Identity credential obtains the Entra ID token.</summary>
public enum AzureDevOpsEntraIdCredential
{
    /// <summary><c>DefaultAzureCredential</c>: environment, workload identity, managed identity, developer tools.</summary>
    Default,

    /// <summary>A service principal with a client secret (<see cref="AzureDevOpsEntraIdOptions.TenantId"/>, <see cref="AzureDevOpsEntraIdOptions.ClientId"/>, <see cref="AzureDevOpsEntraIdOptions.ClientSecret"/>).</summary>
    ClientSecret,

    /// <summary>Kubernetes workload identity federation (<c>AZURE_FEDERATED_TOKEN_FILE</c>; tenant and client from the keys or the injected environment).</summary>
    WorkloadIdentity,

    /// <summary>An Azure managed identity (system-assigned, or user-assigned with <see cref="AzureDevOpsEntraIdOptions.ClientId"/>).</summary>
    ManagedIdentity,
}

/// <summary><c>Sources:AzureDevOps:EntraId</c>.</summary>
public sealed class AzureDevOpsEntraIdOptions
{
    /// <summary>Which credential (default <see cref="AzureDevOpsEntraIdCredential.Default"/>).</summary>
    public AzureDevOpsEntraIdCredential Credential { get; set; } = AzureDevOpsEntraIdCredential.Default;

    /// <summary>The directory (tenant) id; required for <see cref="AzureDevOpsEntraIdCredential.ClientSecret"/>.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application (client) id; required for <see cref="AzureDevOpsEntraIdCredential.ClientSecret"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret; required for <see cref="AzureDevOpsEntraIdCredential.ClientSecret"/>. Secret: never logged.</summary>
    public string? ClientSecret { get; set; }
}
