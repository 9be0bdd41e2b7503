using System.Globalization;
using System.Runtime.CompilerServices;
using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub.Mapping;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;
using Octokit;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// The REST calls of one read of one repository, through one Octokit <see cref="IConnection"/>. Follows
/// <c>Link: rel="next"</c> verbatim (GitHub switches to <c>/repositories/{id}/…</c> URLs after page 1), counts
/// requests and remembers the rate-limit budget of the last response. Octokit models stay in here.
/// </summary>
internal sealed class GitHubRestReader
{
    /// <summary>GitHub's current media type (see <see cref="GitHubOctokit.MediaType"/>).</summary>
    internal const string MediaType = GitHubOctokit.MediaType;

    private readonly IConnection connection;
    private readonly GitHubErrors errors;
    private readonly string repositoryPath;
    private readonly int pageSize;

    public GitHubRestReader(IConnection connection, RepositoryRef repository, int pageSize, GitHubErrors errors)
    {
        this.connection = connection;
        this.errors = errors;
        this.pageSize = pageSize;
        repositoryPath = $"repos/{Uri.EscapeDataString(repository.Owner)}/{Uri.EscapeDataString(repository.Name)}";
    }

    /// <summary>Requests sent in this read (a request retried by the resilience handler counts once).</summary>
    public int Requests { get; private set; }

    /// <summary><c>x-ratelimit-remaining</c> of the last response; null before any response or when GitHub did not send it.</summary>
    public int? RateLimitRemaining { get; private set; }

    public async Task<string> GetDefaultBranchAsync(CancellationToken cancellationToken)
    {
        var repository = await GetAsync<Repository>(repositoryPath, cancellationToken);
        return string.IsNullOrEmpty(repository.DefaultBranch)
            ? throw errors.MalformedPayload(Endpoint(repositoryPath), "no default_branch")
            : repository.DefaultBranch;
    }

    /// <summary>Pull requests, most recently updated first, one page at a time so the caller can stop early.</summary>
    public IAsyncEnumerable<IReadOnlyList<PullRequest>> GetPullRequestPagesByUpdateAsync(CancellationToken cancellationToken) =>
        GetPagesAsync<PullRequest>(
            $"{repositoryPath}/pulls",
            new Dictionary<string, string>
            {
                ["state"] = "all",
                ["sort"] = "updated",
                ["direction"] = "desc",
                ["per_page"] = PageSizeText,
            },
            cancellationToken);

    /// <summary>Reads commits, reviews and the timeline of <paramref name="pr"/> (three lists, all pages).</summary>
    public async Task<PullRequestSnapshot> ReadPullRequestAsync(PullRequest pr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pr);
        var number = pr.Number.ToString(CultureInfo.InvariantCulture);
        var commitsPath = $"{repositoryPath}/pulls/{number}/commits";
        var commits = await GetAllAsync<PullRequestCommit>(commitsPath, cancellationToken);
        var reviews = await GetAllAsync<PullRequestReview>($"{repositoryPath}/pulls/{number}/reviews", cancellationToken);
        var timeline = await GetAllAsync<TimelineEventInfo>($"{repositoryPath}/issues/{number}/timeline", cancellationToken);

