using System.Diagnostics.CodeAnalysis;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// The state a <see cref="GitHubSimulator"/> serves: organisations (owners) → repositories → pull requests. Build it
/// by hand (<see cref="AddRepository"/>, then <see cref="SimulatedRepository.OpenPullRequest"/> and the fluent
/// methods of <see cref="SimulatedPullRequest"/>) or with <see cref="Generate"/>. The model may be changed while a
/// simulator serves it (e.g. merge a pull request between two polls); every change and every request takes the same lock.
/// </summary>
public sealed class SimulatedGitHub
{
    private readonly List<SimulatedRepository> repositories = [];
    private long nextId = 1_000;

    internal Lock Gate { get; } = new();

    /// <summary>The repositories in the order they were added.</summary>
    public IReadOnlyList<SimulatedRepository> Repositories
    {
        get
        {
            lock (Gate)
            {
                return [.. repositories];
            }
        }
    }

    /// <summary>The owners (organisations) in the order their first repository was added.</summary>
    public IReadOnlyList<string> Organisations => Repositories.Select(r => r.Owner).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>All pull requests of all repositories.</summary>
    public int PullRequestCount => Repositories.Sum(r => r.PullRequests.Count);

    /// <summary>
    /// Generates a realistic, deterministic organisation: for the same arguments the same repositories, pull requests,
    /// logins, times and SHAs. The mix: drafts (some toggled back and forth), merges without review, bot-authored
    /// pull requests, bot reviews, several review rounds, approval followed by more commits, self-reviews, pending
    /// reviews, dismissed approvals, pull requests to non-default branches, closed unmerged and still open ones.
    /// Each pull request's <see cref="SimulatedPullRequest.Scenario"/> names its storyline. Unless the options turn them
    /// off, every merge into the default branch gets a CI run on its merge commit and the trunk is deployed in batches
    /// to <c>staging</c> and then <c>production</c> (some failures, an occasional redeploy or rollback).
    /// </summary>
    /// <param name="seed">Seed of the pseudo-random choices.</param>
    /// <param name="repositories">How many repositories (spread over <see cref="GitHubGenerationOptions.Organisations"/> owners).</param>
    /// <param name="pullRequestsPerRepository">Pull requests opened in each repository.</param>
    /// <param name="start">When the first pull requests open; later ones follow every <see cref="GitHubGenerationOptions.AverageGap"/> on average.</param>
    /// <param name="options">Shape of the mix; null for the defaults.</param>
    public static SimulatedGitHub Generate(int seed, int repositories, int pullRequestsPerRepository, DateTimeOffset start, GitHubGenerationOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(repositories);
        ArgumentOutOfRangeException.ThrowIfNegative(pullRequestsPerRepository);
        var github = new SimulatedGitHub();
        new SimulatedGitHubGenerator(github, seed, options ?? new GitHubGenerationOptions()).Generate(repositories, pullRequestsPerRepository, start);
        return github;
    }

    /// <summary>Adds a repository.</summary>
    /// <param name="fullName"><c>owner/name</c>.</param>
    /// <param name="defaultBranch">The trunk (default <c>main</c>).</param>
    /// <param name="isPrivate">Served as <c>"private": true, "visibility": "private"</c>.</param>
    public SimulatedRepository AddRepository(string fullName, string defaultBranch = "main", bool isPrivate = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullName);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultBranch);
        if (fullName.Split('/') is not [{ Length: > 0 } owner, { Length: > 0 } name])
        {
            throw new ArgumentException($"'{fullName}' is not owner/name.", nameof(fullName));
        }

        lock (Gate)
        {
            if (FindLocked(owner, name) is not null)
            {
                throw new ArgumentException($"Repository {fullName} exists already.", nameof(fullName));
            }

            var repository = new SimulatedRepository(this, SimulatedIds.StableNumber("repo:" + fullName.ToUpperInvariant()), owner, name, defaultBranch, isPrivate);
            repositories.Add(repository);
            return repository;
        }
    }

    /// <summary>The repository <paramref name="fullName"/> (<c>owner/name</c>, case-insensitive); throws when absent.</summary>
    public SimulatedRepository Repository(string fullName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullName);
        return fullName.Split('/') is [var owner, var name] && TryFindRepository(owner, name, out var repository)
            ? repository
            : throw new KeyNotFoundException($"No simulated repository {fullName}.");
    }

    /// <summary>Finds a repository the way GitHub resolves names: case-insensitively.</summary>
    public bool TryFindRepository(string owner, string name, [NotNullWhen(true)] out SimulatedRepository? repository)
    {
        lock (Gate)
        {
            repository = FindLocked(owner, name);
            return repository is not null;
        }
    }

    internal SimulatedRepository? FindById(long id)
    {
        lock (Gate)
        {
            return repositories.FirstOrDefault(r => r.Id == id);
        }
    }

    /// <summary>Ids for reviews, events and pull requests; unique across the model, deterministic in creation order.</summary>
    internal long NextId() => ++nextId;

    private SimulatedRepository? FindLocked(string owner, string name) =>
        repositories.FirstOrDefault(r =>
            string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
