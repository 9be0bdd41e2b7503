using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Contracts;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// An Azure DevOps REST API (Services or Server) on a free loopback port (WireMock.Net), serving a
/// <see cref="SimulatedAzureDevOps"/> in the real payload shapes: <c>{"count","value"}</c> lists, <c>x-ms-continuationtoken</c>
/// and <c>$top</c>/<c>$skip</c> paging, a required <c>api-version</c>, the 203 sign-in page for a bad credential, Azure
/// DevOps' <c>TF…</c> error bodies, and injectable faults and throttling. Responses are rendered from the model at request
/// time, so a test can change the model between polls.
/// </summary>
/// <remarks>
/// Endpoints under <see cref="Url"/> (names or ids for projects and repositories):
/// <c>{project}/_apis/git/repositories</c> (the project's repositories, also disabled, empty and forked ones);
/// <c>{project}/_apis/git/repositories/{repo}</c>; <c>…/pullrequests</c> (<c>searchCriteria.status|targetRefName|queryTimeRangeType|minTime|maxTime</c>,
/// <c>$top</c>, <c>$skip</c>); <c>…/pullRequests/{id}/commits|threads|workitems</c>; <c>{project}/_apis/wit/workitems?ids=</c>;
/// <c>POST [{project}/]_apis/wit/artifacturiquery</c> (work items linked to pull-request artifact URIs, organisation-wide); <c>POST …/wit/wiql</c>;
/// <c>{project}/_apis/build/builds</c> (<c>repositoryId</c>, <c>branchName</c>, <c>statusFilter</c>, <c>queryOrder</c>, <c>minTime</c>,
/// <c>maxTime</c>, <c>buildIds</c>, <c>$top</c>, <c>continuationToken</c>); <c>…/builds/{id}/timeline|changes</c>;
/// <c>{project}/_apis/build/changes?fromBuildId&amp;toBuildId</c>; <c>POST …/git/repositories/{repo}/commitsbatch</c> (the default
/// branch's first-parent history, <c>$top</c>/<c>$skip</c>); <c>{project}/_apis/distributedtask/environments</c> and
/// <c>…/environments/{id}/environmentdeploymentrecords</c> (<c>top</c>, newest first, only runs that finished).
/// Canonical paths (for <see cref="RequestsTo"/> and <see cref="FailNext"/>) use the model's project and repository
/// names, e.g. <c>/Web/_apis/git/repositories/checkout/pullrequests/7/threads</c>, without the organisation prefix.
/// </remarks>
public sealed class AzureDevOpsSimulator : IDisposable
{
    /// <summary>The PAT a simulator accepts unless <see cref="AzureDevOpsSimulatorOptions.Pat"/> says otherwise.</summary>
    public const string DefaultPat = "simulatedpat0000000000000000000000000000000000000000";

    internal const string SignInPage = "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body><form action=\"https://login.microsoftonline.com/\">Sign in to your account</form></body></html>";

    private readonly WireMockServer server;
    private readonly AzureDevOpsSimulatorOptions options;
    private readonly AzureDevOpsPayloads payloads;
    private readonly string prefix;
    private readonly Lock counters = new();
    private readonly RequestLog<AzureDevOpsSimulatedRequest> requests = new(r => r.Path);
    private readonly List<Fault> faults = [];
    private readonly List<ContractViolation> violations = [];

