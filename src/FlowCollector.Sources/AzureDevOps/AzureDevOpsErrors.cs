using System.Net;
using System.Text.Json;
using Azure.Identity;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Turns what can go wrong talking to Azure DevOps into one-line <see cref="SourceException"/>s: what failed, for which
/// repository, which key to fix. Messages carry paths and Azure DevOps' own error text, never a credential.
/// </summary>
internal sealed class AzureDevOpsErrors
{
    private const string Section = AzureDevOpsSourceOptions.SectionName;

    private readonly RepositoryRef? repository;
    private readonly string target;
    private readonly string? projectKey;
    private readonly Uri baseAddress;
    private readonly string credentialKey;

    public AzureDevOpsErrors(RepositoryRef repository, Uri baseAddress, string credentialKey)
        : this(repository, repository.FullName, null, baseAddress, credentialKey)
    {
    }

    private AzureDevOpsErrors(RepositoryRef? repository, string target, string? projectKey, Uri baseAddress, string credentialKey)
    {
        this.repository = repository;
        this.target = target;
        this.projectKey = projectKey;
        this.baseAddress = baseAddress;
        this.credentialKey = credentialKey;
    }

    private string Repo => target;

    /// <summary>Errors of listing a project's repositories; <paramref name="projectKey"/> is the configuration key that names the project.</summary>
    public static AzureDevOpsErrors ForProject(string project, string projectKey, Uri baseAddress, string credentialKey) =>
        new(null, $"project '{project}'", projectKey, baseAddress, credentialKey);

    /// <summary>Translates a failure to get a response; null for cancellation by the caller (rethrow it unchanged).</summary>
    public SourceException? Translate(Exception exception, string endpoint, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        SourceException => null,
        AuthenticationFailedException auth => new SourceException(
            $"Could not get a Microsoft Entra ID token for Azure DevOps ({ErrorText.OneLine(auth.Message)}): check {Section}:EntraId and that the identity was added to the organisation.", exception),
        TimeoutRejectedException or OperationCanceledException or TimeoutException => new SourceException(
            $"Azure DevOps did not answer {endpoint} for {Repo} in time, even after retries; the next run tries again (timeouts: {AzureDevOpsSourceOptions.ResilienceSectionName}).", exception),
        BrokenCircuitException => new SourceException(
            $"Azure DevOps requests are paused after repeated failures (circuit open) while reading {Repo}; the next run tries again.", exception),
        _ when Http.ResponseCutException.IsCut(exception) => new SourceException(
            $"The connection to Azure DevOps was cut in the middle of the answer to {endpoint} for {Repo}, even after retries (a transient network error); nothing of this read was kept and the next run tries again.", exception),
        HttpRequestException http => new SourceException(
            $"Could not reach Azure DevOps at {baseAddress} for {Repo} ({ErrorText.OneLine(http.Message)}); check {Section}:OrganizationUrl and the network.", exception),
        JsonException json => MalformedPayload(endpoint, ErrorText.OneLine(json.Message), json),
        _ => null,
    };

