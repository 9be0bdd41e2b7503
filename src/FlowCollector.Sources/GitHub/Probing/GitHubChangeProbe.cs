using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;

namespace FlowCollector.Sources.GitHub.Probing;

/// <summary>
/// Tells cheaply whether anything a read of one repository would see changed: one conditional REST GET per resource
/// the read uses, each the first page of a list GitHub sorts so that any change shows on it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>pulls?state=all&amp;sort=updated&amp;direction=desc&amp;per_page=1</c>: a new commit, review, review
/// request, draft toggle, merge or close moves the pull request's <c>updated_at</c> and so to the top of this list.</item>
/// <item><c>actions/runs?exclude_pull_requests=true&amp;per_page={PageSize}</c> (when <see cref="GitHubSourceOptions.ReadWorkflowRuns"/>):
/// GitHub sorts runs by creation, newest first, so a run that finishes is not moved to the top. A full page of the
/// newest runs holds every run still in progress unless more than <c>PageSize</c> runs (any branch) were created after
/// it; its status, conclusion and <c>updated_at</c> change the page when it finishes. A run older than that is caught
/// by the next full read (<c>Collection:ReconcileInterval</c>). No branch filter: it would need the default branch
/// (one more request) and would make this a filtered search.</item>
/// <item><c>deployments?per_page={PageSize}</c> (when <see cref="GitHubSourceOptions.ReadDeployments"/>): newest first
/// by creation; a new status moves a deployment's <c>updated_at</c>, which is on the page.</item>
/// </list>
/// Validators per resource: GitHub's ETag (a 304 costs no rate limit) and the SHA-256 of the last body. ETags are bound
/// to the token, so after a token rotation (a GitHub App installation token lives an hour) GitHub answers 200; a body
/// equal to the last one still counts as unchanged, at one request per resource.
/// </remarks>
internal sealed class GitHubChangeProbe
{
    private const string Section = GitHubSourceNames.Section;

    private readonly HttpClient http;
    private readonly Uri baseAddress;
    private readonly Func<CancellationToken, ValueTask<string>> token;
    private readonly RepositoryRef repository;
    private readonly ProbedReads reads;

    private readonly string credential;

    public GitHubChangeProbe(HttpClient http, Uri baseAddress, Func<CancellationToken, ValueTask<string>> token, RepositoryRef repository, ProbedReads reads, string credential = GitHubSourceNames.TokenKey)
    {
        this.credential = credential;
        this.http = http;
        this.baseAddress = baseAddress;
        this.token = token;
        this.repository = repository;
        this.reads = reads;
    }

    /// <summary>The resources probed, by the name they have in the validators, with their first-page URL (relative to the REST root).</summary>
    public IReadOnlyList<(string Name, string Path)> Resources()
    {
        var root = $"repos/{repository.FullName}";
        var size = reads.PageSize.ToString(CultureInfo.InvariantCulture);
        var resources = new List<(string, string)> { ("pulls", $"{root}/pulls?state=all&sort=updated&direction=desc&per_page=1") };
        if (reads.WorkflowRuns)
        {
            resources.Add(("runs", $"{root}/actions/runs?exclude_pull_requests=true&per_page={size}"));
        }

        if (reads.Deployments)
        {
            resources.Add(("deployments", $"{root}/deployments?per_page={size}"));
        }

        return resources;
    }

    public async Task<ChangeProbeResult> ProbeAsync(string? validators, CancellationToken cancellationToken)
    {
        var stored = ProbeValidators.Parse(validators);
        var fresh = new Dictionary<string, ResourceValidator>(StringComparer.Ordinal);
        var unchanged = true;
        var requests = 0;
        int? remaining = null;
        var secret = await token(cancellationToken);
        foreach (var (name, path) in Resources())
        {
            stored.TryGetValue(name, out var before);
            requests++;
            var (same, after, left) = await ProbeOneAsync(name, path, before, secret, cancellationToken);
            remaining = left ?? remaining;
            unchanged &= same;

            // A resource whose probe failed keeps its old validators: they can only make a later probe report a change.
            if ((after ?? before) is { } kept)
            {
                fresh[name] = kept;
            }
        }

        return new ChangeProbeResult(unchanged, ProbeValidators.Format(fresh), new SourceUsage(requests, remaining));
    }

