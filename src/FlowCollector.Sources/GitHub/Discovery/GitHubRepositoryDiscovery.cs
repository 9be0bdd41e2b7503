using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Auth;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;
using FlowCollector.Sources.Http;
using Octokit;
using Octokit.Internal;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FlowCollector.Sources.GitHub.Discovery;

/// <summary>
/// Lists the repositories of the organisations in <see cref="GitHubSourceOptions.Organizations"/> through Octokit:
/// <c>GET /orgs/{org}/repos?type=all&amp;per_page=100</c> following <c>Link</c> pages, or, when GitHub has no such
/// organisation (404), <c>GET /users/{login}/repos?type=owner&amp;per_page=100</c>. Cost: 1 request per 100
/// repositories (plus the 404 for a user account). Disabled repositories are never returned: they cannot be read.
/// </summary>
/// <remarks>
/// Octokit's connection does the request, authentication and error answers; the page is read into
/// <see cref="ListedRepositoryPayload"/>, not Octokit's <c>Repository</c>, which (Octokit 14) has no <c>disabled</c>.
/// <c>RepositoriesClient.GetAllForOrg</c> is not used: it follows <c>Link</c> headers to any host with the token and
/// cannot count requests.
/// </remarks>
internal sealed class GitHubRepositoryDiscovery
{
    private const string Section = GitHubSourceNames.Section;

    private readonly IHttpClient transport;
    private readonly Uri baseAddress;
    private readonly GitHubCredentials credentials;

    /// <param name="transport">The <c>github</c> pipeline (<see cref="GitHubOctokit.Transport"/>).</param>
    /// <param name="baseAddress">The REST root, with its trailing slash.</param>
    /// <param name="credentials">The token of each organisation's owner.</param>
    public GitHubRepositoryDiscovery(IHttpClient transport, Uri baseAddress, GitHubCredentials credentials)
    {
        this.transport = transport;
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
        var connection = GitHubOctokit.Connect(baseAddress, new GitHubCredentialStore(credentials, login), transport);
        var escaped = Uri.EscapeDataString(login);
        var listed = await ListPagesAsync(connection, $"orgs/{escaped}/repos", "all", login, key, cancellationToken)
            ?? await ListPagesAsync(connection, $"users/{escaped}/repos", "owner", login, key, cancellationToken)
            ?? throw new SourceException(
                $"GitHub has no organisation or user '{login}' visible to the token (404 for /orgs/{login}/repos and /users/{login}/repos): check {key} and that {credentials.Described} can see it.");

        var rules = RepositorySelection.For(organization);
        return listed.Where(rules.Selects).Select(r => new RepositoryRef(GitHubSourceNames.Source, r.Owner ?? login, r.Name)).ToList();
    }