    /// <summary>
    /// An HTML page that is not Azure DevOps' sign-in page (no 203, no sign-in markers): something else answered — a
    /// wrong <c>OrganizationUrl</c> (a web site, not the organisation) or a proxy's own login or error page.
    /// </summary>
    public SourceException HtmlPage(string endpoint, int status, string? title) =>
        new($"Azure DevOps answered {endpoint} for {Repo} with an HTML page ({status}{(title is null ? "" : $", \"{ErrorText.OneLine(title)}\"")}) instead of data: that is not Azure DevOps' REST API. Check that {Section}:OrganizationUrl ({baseAddress}) is the organisation or collection URL, and any proxy between FlowCollector and Azure DevOps (its login or error page).");

    /// <summary>
    /// Azure DevOps answers a credential it does not accept with <c>203 Non-Authoritative Information</c> and its HTML
    /// sign-in page rather than 401; an HTML page is that page only with a 203 or the page's markers (<see cref="AzureDevOpsSignInPage"/>).
    /// </summary>
    public SourceException SignInPage(string endpoint, int status) =>
        new($"Azure DevOps answered {endpoint} for {Repo} with a sign-in page ({status}) instead of data: the credential was not accepted (expired, revoked, mistyped or for another organisation). Check {credentialKey}.");

    public SourceException FromStatus(HttpStatusCode statusCode, string body, TimeSpan? retryAfter, string endpoint, bool repositoryRequest)
    {
        var status = (int)statusCode;
        var said = ErrorText.OneLine(ServerMessage(body) ?? (HttpErrorText.ReasonPhrase(status) ?? "Error"));
        switch (statusCode)
        {
            case HttpStatusCode.Unauthorized:
                return new SourceException($"Azure DevOps rejected the credential for {Repo} ({status} {said}): check {credentialKey}.");
            case HttpStatusCode.Forbidden:
                return new SourceException(
                    $"Azure DevOps refused {endpoint} for {Repo} ({status} {said}): give the identity of {credentialKey} read access (PAT scopes Code, Build, Release, Environment and Work Items: Read).");
            case HttpStatusCode.NotFound when repositoryRequest && projectKey is not null:
                return new SourceException(
                    $"Azure DevOps {target} was not found in {baseAddress} or is not visible to the credential ({status} {said}): check {projectKey} and {Section}:OrganizationUrl.");
            case HttpStatusCode.NotFound when repositoryRequest && repository is not null:
                return new SourceException(
                    $"Azure DevOps project or repository {AzureDevOpsEndpoints.ProjectOf(repository)}/{repository.Name} was not found in {baseAddress} or is not visible to the credential ({status} {said}): check {Section}:Repositories and {Section}:OrganizationUrl.");
            case HttpStatusCode.TooManyRequests:
                var wait = retryAfter is { } after ? $", retry after {after.TotalSeconds:0} s" : "";
                return new SourceException(
                    $"Azure DevOps throttled the reads of {Repo} ({status}{wait}: {said}). Nothing after the watermark was lost; the next run continues from it. Lower {Section}:MaxConcurrentRequests or poll less often ({Section}:Interval).");
            default:
                var retried = status >= 500 || statusCode == HttpStatusCode.RequestTimeout ? " after retries" : "";
                return new SourceException($"Azure DevOps answered {status} {said} for {endpoint} ({Repo}){retried}; the next run tries again.");
        }
    }

    /// <summary>
    /// An item Azure DevOps listed without a field its state requires (a completed build without <c>finishTime</c> or
    /// <c>result</c>, a closed pull request without <c>closedDate</c>). Dropping it would lose it for good once the
    /// watermark moved past it, so the read fails and the next run reads it again.
    /// </summary>
    public SourceException IncompleteItem(string endpoint, string item) =>
        new($"Azure DevOps returned {item} for {endpoint} ({Repo}); nothing of this read was kept (watermark unchanged) and the next run reads it again. If it persists, the item is damaged on the server: report it with this line.");

    /// <summary>A list whose pages do not add up to what the server said it holds.</summary>
    public SourceException IncompleteList(string endpoint, string detail) =>
        new($"Azure DevOps returned an incomplete list for {endpoint} ({Repo}): {detail}. Nothing of this read was kept (watermark unchanged); the next run tries again.");

    public SourceException MalformedPayload(string endpoint, string detail, Exception? inner = null)
    {
        var message = $"Azure DevOps returned a malformed payload for {endpoint} ({Repo}): {detail}. Check that {Section}:OrganizationUrl ({baseAddress}) is an organisation or collection URL.";
        return inner is null ? new SourceException(message) : new SourceException(message, inner);
    }

    private static string? ServerMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || !body.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, AzureDevOpsJsonContext.Default.AdoError)?.Message is { Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

}