    public AzureDevOpsSimulator(SimulatedAzureDevOps model, AzureDevOpsSimulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        this.options = options ?? new AzureDevOpsSimulatorOptions();
        prefix = "/" + (this.options.PathPrefix ?? model.Organization).Trim('/');
        server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 100,
        });
        var response = Response.Create().WithCallback(Handle);
        if (this.options.Latency > TimeSpan.Zero)
        {
            response = response.WithDelay(this.options.Latency);
        }

        server.Given(Request.Create().UsingAnyMethod()).RespondWith(response);
        Url = server.Url!.TrimEnd('/') + prefix + "/";
        payloads = new AzureDevOpsPayloads(Url, model);
    }

    public SimulatedAzureDevOps Model { get; }

    /// <summary>The organisation or collection URL to configure as <c>Sources:AzureDevOps:OrganizationUrl</c>, ending with '/'.</summary>
    public string Url { get; }

    public string Pat => options.Pat;

    public int RequestCount => requests.Count;

    public IReadOnlyList<AzureDevOpsSimulatedRequest> Requests => requests.Snapshot();

    /// <summary>Requests per canonical path.</summary>
    public IReadOnlyDictionary<string, int> RequestCountsByPath =>
        requests.CountsByPath();

    /// <summary>How many requests went to a canonical path (<c>*</c> matches one segment, e.g. <c>/Web/_apis/build/builds/*/timeline</c>).</summary>
    public int RequestsTo(string path) => requests.CountTo(path);

    /// <summary>Requests that did not match the published description (see <see cref="AzureDevOpsSimulatorOptions.EnforceContract"/>).</summary>
    public IReadOnlyList<ContractViolation> ContractViolations
    {
        get
        {
            lock (counters)
            {
                return [.. violations];
            }
        }
    }

    public void ResetCounts()
    {
        requests.Clear();
    }

    /// <summary>
    /// The next <paramref name="times"/> requests to <paramref name="path"/> (canonical, <c>*</c> per segment) answer
    /// <paramref name="status"/> with an Azure DevOps error body (<paramref name="message"/>) — or <paramref name="body"/>
    /// verbatim with <paramref name="contentType"/> — and extra <paramref name="headers"/>, before any other check.
    /// </summary>
    public void FailNext(
        string path, int times, HttpStatusCode status, string? message = null, IReadOnlyDictionary<string, string>? headers = null, string? body = null, string contentType = "application/json; charset=utf-8")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        body ??= AzureDevOpsPayloads.Error(message ?? ReasonPhrase((int)status), "SimulatedFault");
        lock (counters)
        {
            faults.Add(new Fault(RequestPaths.Pattern(path), times, (int)status, body, contentType, headers ?? new Dictionary<string, string>(), PassThrough: false));
        }
    }

    /// <summary>The next <paramref name="times"/> requests to <paramref name="path"/> answer 203 with the HTML sign-in page (what Azure DevOps does for a bad PAT).</summary>
    public void SignInNext(string path, int times = 1) =>
        FailNext(path, times, HttpStatusCode.NonAuthoritativeInformation, body: SignInPage, contentType: "text/html; charset=utf-8");

    /// <summary>The next <paramref name="times"/> requests to <paramref name="path"/> answer 200 with a body cut in the middle.</summary>
    public void MalformNext(string path, int times = 1) =>
        FailNext(path, times, HttpStatusCode.OK, body: "{\"count\": 3, \"value\": [ {\"id\": 1, ");

    /// <summary>
    /// The next <paramref name="times"/> requests to <paramref name="path"/> are answered normally but as Azure DevOps does
    /// when it starts delaying an identity: 200 with <c>Retry-After</c>, <c>X-RateLimit-Delay</c> and <c>X-RateLimit-Remaining: 0</c>.
    /// </summary>
    public void ThrottleNext(string path, int times, int retryAfterSeconds)
    {
        lock (counters)
        {
            faults.Add(new Fault(RequestPaths.Pattern(path), times, 200, null, null, new Dictionary<string, string>
            {
                ["Retry-After"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture),
                ["X-RateLimit-Resource"] = "Core",
                ["X-RateLimit-Delay"] = "0.250",
                ["X-RateLimit-Limit"] = "200",
                ["X-RateLimit-Remaining"] = "0",
                ["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            }, PassThrough: true));
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

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private IResponseMessage Handle(IRequestMessage request)
    {
        var url = request.Url ?? "";
        var at = url.IndexOf('?', StringComparison.Ordinal);
        var query = new AdoQuery(at < 0 ? "" : url[(at + 1)..]);
        var route = AdoRoute.Resolve(Model, prefix, request.Path);
        Reply reply;
        lock (Model.Gate)
        {
            reply = Answer(request, route, query);
        }

        requests.Add(new AzureDevOpsSimulatedRequest(request.Method, route.CanonicalPath, request.Path, query.Raw, reply.Status, Header(request, "Authorization")?.Split(' ')[0], DateTimeOffset.UtcNow));

        var headers = new Dictionary<string, WireMockList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = new(reply.ContentType),
            ["X-TFS-ProcessId"] = new(SimulatedAzureDevOps.Guid("process")),
            ["ActivityId"] = new(Guid.NewGuid().ToString()),
            ["X-VSS-E2EID"] = new(Guid.NewGuid().ToString()),
        };
        foreach (var (name, value) in reply.Headers)
        {
            headers[name] = new(value);
        }

        var message = new ResponseMessage { StatusCode = reply.Status, Headers = headers };
        message.BodyData = new BodyData { BodyAsString = reply.Body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 };
        return message;
    }

    private Reply Answer(IRequestMessage request, AdoRoute route, AdoQuery query)
    {
        var fault = TakeFault(route.CanonicalPath);
        if (fault is { PassThrough: false })
        {
            return new Reply(fault.Status, fault.Body!, fault.ContentType!, new Dictionary<string, string>(fault.Headers));
        }

        if (!Authorised(Header(request, "Authorization")))
        {
            return options.RejectedCredentialStatus == 203
                ? new Reply(203, SignInPage, "text/html; charset=utf-8")
                : Reply.Error(401, "TF400813: The user '' is not authorized to access this resource.", "UnauthorizedRequestException");
        }

        if (query.Get("api-version") is null && !(Header(request, "Accept")?.Contains("api-version", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return Reply.Error(400, "No api-version was supplied for the \"GET\" request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. '?api-version=1.0').", "VssVersionNotSpecifiedException");
        }

        if (CheckContract(request, query) is { } refused)
        {
            return refused;
        }

        var reply = route.Kind switch
        {
            AdoRouteKind.OutsideCollection => Reply.Error(404, "Page not found.", "NotFound"),
            AdoRouteKind.UnknownProject => Reply.Error(404, $"TF200016: The following project does not exist: {route.Missing}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.", "ProjectDoesNotExistWithNameException"),
            AdoRouteKind.UnknownRepository => Reply.Error(404, $"TF401019: The Git repository with name or identifier {route.Missing} does not exist or you do not have permissions for the operation you are attempting.", "GitRepositoryNotFoundException"),
            AdoRouteKind.Unknown => Reply.Error(404, "The resource cannot be found.", "NotFound"),
            AdoRouteKind.Wiql when string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase) =>
                new Reply(200, payloads.Wiql(route.Project!, request.Body ?? ""), "application/json; charset=utf-8"),
            AdoRouteKind.CommitsBatch when string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase) =>
                new Reply(200, payloads.CommitsBatch(route.Repository!, query, request.Body ?? "{}"), "application/json; charset=utf-8"),
            AdoRouteKind.ArtifactUriQuery when string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase) =>
                new Reply(200, payloads.ArtifactUriQuery(request.Body ?? ""), "application/json; charset=utf-8"),
            _ when !string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase) => Reply.Error(405, "Method not allowed.", "NotSupported"),
            _ => payloads.Render(route, query, options.DefaultPageSize) is { } rendered
                ? new Reply(200, rendered.Body, "application/json; charset=utf-8; api-version=" + (query.Get("api-version") ?? "7.1"), rendered.Continuation is null ? null : new Dictionary<string, string> { ["x-ms-continuationtoken"] = rendered.Continuation })
                : Reply.Error(404, "The resource cannot be found.", "NotFound"),
        };

        if (fault is { PassThrough: true })
        {
            foreach (var (name, value) in fault.Headers)
            {
                reply.Headers[name] = value;
            }
        }

        return reply;
    }

    /// <summary>
    /// Holds the request against the published description (<see cref="AzureDevOpsRestContract"/>). A GA version for a
    /// preview resource is refused as the service refuses it; a wrong version or an undeclared query parameter — which
    /// the service would refuse or, for a parameter, silently ignore (an unbounded or truncated page) — is refused loudly
    /// so the test that sent it fails. An undeclared path is recorded and answered as the routes answer it (404).
    /// </summary>
    private Reply? CheckContract(IRequestMessage request, AdoQuery query)
    {
        if (!options.EnforceContract || !request.Path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var relative = "/" + string.Join('/', request.Path[prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString));
        var version = query.Get("api-version") ?? AcceptedVersion(Header(request, "Accept"));
        var violation = AzureDevOpsRestContract.Instance.Check(request.Method, relative, query.Raw, version);
        if (violation is null)
        {
            return null;
        }

        lock (counters)
        {
            violations.Add(violation);
        }

        return violation.Kind switch
        {
            ContractViolationKind.UnknownOperation => null,
            ContractViolationKind.PreviewVersionRequired => Reply.Error(
                400,
                $"The requested version \"{version}\" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: \"{version}-preview\"",
                "VssInvalidPreviewVersionException"),
            _ => Reply.Error(400, "Simulated Azure DevOps refuses a request outside the published REST description: " + violation.Message, "SimulatorContractViolation"),
        };
    }

    private static string? AcceptedVersion(string? accept)
    {
        var at = accept?.IndexOf("api-version=", StringComparison.OrdinalIgnoreCase) ?? -1;
        return at < 0 ? null : accept![(at + "api-version=".Length)..].Split(';', ',')[0].Trim();
    }

    private bool Authorised(string? authorization)
    {
        var parts = authorization?.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (parts is not [var scheme, var value])
        {
            return false;
        }

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return options.BearerToken is not null && string.Equals(value, options.BearerToken, StringComparison.Ordinal);
        }

        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 && string.Equals(decoded[(colon + 1)..], options.Pat, StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }

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

    private sealed record Fault(Regex Pattern, int Times, int Status, string? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers, bool PassThrough)
    {
        public int Remaining { get; set; } = Times;
    }

    private sealed class Reply(int status, string body, string contentType, Dictionary<string, string>? headers = null)
    {
        public int Status { get; } = status;

        public string Body { get; } = body;

        public string ContentType { get; } = contentType;

        public Dictionary<string, string> Headers { get; } = headers ?? new(StringComparer.OrdinalIgnoreCase);

        public static Reply Error(int status, string message, string typeKey) =>
            new(status, AzureDevOpsPayloads.Error(message, typeKey), "application/json; charset=utf-8");
    }
}

/// <summary>One request an <see cref="AzureDevOpsSimulator"/> answered; of the credential only the scheme is kept.</summary>
/// <param name="Path">Canonical: <c>/{project}/_apis/…</c> with the model's names, without the organisation prefix.</param>
public sealed record AzureDevOpsSimulatedRequest(string Method, string Path, string RawPath, string Query, int StatusCode, string? AuthorizationScheme, DateTimeOffset At);
