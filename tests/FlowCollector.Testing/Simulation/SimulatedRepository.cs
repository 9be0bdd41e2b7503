namespace FlowCollector.Testing.Simulation;

/// <summary>A repository of a <see cref="SimulatedGitHub"/>: its default branch, visibility and pull requests.</summary>
public sealed class SimulatedRepository
{
    private readonly List<SimulatedPullRequest> pullRequests = [];

    internal SimulatedRepository(SimulatedGitHub github, long id, string owner, string name, string defaultBranch, bool isPrivate)
    {
        this.GitHub = github;
        this.Id = id;
        this.Owner = owner;
        this.Name = name;
        this.DefaultBranch = defaultBranch;
        this.IsPrivate = isPrivate;
    }

    public SimulatedGitHub GitHub { get; }

    /// <summary>GitHub's numeric repository id (used in <c>/repositories/{id}/…</c> page links).</summary>
    public long Id { get; }

    public string Owner { get; }

    public string Name { get; }

    /// <summary><c>owner/name</c>.</summary>
    public string FullName => $"{this.Owner}/{this.Name}";

    public string DefaultBranch { get; }

    public bool IsPrivate { get; }

    /// <summary>The pull requests, by number.</summary>
    public IReadOnlyList<SimulatedPullRequest> PullRequests
    {
        get
        {
            lock (this.GitHub.Gate)
            {
                return [.. this.pullRequests];
            }
        }
    }

    /// <summary>
    /// Opens the next pull request (numbers count up from 1). Continue with the fluent methods of
    /// <see cref="SimulatedPullRequest"/>: commits, draft toggles, review requests, reviews, merge or close.
    /// </summary>
    /// <param name="author">The author's login; a login ending in <c>[bot]</c> is a bot unless <paramref name="authorIsBot"/> says otherwise.</param>
    /// <param name="openedAt">created_at (truncated to whole seconds, UTC).</param>
    /// <param name="draft">Opened as a draft.</param>
    /// <param name="baseBranch">The target branch; null for <see cref="DefaultBranch"/>.</param>
    /// <param name="authorIsBot">Overrides the bot flag of the author.</param>
    /// <param name="title">The title; null for a generated one.</param>
    public SimulatedPullRequest OpenPullRequest(string author, DateTimeOffset openedAt, bool draft = false, string? baseBranch = null, bool? authorIsBot = null, string? title = null)
    {
        var user = SimulatedUser.Named(author, authorIsBot);
        lock (this.GitHub.Gate)
        {
            var number = this.pullRequests.Count + 1;
            var pr = new SimulatedPullRequest(
                this, number, this.GitHub.NextId(), user, SimulatedIds.Second(openedAt), draft, baseBranch ?? this.DefaultBranch, title ?? $"Change {number} by {author}");
            this.pullRequests.Add(pr);
            return pr;
        }
    }

    /// <summary>Pull request <paramref name="number"/>; throws when absent.</summary>
    public SimulatedPullRequest PullRequest(int number) =>
        this.FindPullRequest(number) ?? throw new KeyNotFoundException($"No pull request #{number} in {this.FullName}.");

    internal SimulatedPullRequest? FindPullRequest(int number)
    {
        lock (this.GitHub.Gate)
        {
            return number >= 1 && number <= this.pullRequests.Count ? this.pullRequests[number - 1] : null;
        }
    }

    public override string ToString() => this.FullName;
}
