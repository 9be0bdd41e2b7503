using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// A GitHub REST API on a free loopback port (WireMock.Net), serving a <see cref="SimulatedGitHub"/> with GitHub's
/// payload shapes, <c>Link</c> paging, rate-limit headers, token check, ETags and injectable faults. Every response is
/// rendered from the model at request time, so a test can change the model between polls.
/// </summary>
/// <remarks>
/// Endpoints (also under <c>/repositories/{id}</c>, the form GitHub's page links use):
/// <c>GET /repos/{o}/{r}</c>; <c>/pulls</c> (<c>state</c>, <c>sort=created|updated</c>, <c>direction</c>, <c>base</c>,
/// <c>per_page</c>, <c>page</c>); <c>/pulls/{n}</c>; <c>/pulls/{n}/commits</c>; <c>/pulls/{n}/reviews</c>;
/// <c>/issues/{n}/timeline</c>; <c>/actions/runs</c> (<c>branch</c>, <c>head_sha</c>, <c>status</c>, <c>created</c>; at most 1,000 runs
/// for a filtered query); <c>/actions/runs/{id}/attempts/{n}</c> (an earlier attempt of a re-run); <c>/deployments</c> (<c>environment</c>, <c>sha</c>, <c>ref</c>); <c>/deployments/{id}/statuses</c>;
/// <c>/compare/{base}...{head}</c> (on the linear trunk). Lists default to 30 per page, at most 100, as on GitHub.
/// <c>POST /graphql</c> (<c>/api/graphql</c> behind an <c>/api/v3</c> prefix, as on GitHub Enterprise Server) answers
/// GraphQL from the same model with its own budget of points (<see cref="GitHubGraphQlResponder"/>).
/// </remarks>
public sealed partial class GitHubSimulator : IDisposable
{
    /// <summary>The token a simulator accepts unless <see cref="GitHubSimulatorOptions.Token"/> says otherwise.</summary>
    public const string DefaultToken = "ghp_SimulatedGitHubToken000000000000000";

    private const string Docs = "https://docs.github.com/rest";

    /// <summary>Runs a filtered runs query serves at most (GitHub's search limit).</summary>
    private const int RunSearchCap = 1000;

    private readonly WireMockServer server;
    private readonly GitHubSimulatorOptions options;
    private readonly GitHubPayloads payloads;
    private readonly string prefix;
    private readonly Lock contractGate = new();
    private readonly List<Contracts.ContractViolation> violations = [];
    private readonly string root;
    private readonly Lock counters = new();
    private readonly RequestLog<SimulatedRequest> requests = new(r => r.Path);
    private readonly List<Fault> faults = [];
    private int rateLimitRemaining;

