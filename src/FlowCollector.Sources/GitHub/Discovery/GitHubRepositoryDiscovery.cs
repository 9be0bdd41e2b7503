using System.Net;
using System.Text.Json;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Auth;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;
using FlowCollector.Sources.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FlowCollector.Sources.GitHub.Discovery;

/// <summary>
/// Lists the repositories of the organisations in <see cref="GitHubSourceOptions.Organizations"/>:
/// <c>GET /orgs/{org}/repos?type=all&amp;per_page=100</c> following <c>Link</c> pages, or, when GitHub has no such
/// organisation (404), <c>GET /users/{login}/repos?type=owner&amp;per_page=100</c>. Cost: 1 request per 100
/// repositories (plus the 404 for a user account). Disabled repositories are never returned: they cannot be read.
/// </summary>
internal sealed class GitHubRepositoryDiscovery
{
    private const string Section = GitHubSourceNames.Section;

    private readonly HttpClient http;
    private readonly Uri baseAddress;
    private readonly GitHubCredentials credentials;

    public GitHubRepositoryDiscovery(HttpClient http, Uri baseAddress, GitHubCredentials credentials)
    {
        this.http = http;
        this.baseAddress = baseAddress;
        this.credentials = credentials;
    }

    /// <summary>Requests sent so far.</summary>
    public int Requests { get; private set; }

    /// <summary>The repositories of organisation <paramref name="index"/> its rules select, in the order GitHub listed them.</summary>
    public async Task<IReadOnlyList<RepositoryRef>> ListAsync(GitHubOrganizationOptions organization, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var login = organization.Name.Trim();
        var key = $"{Section}:Organizations:{index}:Name";
        var token = await this.credentials.GetTokenAsync(login, cancellationToken);
        var escaped = Uri.EscapeDataString(login);
        var listed = await this.ListPagesAsync(new Uri(this.baseAddress, $"orgs/{escaped}/repos?type=all&per_page=100"), login, key, token, cancellationToken)
            ?? await this.ListPagesAsync(new Uri(this.baseAddress, $"users/{escaped}/repos?type=owner&per_page=100"), login, key, token, cancellationToken)
            ?? throw new SourceException(
                $"GitHub has no organisation or user '{login}' visible to the token (404 for /orgs/{login}/repos and /users/{login}/repos): check {key} and that {this.credentials.Described} can see it.");

        var rules = RepositorySelection.For(organization);
        return listed.Where(rules.Selects).Select(r => new RepositoryRef(GitHubSourceNames.Source, r.Owner ?? login, r.Name)).ToList();
    }

    /// <summary>Every page of one list; null when the first page is a 404 (no such organisation or user).</summary>
    private async Task<List<ListedRepository>?> ListPagesAsync(Uri first, string login, string key, string token, CancellationToken cancellationToken)
    {
        var repositories = new List<ListedRepository>();
        for (Uri? page = first; page is not null;)
        {
            var endpoint = "GET " + page.PathAndQuery;
            this.Requests++;
            try
            {
                using var request = GitHubRestRequest.Get(page, token);
                using var response = await this.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound && page == first)
                {
                    return null;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw this.Refused(response, body, login, key, endpoint);
                }

                repositories.AddRange(Parse(body, login, endpoint));
                var next = GitHubRestRequest.NextPage(response);
                if (next is not null && !GitHubRestRequest.SameAuthority(next, this.baseAddress))
                {
                    throw new SourceException(
                        $"GitHub's next-page link for {endpoint} points to {next.GetLeftPart(UriPartial.Authority)}, not {this.baseAddress.GetLeftPart(UriPartial.Authority)}; the token is not sent elsewhere. Check {Section}:ApiBaseAddress.");
                }

                page = next;
            }
            catch (Exception e) when (Unreachable(e, cancellationToken) is { } reason)
            {
                throw new SourceException($"Could not list the repositories of '{login}' ({key}) at {this.baseAddress}: {reason}; the next discovery tries again (check {Section}:ApiBaseAddress and the network).", e);
            }
        }