    /// <summary>Every page of one list; null when the first page is a 404 (no such organisation or user).</summary>
    private async Task<List<ListedRepository>?> ListPagesAsync(Connection connection, string path, string type, string login, string key, CancellationToken cancellationToken)
    {
        var repositories = new List<ListedRepository>();
        var first = new Uri(path, UriKind.Relative);
        var parameters = new Dictionary<string, string> { ["type"] = type, ["per_page"] = "100" };
        for (Uri? page = first; page is not null;)
        {
            var endpoint = "GET " + (page.IsAbsoluteUri ? page : new Uri(baseAddress, page.ApplyParameters(parameters))).PathAndQuery;
            Requests++;
            try
            {
                var response = await connection.Get<List<ListedRepositoryPayload>>(page, parameters, GitHubOctokit.MediaType, cancellationToken);
                repositories.AddRange(Parse(response, login, endpoint));
                page = GitHubOctokit.NextPage(
                    response.HttpResponse,
                    baseAddress,
                    next => new SourceException(
                        $"GitHub's next-page link for {endpoint} points to {next.GetLeftPart(UriPartial.Authority)}, not {baseAddress.GetLeftPart(UriPartial.Authority)}; the token is not sent elsewhere. Check {Section}:ApiBaseAddress."));
                parameters = []; // the link carries type, per_page and page itself
            }
            catch (NotFoundException) when (page == first)
            {
                return null;
            }
            catch (ApiException e)
            {
                throw Refused(e, login, key, endpoint);
            }
            catch (Exception e) when (Unreachable(e, cancellationToken) is { } reason)
            {
                throw new SourceException($"Could not list the repositories of '{login}' ({key}) at {baseAddress}: {reason}; the next discovery tries again (check {Section}:ApiBaseAddress and the network).", e);
            }
            catch (Exception e) when (e is not SourceException and not OperationCanceledException)
            {
                // Octokit could not read the body into a list of repositories.
                throw Malformed(endpoint, login, $"not a JSON list of repositories ({ErrorText.OneLine(e.Message)})", e);
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

    private SourceException Refused(ApiException e, string login, string key, string endpoint)
    {
        var status = (int)e.StatusCode;
        var limits = RateLimitHeaders.From(e.HttpResponse);
        var body = e.HttpResponse?.Body as string ?? "";
        var said = e.ApiError?.Message is { Length: > 0 } message ? message : (HttpErrorText.ReasonPhrase(status) ?? "");
        return e.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new SourceException(
                $"GitHub rejected the token while listing the repositories of '{login}' ({key}; {status} {said}) at {endpoint}: check {credentials.Described}.", e),
            HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests
                when limits.Remaining == 0 || limits.RetryAfter is not null || body.Contains("rate limit", StringComparison.OrdinalIgnoreCase) => new SourceException(
                $"GitHub rate limit exhausted while listing the repositories of '{login}' ({key}; {status}); the next discovery tries again after the reset. Repositories already scheduled keep being collected.", e),
            HttpStatusCode.Forbidden => new SourceException(
                $"GitHub refused to list the repositories of '{login}' ({status} {said}) at {endpoint}: give {credentials.Described} read access to the organisation's repository metadata (an organisation may also require SSO authorisation of the token), or fix {key}.", e),
            HttpStatusCode.NotFound => new SourceException(
                $"GitHub answered 404 for a page of {endpoint} while listing the repositories of '{login}'; check {key}. The next discovery tries again.", e),
            _ => new SourceException(
                $"GitHub answered {status} {said} for {endpoint} while listing the repositories of '{login}' ({key}); the next discovery tries again.", e),
        };
    }

    private static List<ListedRepository> Parse(IApiResponse<List<ListedRepositoryPayload>> response, string login, string endpoint)
    {
        if (response.Body is not { } page)
        {
            throw Malformed(endpoint, login, $"no JSON body (content type '{response.HttpResponse.ContentType}')");
        }

        var listed = new List<ListedRepository>(page.Count);
        foreach (var item in page)
        {
            if (item?.Name is not { Length: > 0 } name)
            {
                throw Malformed(endpoint, login, "a repository without a name");
            }

            listed.Add(new ListedRepository(item.Owner?.Login, name, item.Archived, item.Fork, item.Disabled, item.Topics ?? []));
        }

        return listed;
    }

    private static SourceException Malformed(string endpoint, string login, string detail, Exception? inner = null)
    {
        var message = $"GitHub returned a malformed repository list for {endpoint} ('{login}'): {detail}. Check that {Section}:ApiBaseAddress is a GitHub REST root.";
        return inner is null ? new SourceException(message) : new SourceException(message, inner);
    }
}

/// <summary>
/// One entry of <c>GET /orgs/{org}/repos</c> or <c>/users/{user}/repos</c> as Octokit's serializer fills it (snake_case
/// JSON to these names): the fields discovery reads, per GitHub's <c>minimal-repository</c> schema (@octokit/openapi).
/// </summary>
internal sealed class ListedRepositoryPayload
{
    public string? Name { get; private set; }

    public ListedRepositoryOwner? Owner { get; private set; }

    public bool Archived { get; private set; }

    public bool Fork { get; private set; }

    public bool Disabled { get; private set; }

    public IReadOnlyList<string>? Topics { get; private set; }
}

/// <summary>The <c>owner</c> of a <see cref="ListedRepositoryPayload"/>.</summary>
internal sealed class ListedRepositoryOwner
{
    public string? Login { get; private set; }
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
            && (archived || !repository.Archived)
            && (forks || !repository.Fork)
            && (include.Count == 0 || include.Exists(g => g.Matches(repository.Name)))
            && !exclude.Exists(g => g.Matches(repository.Name))
            && (topics.Count == 0 || repository.Topics.Any(topics.Contains));
    }
}