    private async Task<(bool Unchanged, ResourceValidator? Validator, int? RateLimitRemaining)> ProbeOneAsync(
        string name, string path, ResourceValidator? before, string secret, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseAddress, path);
        var endpoint = "GET /" + path;
        try
        {
            using var request = ConditionalGet.Create(uri, secret, before?.ETag);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var remaining = ConditionalGet.RateLimitRemaining(response);
            var etag = response.Headers.ETag?.ToString();
            if (response.StatusCode == HttpStatusCode.NotModified && before is not null)
            {
                return (true, before with { ETag = etag ?? before.ETag }, remaining);
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                ThrowIfTheReadWouldFail(response, body, name, endpoint);
                return (false, null, remaining);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            return (before is not null && string.Equals(before.Sha256, hash, StringComparison.Ordinal), new ResourceValidator(etag, hash), remaining);
        }
        catch (SourceException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A probe that cannot decide says "changed": the full read then reports what is wrong, with its own messages.
        catch (Exception)
#pragma warning restore CA1031
        {
            return (false, null, null);
        }
    }

    /// <summary>Bad credentials, a missing permission or a repository that is gone fail the read too: say so now, as the read would.</summary>
    private void ThrowIfTheReadWouldFail(HttpResponseMessage response, string body, string name, string endpoint)
    {
        var status = (int)response.StatusCode;
        var limits = RateLimitHeaders.From(response);
        var rateLimited = limits.Remaining == 0 || limits.RetryAfter is not null || body.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
        var repo = repository.FullName;
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                throw new SourceException($"GitHub rejected the token for {repo} ({status} {Said(response, body)}): check {credential}.");
            case HttpStatusCode.NotFound:
                throw new SourceException(
                    $"GitHub repository {repo} was not found or is not visible to the token ({status} {Said(response, body)} for {endpoint}): check {Section}:Repositories (or the organisation's rules) and that the token can read the repository.");
            case HttpStatusCode.Forbidden when !rateLimited && name == "runs":
                throw new SourceException(
                    $"GitHub refused to list the workflow runs of {repo} (403): give {credential} read access to Actions (fine-grained token: \"Actions: Read-only\") or set {GitHubSourceNames.ReadWorkflowRunsKey} to false.");
            case HttpStatusCode.Forbidden when !rateLimited && name == "deployments":
                throw new SourceException(
                    $"GitHub refused to list the deployments of {repo} (403): give {credential} read access to Deployments (fine-grained token: \"Deployments: Read-only\") or set {GitHubSourceNames.ReadDeploymentsKey} to false.");
            case HttpStatusCode.Forbidden when !rateLimited:
                throw new SourceException(
                    $"GitHub refused {endpoint} for {repo} ({status} {Said(response, body)}): give the token read access to the repository's pull requests, contents and metadata ({credential}).");
            default:
                return; // rate limits, 5xx after retries, …: the full read decides and reports
        }
    }

    private static string Said(HttpResponseMessage response, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var text = message.GetString()!.ReplaceLineEndings(" ");
                return text.Length <= 200 ? text : text[..200] + "…";
            }
        }
        catch (JsonException)
        {
            // Not GitHub's error shape: fall back to the reason phrase.
        }

        return response.ReasonPhrase ?? "";
    }
}

/// <summary>
/// Which reads the probe stands for (from <see cref="GitHubSourceOptions"/>): their page size, and whether workflow runs
/// and deployments are read at all. Passed in, not the options, so probing does not depend on the source's root.
/// </summary>
internal sealed record ProbedReads(int PageSize, bool WorkflowRuns, bool Deployments);

/// <summary>What a probe remembers of one resource: the ETag GitHub sent (null when none) and the SHA-256 of the body.</summary>
internal sealed record ResourceValidator(
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>
/// The opaque validators string: compact JSON <c>{"v":1,"r":{"pulls":{"etag":"W/\"…\"","sha256":"…"},…}}</c>. Holds
/// hashes and GitHub's own validators only, never a token. Anything unreadable counts as "no validators" (changed).
/// </summary>
internal static class ProbeValidators
{
    private const int Version = 1;

    public static Dictionary<string, ResourceValidator> Parse(string? validators)
    {
        if (string.IsNullOrWhiteSpace(validators))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(validators, ProbeValidatorsJson.Default.StoredValidators);
            return parsed is { V: Version, R: { } resources }
                ? resources.Where(p => p.Value is { Sha256.Length: > 0 }).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
                : new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return new(StringComparer.Ordinal);
        }
    }

    public static string Format(IReadOnlyDictionary<string, ResourceValidator> resources) =>
        JsonSerializer.Serialize(new StoredValidators(Version, resources.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)), ProbeValidatorsJson.Default.StoredValidators);
}

internal sealed record StoredValidators(
    [property: JsonPropertyName("v")] int V,
    [property: JsonPropertyName("r")] Dictionary<string, ResourceValidator>? R);

[JsonSerializable(typeof(StoredValidators))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ProbeValidatorsJson : JsonSerializerContext;