    public GitHubSimulator(SimulatedGitHub model, GitHubSimulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        this.options = options ?? new GitHubSimulatorOptions();
        prefix = "/" + this.options.PathPrefix.Trim('/');
        prefix = prefix == "/" ? "" : prefix;
        rateLimitRemaining = this.options.RateLimit;
        RateLimitReset = this.options.Time.GetUtcNow().Add(this.options.RateLimitWindow ?? TimeSpan.FromHours(1));

        server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 100, // the simulator keeps its own log; WireMock's would grow with every page
        });
        var response = Response.Create().WithCallback(Handle);
        if (this.options.Latency > TimeSpan.Zero)
        {
            response = response.WithDelay(this.options.Latency);
        }

        server.Given(Request.Create().UsingAnyMethod()).RespondWith(response);
        root = server.Url!.TrimEnd('/');
        Url = root + prefix + "/";
        payloads = new GitHubPayloads(Url);
    }

    /// <summary>The model served; change it at any time.</summary>
    public SimulatedGitHub Model { get; }

    /// <summary>The REST root to configure as <c>Sources:GitHub:ApiBaseAddress</c>, ending with '/', e.g. <c>http://127.0.0.1:5123/</c> (or <c>…/api/v3/</c> with a prefix).</summary>
    public string Url { get; }

    /// <summary><see cref="Url"/> as a <see cref="Uri"/>.</summary>
    public Uri BaseAddress => new(Url);

    /// <summary>The token requests must carry.</summary>
    public string Token => options.Token;

    /// <summary>Requests received so far (any path, any outcome).</summary>
    public int RequestCount => requests.Count;

    /// <summary>REST requests that did not match GitHub's published description (see <see cref="GitHubSimulatorOptions.EnforceContract"/>).</summary>
    public IReadOnlyList<Contracts.ContractViolation> ContractViolations
    {
        get
        {
            lock (contractGate)
            {
                return [.. violations];
            }
        }
    }

    /// <summary>Every request answered so far, in order.</summary>
    public IReadOnlyList<SimulatedRequest> Requests => requests.Snapshot();

    /// <summary>Requests per canonical path (<see cref="SimulatedRequest.Path"/>).</summary>
    public IReadOnlyDictionary<string, int> RequestCountsByPath =>
        requests.CountsByPath();

    /// <summary>The primary budget left (<c>x-ratelimit-remaining</c>); set it (e.g. to 0) to simulate an exhausted token.</summary>
    public int RateLimitRemaining
    {
        get => Volatile.Read(ref rateLimitRemaining);
        set => Volatile.Write(ref rateLimitRemaining, Math.Max(0, value));
    }

    /// <summary>When the budget resets (<c>x-ratelimit-reset</c>, epoch seconds on the wire).</summary>
    public DateTimeOffset RateLimitReset { get; set; }

    /// <summary>
    /// Called for every authorised GET of a known resource just before its response is rendered, with the canonical
    /// path and the raw query (e.g. <c>/repos/contoso/web/pulls</c>, <c>state=all&amp;…&amp;page=2</c>): change the model
    /// here to simulate activity in the middle of a read.
    /// </summary>
    public Action<string, string>? BeforeRender { get; set; }

    /// <summary>
    /// How many requests went to <paramref name="path"/>, a canonical path such as <c>/repos/contoso/web/pulls</c>
    /// (case-insensitive; <c>*</c> matches one path segment, e.g. <c>/repos/contoso/web/pulls/*/commits</c>).
    /// </summary>
    public int RequestsTo(string path) => requests.CountTo(path);

    /// <summary>Forgets the request log (counts start again from 0); the rate-limit budget is not reset.</summary>
    public void ResetCounts()
    {
        requests.Clear();
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> requests to <paramref name="path"/> (canonical, <c>*</c> per segment as in
    /// <see cref="RequestsTo"/>) fail with <paramref name="status"/>, before any other check, with a GitHub-style JSON
    /// body (<paramref name="message"/>, default the reason phrase) and extra <paramref name="headers"/> (e.g. <c>retry-after</c>).
    /// </summary>
    public void FailNext(string path, int times, HttpStatusCode status, string? message = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (counters)
        {
            faults.Add(new Fault(RequestPaths.Pattern(path), times, (int)status, message, headers ?? new Dictionary<string, string>()));
        }
    }

    public void Dispose()
    {
        server.Stop();
        server.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private IResponseMessage Handle(IRequestMessage request)
    {
        var rawPath = request.Path;
        var route = Resolve(rawPath);
        var query = route.Kind == RouteKind.GraphQl ? new Query(GraphQlOperationName(request)) : QueryOf(request);
        RollRateLimitWindow();
        var reply = Answer(request, route, query);
        CountRateLimited(reply);
        requests.Add(new SimulatedRequest(
                request.Method, route.CanonicalPath, rawPath, query.Raw, reply.Status, Header(request, "Accept"), Header(request, "X-GitHub-Api-Version"), Header(request, "User-Agent")));

        return ToMessage(reply);
    }

    private Reply Answer(IRequestMessage request, Route route, Query query)
    {
        if (TakeFault(route.CanonicalPath) is { } fault)
        {
            var reply = Reply.Error(fault.Status, fault.Message ?? ReasonPhrase(fault.Status));
            foreach (var (name, value) in fault.Headers)
            {
                reply.Headers[name] = value;
            }

            return reply;
        }

        if (route.Kind != RouteKind.GraphQl && CheckContract(request, route, query) is { } refused)
        {
            return refused;
        }

        if (AnswerApp(request, route.RawPath) is { } appReply)
        {
            return appReply; // GitHub App endpoints authenticate with the app's JWT (GitHubSimulator.Apps.cs)
        }

        if (!Authorised(Header(request, "Authorization")) && !AuthorisedByInstallation(Header(request, "Authorization"), route.Repository))
        {
            return Reply.Error(401, "Bad credentials");
        }

        if (route.Kind == RouteKind.GraphQl)
        {
            return AnswerGraphQl(request);
        }

        if (RateLimitRemaining <= 0)
        {
            var status = options.RateLimitExceededStatus;
            return Reply.Error(status, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
        }

        if (route.Kind == RouteKind.Unknown && AnswerOwnerListing(request, route.RawPath, query) is { } listing)
        {
            return listing;
        }

        if (!string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase) || route.Repository is null || route.Kind == RouteKind.Unknown)
        {
            Spend();
            return Reply.Error(404, "Not Found");
        }

        BeforeRender?.Invoke(route.CanonicalPath, query.Raw);
        Reply rendered;
        lock (Model.Gate)
        {
            rendered = Render(route, query);
        }

        if (rendered.Status == 200 && Header(request, "If-None-Match") is { } etag && etag == rendered.ETag)
        {
            // GitHub: a 304 to an authorised conditional request costs no primary budget.
            var notModified = new Reply(304, null, rendered.Headers);
            notModified.Headers["ETag"] = etag;
            return notModified;
        }

        Spend();
        return rendered;
    }

    /// <summary>
    /// Holds a REST request against GitHub's published description. An undeclared query parameter is refused (GitHub would
    /// ignore it: no filter, a default page); a path GitHub does not have is recorded and answered 404 as the routes do.
    /// </summary>
    private Reply? CheckContract(IRequestMessage request, Route route, Query query)
    {
        if (!options.EnforceContract)
        {
            return null;
        }

        var path = prefix.Length > 0 && route.RawPath.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? route.RawPath[prefix.Length..] : route.RawPath;
        var violation = Contracts.GitHubRestContract.Instance.Check(request.Method, path, query.Raw);
        if (violation is null)
        {
            return null;
        }

        lock (contractGate)
        {
            violations.Add(violation);
        }

        return violation.Kind == Contracts.ContractViolationKind.UnknownOperation
            ? null
            : Reply.Error(400, "Simulated GitHub refuses a request outside the published REST description: " + violation.Message);
    }

    private Reply Render(Route route, Query query)
    {
        var repo = route.Repository!;
        if (route.Kind == RouteKind.Repository)
        {
            return Reply.Ok(GitHubPayloads.Json(w => payloads.Repository(w, repo, full: true)));
        }

        if (route.Kind == RouteKind.Issues)
        {
            return RenderIssues(route, query);
        }

        if (route.Kind == RouteKind.PullRequests)
        {
            return Page(route, query, ListPullRequests(repo, query), (w, pr) => payloads.PullRequest(w, pr, full: false));
        }

        if (route.Kind == RouteKind.WorkflowRunAttempt)
        {
            // GitHub's "get a workflow run attempt": the run as it was at that attempt.
            return int.TryParse(route.Spec, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) && repo.FindRunAttempt(route.Number, attempt) is { } run
                ? Reply.Ok(GitHubPayloads.Json(w => payloads.WorkflowRun(w, repo, run)))
                : Reply.Error(404, "Not Found");
        }

        if (route.Kind is RouteKind.WorkflowRuns or RouteKind.Deployments or RouteKind.DeploymentStatuses or RouteKind.Compare)
        {
            return RenderDelivery(route, query);
        }

        var pr = route.Number <= int.MaxValue ? repo.FindPullRequest((int)route.Number) : null;
        if (pr is null)
        {
            return Reply.Error(404, "Not Found");
        }

        return route.Kind switch
        {
            RouteKind.PullRequest => Reply.Ok(GitHubPayloads.Json(w => payloads.PullRequest(w, pr, full: true))),
            RouteKind.Commits => Page(route, query, Chain(pr.Commits), (w, c) => payloads.Commit(w, pr, c.Commit, c.Parent)),
            RouteKind.Reviews => Page(route, query, pr.Reviews.OrderBy(r => r.Id).ToList(), (w, r) => payloads.Review(w, pr, r, asTimelineEvent: false)),
            _ => Page(route, query, Timeline(pr), (w, write) => write(w)),
        };
    }

    private Reply RenderDelivery(Route route, Query query)
    {
        var repo = route.Repository!;
        switch (route.Kind)
        {
            case RouteKind.WorkflowRuns:
                var runs = ListRuns(repo, query, out var filtered);

                // GitHub: with any filter a runs query serves at most 1,000 runs, while total_count tells the full number.
                var served = filtered ? runs.Take(RunSearchCap).ToList() : runs;
                return Page(route, query, served, (w, run) => payloads.WorkflowRun(w, repo, run), wrap: (w, items) =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("total_count", runs.Count);
                    w.WritePropertyName("workflow_runs");
                    items();
                    w.WriteEndObject();
                });
            case RouteKind.Deployments:
                var environment = query.Get("environment");
                var sha = query.Get("sha");
                var reference = query.Get("ref");
                var deployments = repo.Deployments
                    .Where(d => environment is null || string.Equals(d.Environment, environment, StringComparison.OrdinalIgnoreCase))
                    .Where(d => sha is null || d.Sha == sha)
                    .Where(d => reference is null || d.Ref == reference)
                    .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
                    .ToList();
                return Page(route, query, deployments, payloads.Deployment);
            case RouteKind.DeploymentStatuses:
                var deployment = repo.FindDeployment(route.Number);
                return deployment is null
                    ? Reply.Error(404, "Not Found")
                    : Page(route, query, deployment.Statuses.Reverse().ToList(), (w, status) => payloads.DeploymentStatus(w, deployment, status));
            default:
                return RenderCompare(route, query);
        }
    }

    private Reply RenderCompare(Route route, Query query)
    {
        var repo = route.Repository!;
        var parts = route.Spec?.Split("...", 2);
        if (parts is not [{ Length: > 0 } baseSha, { Length: > 0 } headSha] || repo.Compare(baseSha, headSha) is not { } compare)
        {
            return Reply.Error(404, "Not Found");
        }

        // Without paging GitHub lists the first 250 commits; with per_page/page it pages like any list.
        var paged = query.Int("per_page") is not null || query.Int("page") is not null;
        var trunk = repo.Trunk;
        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < trunk.Count; i++)
        {
            parents.TryAdd(trunk[i].Sha, trunk[i - 1].Sha);
        }

        string? Parent(SimulatedTrunkCommit c) => parents.GetValueOrDefault(c.Sha);

        var commits = paged ? compare.Commits : compare.Commits.Take(250).ToList();
        return Page(route, paged ? query : new Query("per_page=250"), commits, (w, c) => payloads.TrunkCommit(w, repo, c, Parent(c)), wrap: (w, items) =>
        {
            w.WriteStartObject();
            w.WriteString("url", $"{Url}repos/{repo.FullName}/compare/{baseSha}...{headSha}");
            w.WriteString("html_url", $"https://github.com/{repo.FullName}/compare/{baseSha}...{headSha}");
            w.WriteString("permalink_url", $"https://github.com/{repo.FullName}/compare/{repo.Owner}:{baseSha}...{repo.Owner}:{headSha}");
            w.WriteString("diff_url", $"https://github.com/{repo.FullName}/compare/{baseSha}...{headSha}.diff");
            w.WriteString("patch_url", $"https://github.com/{repo.FullName}/compare/{baseSha}...{headSha}.patch");

            // On the linear trunk the merge base is the older of the two.
            var baseCommit = trunk.FirstOrDefault(c => c.Sha == baseSha) ?? new SimulatedTrunkCommit(baseSha, trunk.Count > 0 ? trunk[0].At : DateTimeOffset.UnixEpoch);
            var headCommit = trunk.FirstOrDefault(c => c.Sha == headSha);
            w.WritePropertyName("base_commit");
            payloads.TrunkCommit(w, repo, baseCommit, Parent(baseCommit));
            var mergeBase = compare.Status == "behind" && headCommit is not null ? headCommit : baseCommit;
            w.WritePropertyName("merge_base_commit");
            payloads.TrunkCommit(w, repo, mergeBase, Parent(mergeBase));
            w.WriteString("status", compare.Status);
            w.WriteNumber("ahead_by", compare.AheadBy);
            w.WriteNumber("behind_by", compare.BehindBy);
            w.WriteNumber("total_commits", compare.AheadBy);
            w.WritePropertyName("commits");
            items();
            w.WriteStartArray("files");
            w.WriteEndArray();
            w.WriteEndObject();
        }, maxPerPage: paged ? 100 : 250);
    }

    /// <summary>Runs newest first, filtered by <c>branch</c>, <c>head_sha</c>, <c>status</c> and <c>created</c> (search date syntax).</summary>
    private static List<SimulatedWorkflowRun> ListRuns(SimulatedRepository repo, Query query, out bool filtered)
    {
        var branch = query.Get("branch");
        var headSha = query.Get("head_sha");
        var status = query.Get("status");
        var created = query.Get("created");
        filtered = branch is not null || headSha is not null || status is not null || created is not null
            || query.Get("actor") is not null || query.Get("event") is not null || query.Get("check_suite_id") is not null;
        var range = created is null ? null : DateRange.Parse(created);
        return repo.WorkflowRuns
            .Where(r => branch is null || r.HeadBranch == branch)
            .Where(r => headSha is null || r.HeadSha == headSha)
            .Where(r => status is null || r.Status == status || r.Conclusion == status)
            .Where(r => range is null || range.Contains(r.CreatedAt))
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .ToList();
    }

    private static List<SimulatedPullRequest> ListPullRequests(SimulatedRepository repo, Query query)
    {
        var state = query.Get("state") ?? "open";
        var sort = query.Get("sort") ?? "created";
        var baseBranch = query.Get("base");

        // GitHub: "desc when sort is created or sort is not specified, otherwise asc".
        var descending = (query.Get("direction") ?? (sort == "created" ? "desc" : "asc")) == "desc";
        var selected = repo.PullRequests
            .Where(pr => state == "all" || pr.State == state)
            .Where(pr => baseBranch is null || pr.BaseBranch == baseBranch)
            .Select(pr => (pr, Key: sort == "updated" ? pr.UpdatedAt : pr.CreatedAt))
            .ToList();
        var ordered = descending
            ? selected.OrderByDescending(x => x.Key).ThenByDescending(x => x.pr.Number)
            : selected.OrderBy(x => x.Key).ThenBy(x => x.pr.Number);
        return ordered.Select(x => x.pr).ToList();
    }

    /// <summary>The issue timeline: commits, draft toggles, review requests, submitted reviews, merge and close, in time order.</summary>
    private List<Action<System.Text.Json.Utf8JsonWriter>> Timeline(SimulatedPullRequest pr)
    {
        var entries = new List<(DateTimeOffset At, Action<System.Text.Json.Utf8JsonWriter> Write)>();
        foreach (var (commit, parent) in Chain(pr.Commits))
        {
            entries.Add((commit.CommittedAt, w => payloads.CommittedEvent(w, pr, commit, parent)));
        }

        foreach (var e in pr.TimelineEvents)
        {
            entries.Add((e.At, w => payloads.IssueEvent(w, pr, e.Id, e.WireName, e.At, e.Actor, requestedReviewer: e.RequestedReviewer)));
        }

        foreach (var review in pr.Reviews.Where(r => r.SubmittedAt is not null))
        {
            entries.Add((review.SubmittedAt!.Value, w => payloads.Review(w, pr, review, asTimelineEvent: true)));
        }

        var eventId = SimulatedIds.StableNumber($"{pr}/events");
        if (pr.MergedAt is { } merged)
        {
            var by = pr.MergedBy ?? pr.Author;
            entries.Add((merged, w => payloads.IssueEvent(w, pr, eventId, "merged", merged, by, pr.MergeCommitSha)));
            entries.Add((merged, w => payloads.IssueEvent(w, pr, eventId + 1, "closed", merged, by)));
        }
        else if (pr.ClosedAt is { } closed)
        {
            entries.Add((closed, w => payloads.IssueEvent(w, pr, eventId + 1, "closed", closed, pr.Author)));
        }

        return entries.Select((e, i) => (e, i)).OrderBy(x => x.e.At).ThenBy(x => x.i).Select(x => x.e.Write).ToList();
    }

    private static List<(SimulatedCommit Commit, SimulatedCommit? Parent)> Chain(IReadOnlyList<SimulatedCommit> commits) =>
        commits.Select((c, i) => (c, i == 0 ? null : commits[i - 1])).ToList();

    private Reply Page<T>(
        Route route,
        Query query,
        IReadOnlyList<T> items,
        Action<System.Text.Json.Utf8JsonWriter, T> write,
        Action<System.Text.Json.Utf8JsonWriter, Action>? wrap = null,
        int maxPerPage = 100)
    {
        var perPage = Math.Clamp(query.Int("per_page") ?? 30, 1, maxPerPage);
        var page = Math.Max(1, query.Int("page") ?? 1);
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var body = GitHubPayloads.Json(w =>
        {
            void Items()
            {
                w.WriteStartArray();
                foreach (var item in items.Skip((page - 1) * perPage).Take(perPage))
                {
                    write(w, item);
                }

                w.WriteEndArray();
            }

            if (wrap is null)
            {
                Items();
            }
            else
            {
                wrap(w, Items);
            }
        });

        var reply = Reply.Ok(body);
        AddPageLinks(reply, page, last, (number, rel) => Link(route, query, number, rel));
        return reply;
    }

    /// <summary>GitHub's <c>Link</c> header of page <paramref name="page"/> of <paramref name="last"/>: prev, next, last, first, as GitHub orders them.</summary>
    private static void AddPageLinks(Reply reply, int page, int last, Func<int, string, string> link)
    {
        var links = new List<string>();
        if (page > 1)
        {
            links.Add(link(Math.Min(page - 1, last), "prev"));
        }

        if (page < last)
        {
            links.Add(link(page + 1, "next"));
            links.Add(link(last, "last"));
        }

        if (page > 1)
        {
            links.Add(link(1, "first"));
        }

        if (links.Count > 0)
        {
            reply.Headers["Link"] = string.Join(", ", links);
        }
    }

    /// <summary>A page link as GitHub writes it: the request's query in its order, with <c>page</c> replaced in place or appended.</summary>
    private string Link(Route route, Query query, int page, string rel)
    {
        var path = options.PageLinksUseRepositoryId
            ? $"{prefix}/repositories/{route.Repository!.Id.ToString(CultureInfo.InvariantCulture)}{route.SubPath}"
            : route.RawPath;
        var pageParameter = "page=" + page.ToString(CultureInfo.InvariantCulture);
        var parts = query.Raw.Split('&', StringSplitOptions.RemoveEmptyEntries).ToList();
        var index = parts.FindIndex(p => p.StartsWith("page=", StringComparison.Ordinal));
        if (index >= 0)
        {
            parts[index] = pageParameter;
        }
        else
        {
            parts.Add(pageParameter);
        }

        return $"<{root}{path}?{string.Join('&', parts)}>; rel=\"{rel}\"";
    }

    private Route Resolve(string rawPath)
    {
        if (string.Equals(rawPath.TrimEnd('/'), GraphQlPath, StringComparison.Ordinal))
        {
            return new Route(RouteKind.GraphQl, null, 0, "/graphql", rawPath, "");
        }

        if (!rawPath.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return Route.Unknown(rawPath);
        }

        var segments = rawPath[prefix.Length..].Trim('/').Split('/');
        SimulatedRepository? repo = null;
        int rest;
        if (segments is ["repos", var owner, var name, ..])
        {
            Model.TryFindRepository(owner, name, out repo);
            rest = 3;
        }
        else if (segments is ["repositories", var id, ..] && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var repositoryId))
        {
            repo = Model.FindById(repositoryId);
            rest = 2;
        }
        else
        {
            return Route.Unknown(rawPath);
        }

        if (repo is null)
        {
            return Route.Unknown(rawPath);
        }

        var tail = segments[rest..];
        var subPath = tail.Length == 0 ? "" : "/" + string.Join('/', tail);
        var number = tail.Length >= 2 && long.TryParse(tail[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var kind = tail switch
        {
            [] => RouteKind.Repository,
            ["pulls"] => RouteKind.PullRequests,
            ["pulls", _] when number > 0 => RouteKind.PullRequest,
            ["pulls", _, "commits"] when number > 0 => RouteKind.Commits,
            ["pulls", _, "reviews"] when number > 0 => RouteKind.Reviews,
            ["issues", _, "timeline"] when number > 0 => RouteKind.Timeline,
            ["issues"] => RouteKind.Issues,
            ["actions", "runs"] => RouteKind.WorkflowRuns,
            ["actions", "runs", _, "attempts", _] => RouteKind.WorkflowRunAttempt,
            ["deployments"] => RouteKind.Deployments,
            ["deployments", _, "statuses"] when number > 0 => RouteKind.DeploymentStatuses,
            ["compare", _] => RouteKind.Compare,
            _ => RouteKind.Unknown,
        };
        if (tail is ["actions", "runs", var runId, "attempts", var attemptNumber])
        {
            number = long.TryParse(runId, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0;
            return new Route(kind, repo, number, $"/repos/{repo.FullName}{subPath}", rawPath, subPath, attemptNumber);
        }

        return new Route(kind, repo, number, $"/repos/{repo.FullName}{subPath}", rawPath, subPath, tail is ["compare", var spec] ? Uri.UnescapeDataString(spec) : null);
    }

    private bool Authorised(string? authorization)
    {
        // GitHub accepts "token <t>" and "Bearer <t>"; Octokit sends "Token <t>".
        var parts = authorization?.Split(' ', 2, StringSplitOptions.TrimEntries);
        return parts is [var scheme, var value]
            && (scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(options.Token));
    }

    private void Spend() => Interlocked.Decrement(ref rateLimitRemaining);

    private Fault? TakeFault(string path)
    {
        lock (counters)
        {
            var fault = faults.Find(f => f.Remaining > 0 && f.Pattern.IsMatch(path));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private ResponseMessage ToMessage(Reply reply)
    {
        var remaining = Math.Max(0, RateLimitRemaining);
        var headers = new Dictionary<string, WireMockList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = new("application/json; charset=utf-8"),
            ["Cache-Control"] = new("private, max-age=60, s-maxage=60"),
            ["Vary"] = new("Accept, Authorization, Cookie, X-GitHub-OTP"),
            ["X-GitHub-Media-Type"] = new("github.v3; format=json"),
            ["X-GitHub-Api-Version-Selected"] = new("2022-11-28"),
            ["X-GitHub-Request-Id"] = new($"SIM0:{Guid.NewGuid():N}"),
            ["X-OAuth-Scopes"] = new("repo"),
            ["X-Accepted-OAuth-Scopes"] = new("repo"),
            ["x-ratelimit-limit"] = new(options.RateLimit.ToString(CultureInfo.InvariantCulture)),
            ["x-ratelimit-remaining"] = new(remaining.ToString(CultureInfo.InvariantCulture)),
            ["x-ratelimit-used"] = new((options.RateLimit - remaining).ToString(CultureInfo.InvariantCulture)),
            ["x-ratelimit-reset"] = new(RateLimitReset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ["x-ratelimit-resource"] = new("core"),
        };
        foreach (var (name, value) in reply.Headers)
        {
            headers[name] = new(value);
        }

        if (reply.ETag is { } etag)
        {
            headers["ETag"] = new(etag);
        }

        var message = new ResponseMessage { StatusCode = reply.Status, Headers = headers };
        if (reply.Body is not null)
        {
            message.BodyData = new BodyData { BodyAsString = reply.Body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 };
        }

        return message;
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private static Query QueryOf(IRequestMessage request)
    {
        var url = request.Url ?? "";
        var at = url.IndexOf('?', StringComparison.Ordinal);
        return new Query(at < 0 ? "" : url[(at + 1)..]);
    }

    private enum RouteKind
    {
        Unknown,
        Repository,
        PullRequests,
        PullRequest,
        Commits,
        Reviews,
        Timeline,
        WorkflowRuns,
        WorkflowRunAttempt,
        Deployments,
        DeploymentStatuses,
        Compare,
        GraphQl,
        Issues,
    }

    private sealed record Route(RouteKind Kind, SimulatedRepository? Repository, long Number, string CanonicalPath, string RawPath, string SubPath, string? Spec = null)
    {
        public static Route Unknown(string rawPath) => new(RouteKind.Unknown, null, 0, rawPath, rawPath, "");
    }

    private sealed class Fault(Regex pattern, int remaining, int status, string? message, IReadOnlyDictionary<string, string> headers)
    {
        public Regex Pattern { get; } = pattern;

        public int Remaining { get; set; } = remaining;

        public int Status { get; } = status;

        public string? Message { get; } = message;

        public IReadOnlyDictionary<string, string> Headers { get; } = headers;
    }

    private sealed class Reply(int status, string? body, Dictionary<string, string>? headers = null)
    {
        public int Status { get; } = status;

        public string? Body { get; } = body;

        public Dictionary<string, string> Headers { get; } = headers ?? new(StringComparer.OrdinalIgnoreCase);

        /// <summary>A weak validator over the body, as GitHub sends for lists and objects.</summary>
        public string? ETag => Status == 200 && Body is not null
            ? $"W/\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body)))}\""
            : null;

        public static Reply Ok(string body) => new(200, body);

        public static Reply Error(int status, string message, string documentation = Docs) =>
            new(status, GitHubPayloads.Message(message, documentation, status));
    }

    private sealed class Query(string raw)
    {
        private readonly Dictionary<string, string> values = raw.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(p => Uri.UnescapeDataString(p[0]), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.Last().ElementAtOrDefault(1) ?? ""), StringComparer.Ordinal);

        public string Raw { get; } = raw;

        public string? Get(string name) => values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        public int? Int(string name) => int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>GitHub's search date syntax for <c>created</c>: <c>A..B</c>, <c>&gt;=A</c>, <c>&gt;A</c>, <c>&lt;=A</c>, <c>&lt;A</c>, or a day.</summary>
    private sealed record DateRange(DateTimeOffset From, bool FromInclusive, DateTimeOffset To, bool ToInclusive)
    {
        public static DateRange Parse(string text)
        {
            static DateTimeOffset At(string value) =>
                value == "*" ? DateTimeOffset.MinValue : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

            if (text.Split("..", 2) is [var from, var to])
            {
                return new DateRange(At(from), true, to == "*" ? DateTimeOffset.MaxValue : At(to), true);
            }

            return text switch
            {
                _ when text.StartsWith(">=", StringComparison.Ordinal) => new DateRange(At(text[2..]), true, DateTimeOffset.MaxValue, true),
                _ when text.StartsWith('>') => new DateRange(At(text[1..]), false, DateTimeOffset.MaxValue, true),
                _ when text.StartsWith("<=", StringComparison.Ordinal) => new DateRange(DateTimeOffset.MinValue, true, At(text[2..]), true),
                _ when text.StartsWith('<') => new DateRange(DateTimeOffset.MinValue, true, At(text[1..]), false),
                _ => new DateRange(At(text), true, At(text).AddDays(1), false),
            };
        }

        public bool Contains(DateTimeOffset at) =>
            (FromInclusive ? at >= From : at > From) && (ToInclusive ? at <= To : at < To);
    }
}