        return new PullRequestSnapshot(
            pr.Number,
            pr.HtmlUrl,
            Account(pr.User),
            pr.Base.Ref,
            pr.Draft,
            pr.CreatedAt,
            pr.UpdatedAt,
            pr.MergedAt,
            string.IsNullOrEmpty(pr.MergeCommitSha) ? null : pr.MergeCommitSha,
            pr.ClosedAt,
            commits.Select(c => Commit(c, commitsPath)).ToList(),
            reviews.Select(r => new ReviewSnapshot(r.Id, Account(r.User), r.State.StringValue ?? "", r.SubmittedAt == default ? null : r.SubmittedAt)).ToList(),
            timeline
                .Where(e => e.Event.StringValue is not null && e.CreatedAt != default)
                .Select(e => new TimelineSnapshot(e.Event.StringValue, e.CreatedAt, Account(e.Actor)))
                .ToList())
        {
            HeadRef = pr.Head?.Ref,
            Title = pr.Title,
            Labels = pr.Labels is { Count: > 0 } labels ? labels.Select(l => l.Name).Where(n => !string.IsNullOrEmpty(n)).ToArray() : null,
        };
    }

    /// <summary>Checks the fields the mapping relies on, so a strange payload fails loudly instead of mapping to nonsense.</summary>
    public void EnsureUsable(PullRequest pr, string listEndpoint)
    {
        ArgumentNullException.ThrowIfNull(pr);
        if (pr.Number <= 0 || pr.CreatedAt == default || pr.UpdatedAt == default || string.IsNullOrEmpty(pr.Base?.Ref) || string.IsNullOrEmpty(pr.HtmlUrl))
        {
            throw errors.MalformedPayload(listEndpoint, $"a pull request without number, created_at, updated_at, base.ref or html_url (number {pr.Number})");
        }
    }

    /// <summary>The <c>repos/{owner}/{name}</c> path of this read, escaped.</summary>
    internal string RepositoryPath => repositoryPath;

    internal string PageSizeValue => PageSizeText;

    public static string Endpoint(string pathOrUrl) =>
        "GET " + (Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : "/" + pathOrUrl);

    private string PageSizeText => pageSize.ToString(CultureInfo.InvariantCulture);

    private CommitSnapshot Commit(PullRequestCommit commit, string endpoint)
    {
        if (string.IsNullOrEmpty(commit.Sha) || commit.Commit?.Author is null || commit.Commit.Author.Date == default)
        {
            throw errors.MalformedPayload(Endpoint(endpoint), "a commit without sha or commit.author.date");
        }

        return new CommitSnapshot(commit.Sha, commit.Commit.Author.Date, Account(commit.Author));
    }

    private static GitHubAccount? Account(User? user) =>
        string.IsNullOrEmpty(user?.Login) ? null : new GitHubAccount(user.Login, user.Type?.ToString());

    private async Task<List<T>> GetAllAsync<T>(string path, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        await foreach (var page in GetPagesAsync<T>(path, new Dictionary<string, string> { ["per_page"] = PageSizeText }, cancellationToken))
        {
            all.AddRange(page);
        }

        return all;
    }

    private IAsyncEnumerable<IReadOnlyList<T>> GetPagesAsync<T>(string path, IDictionary<string, string> parameters, CancellationToken cancellationToken) =>
        GetWrappedPagesAsync<List<T>>(path, parameters, cancellationToken);

    /// <summary>Pages of a list whose body is <typeparamref name="TPage"/> (a plain array or an object wrapping one), following <c>Link: rel="next"</c>.</summary>
    internal async IAsyncEnumerable<TPage> GetWrappedPagesAsync<TPage>(
        string path, IDictionary<string, string> parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var uri = new Uri(path, UriKind.Relative);
        while (true)
        {
            var response = await SendAsync<TPage>(uri, parameters, cancellationToken);
            yield return response.Body;

            // Octokit would send the token to whatever host the link names; only follow links to our own API.
            if (GitHubOctokit.NextPage(response.HttpResponse, connection.BaseAddress, n => errors.ForeignPageLink(Endpoint(path), n)) is not { } next)
            {
                yield break;
            }

            uri = next;
            parameters = new Dictionary<string, string>(); // the link carries per_page and page itself
        }
    }

    internal async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        (await SendAsync<T>(new Uri(path, UriKind.Relative), new Dictionary<string, string>(), cancellationToken)).Body;

    private async Task<IApiResponse<T>> SendAsync<T>(Uri uri, IDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(uri.ApplyParameters(parameters).OriginalString);
        Requests++;
        IApiResponse<T> response;
        try
        {
            response = await connection.Get<T>(uri, parameters, MediaType, cancellationToken);
        }
        catch (ApiException e)
        {
            Observe(e.HttpResponse);
            throw errors.Translate(e, endpoint, cancellationToken)!;
        }
        catch (Exception e) when (errors.Translate(e, endpoint, cancellationToken) is { } translated)
        {
            throw translated;
        }

        Observe(response.HttpResponse);
        return response.Body is null
            ? throw errors.MalformedPayload(endpoint, $"no JSON body (content type '{response.HttpResponse.ContentType}')")
            : response;
    }

    private void Observe(IResponse? response)
    {
        if (response is not null && RateLimitHeaders.From(response).Remaining is { } remaining)
        {
            RateLimitRemaining = remaining;
        }
    }
}