        return repositories;
    }

    private static string? Unreachable(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        TimeoutRejectedException or OperationCanceledException => "no answer in time, even after retries",
        BrokenCircuitException => "requests paused after repeated failures (circuit open)",
        HttpRequestException http => http.Message.ReplaceLineEndings(" "),
        _ => null,
    };

    private SourceException Refused(HttpResponseMessage response, string body, string login, string key, string endpoint)
    {
        var status = (int)response.StatusCode;
        var limits = RateLimitHeaders.From(response);
        var said = HttpErrorText.JsonMessage(body) ?? response.ReasonPhrase ?? "";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new SourceException(
                $"GitHub rejected the token while listing the repositories of '{login}' ({key}; {status} {said}) at {endpoint}: check {this.credentials.Described}."),
            HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
                when limits.Remaining == 0 || limits.RetryAfter is not null || body.Contains("rate limit", StringComparison.OrdinalIgnoreCase) => new SourceException(
                $"GitHub rate limit exhausted while listing the repositories of '{login}' ({key}; {status}); the next discovery tries again after the reset. Repositories already scheduled keep being collected."),
            HttpStatusCode.Forbidden => new SourceException(
                $"GitHub refused to list the repositories of '{login}' ({status} {said}) at {endpoint}: give {this.credentials.Described} read access to the organisation's repository metadata (an organisation may also require SSO authorisation of the token), or fix {key}."),
            HttpStatusCode.NotFound => new SourceException(
                $"GitHub answered 404 for a page of {endpoint} while listing the repositories of '{login}'; check {key}. The next discovery tries again."),
            _ => new SourceException(
                $"GitHub answered {status} {said} for {endpoint} while listing the repositories of '{login}' ({key}); the next discovery tries again."),
        };
    }

    private static List<ListedRepository> Parse(string body, string login, string endpoint)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw Malformed(endpoint, login, "not a JSON array");
            }

            var listed = new List<ListedRepository>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } repositoryName)
                {
                    throw Malformed(endpoint, login, "a repository without a name");
                }

                var owner = item.TryGetProperty("owner", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("login", out var ownerLogin) && ownerLogin.ValueKind == JsonValueKind.String
                    ? ownerLogin.GetString()
                    : null;
                var topics = item.TryGetProperty("topics", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                    : [];
                listed.Add(new ListedRepository(owner, repositoryName, Flag(item, "archived"), Flag(item, "fork"), Flag(item, "disabled"), topics));
            }

            return listed;
        }
        catch (JsonException e)
        {
            throw Malformed(endpoint, login, $"not JSON ({e.Message})", e);
        }
    }

    private static bool Flag(JsonElement item, string name) => item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static SourceException Malformed(string endpoint, string login, string detail, Exception? inner = null)
    {
        var message = $"GitHub returned a malformed repository list for {endpoint} ('{login}'): {detail}. Check that {Section}:ApiBaseAddress is a GitHub REST root.";
        return inner is null ? new SourceException(message) : new SourceException(message, inner);
    }
}

/// <summary>What discovery needs of one entry of an owner's repository list.</summary>
internal sealed record ListedRepository(string? Owner, string Name, bool Archived, bool Fork, bool Disabled, IReadOnlyList<string> Topics);

/// <summary>The rules of one <see cref="GitHubOrganizationOptions"/> entry, parsed once.</summary>
internal sealed class RepositorySelection
{
    private readonly List<RepositoryNameGlob> include;
    private readonly List<RepositoryNameGlob> exclude;
    private readonly HashSet<string> topics;
    private readonly bool archived;
    private readonly bool forks;

    private RepositorySelection(List<RepositoryNameGlob> include, List<RepositoryNameGlob> exclude, HashSet<string> topics, bool archived, bool forks)
    {
        this.include = include;
        this.exclude = exclude;
        this.topics = topics;
        this.archived = archived;
        this.forks = forks;
    }

    public static RepositorySelection For(GitHubOrganizationOptions organization)
    {
        ArgumentNullException.ThrowIfNull(organization);
        return new RepositorySelection(
            (organization.Include ?? []).Select(RepositoryNameGlob.Parse).ToList(),
            (organization.Exclude ?? []).Select(RepositoryNameGlob.Parse).ToList(),
            (organization.Topics ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase),
            organization.IncludeArchived,
            organization.IncludeForks);
    }

    public bool Selects(ListedRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return !repository.Disabled
            && (this.archived || !repository.Archived)
            && (this.forks || !repository.Fork)
            && (this.include.Count == 0 || this.include.Exists(g => g.Matches(repository.Name)))
            && !this.exclude.Exists(g => g.Matches(repository.Name))
            && (this.topics.Count == 0 || repository.Topics.Any(this.topics.Contains));
    }
}
