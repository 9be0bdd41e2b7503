namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>A Git repository: its pull requests and the commits that landed on the default branch (the trunk), oldest first.</summary>
public sealed class SimulatedAdoRepository
{
    private readonly List<SimulatedAdoPullRequest> pullRequests = [];
    private readonly List<SimulatedAdoTrunkCommit> trunk = [];
    private readonly List<SimulatedAdoPush> pushes = [];

    internal SimulatedAdoRepository(SimulatedAdoProject project, string name, string defaultBranch)
    {
        Project = project;
        Name = name;
        DefaultBranch = defaultBranch;
        Id = SimulatedAzureDevOps.Guid($"repo:{project.Id}/{name}".ToUpperInvariant());
    }

    public SimulatedAdoProject Project { get; }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The default branch without <c>refs/heads/</c>; empty for an empty repository.</summary>
    public string DefaultBranch { get; }

    /// <summary>Disabled by a project administrator: listed with <c>isDisabled: true</c>.</summary>
    public bool IsDisabled { get; private set; }

    /// <summary>Created as a fork: listed with <c>isFork: true</c>.</summary>
    public bool IsFork { get; private set; }

    public IReadOnlyList<SimulatedAdoPullRequest> PullRequests
    {
        get
        {
            lock (Gate)
            {
                return [.. pullRequests];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoTrunkCommit> Trunk
    {
        get
        {
            lock (Gate)
            {
                return [.. trunk.OrderBy(c => c.At)];
            }
        }
    }

    /// <summary>Every push to the default branch (a pull request's completion is one too), oldest first.</summary>
    public IReadOnlyList<SimulatedAdoPush> Pushes
    {
        get
        {
            lock (Gate)
            {
                return [.. pushes];
            }
        }
    }

    internal Lock Gate => Project.Gate;

    /// <summary>Disables the repository (Project settings → Repositories → Disable repository).</summary>
    public SimulatedAdoRepository Disable()
    {
        lock (Gate)
        {
            IsDisabled = true;
            return this;
        }
    }

    /// <summary>Marks the repository as a fork of another one.</summary>
    public SimulatedAdoRepository MarkAsFork()
    {
        lock (Gate)
        {
            IsFork = true;
            return this;
        }
    }

    /// <summary>Opens a pull request into the default branch (ids count up across the organisation).</summary>
    public SimulatedAdoPullRequest OpenPullRequest(SimulatedAdoIdentity author, DateTimeOffset openedAt, bool draft = false, string? targetBranch = null)
    {
        ArgumentNullException.ThrowIfNull(author);
        lock (Gate)
        {
            var pr = new SimulatedAdoPullRequest(this, Project.Organization.NextPullRequestId(), author, SimulatedAzureDevOps.Ms(openedAt), draft, targetBranch ?? DefaultBranch);
            pullRequests.Add(pr);
            return pr;
        }
    }

    /// <summary>A commit pushed straight to the default branch; returns its SHA.</summary>
    public string Push(DateTimeOffset at, string? sha = null)
    {
        lock (Gate)
        {
            sha ??= SimulatedAzureDevOps.Sha($"{Id}/push/{trunk.Count}/{at.UtcTicks}");
            var commit = new SimulatedAdoCommit(sha, SimulatedAzureDevOps.Ms(at), SimulatedAdoIdentity.Person("direct@contoso.com"));
            AddPush(commit.Author, SimulatedAzureDevOps.Ms(at), [commit], pullRequestId: null);
            return sha;
        }
    }

    /// <summary>
    /// A push of commits authored at <paramref name="authoredAt"/> (oldest first) straight to the default branch by
    /// <paramref name="pusher"/> at <paramref name="at"/>, without a pull request; returns the new head SHA.
    /// </summary>
    public string Push(SimulatedAdoIdentity pusher, DateTimeOffset at, params DateTimeOffset[] authoredAt)
    {
        ArgumentNullException.ThrowIfNull(pusher);
        ArgumentNullException.ThrowIfNull(authoredAt);
        lock (Gate)
        {
            var commits = authoredAt
                .Select((authored, i) => new SimulatedAdoCommit(SimulatedAzureDevOps.Sha($"{Id}/push/{pushes.Count}/{i}"), SimulatedAzureDevOps.Ms(authored), pusher))
                .ToList();
            AddPush(pusher, SimulatedAzureDevOps.Ms(at), commits, pullRequestId: null);
            return commits[^1].Sha;
        }
    }

    public SimulatedAdoPullRequest? FindPullRequest(int id)
    {
        lock (Gate)
        {
            return pullRequests.FirstOrDefault(p => p.Id == id);
        }
    }

    /// <summary>A completed pull request's merge commit lands on the trunk: Azure DevOps records it as a push by the completer.</summary>
    internal void Land(string sha, DateTimeOffset at, int pullRequestId, SimulatedAdoIdentity completedBy) =>
        AddPush(completedBy, at, [new SimulatedAdoCommit(sha, at, completedBy)], pullRequestId);

    private void AddPush(SimulatedAdoIdentity pusher, DateTimeOffset at, List<SimulatedAdoCommit> commits, int? pullRequestId)
    {
        var head = trunk.OrderBy(c => c.At).LastOrDefault()?.Sha ?? SimulatedAdoPush.NoCommit;
        foreach (var commit in commits)
        {
            trunk.Add(new SimulatedAdoTrunkCommit(commit.Sha, at, pullRequestId));
        }

        pushes.Add(new SimulatedAdoPush(pushes.Count + 1, at, pusher, head, commits[^1].Sha, commits));
    }

    /// <summary>Trunk commits after <paramref name="fromSha"/> (exclusive; null: from the start) up to <paramref name="toSha"/> (inclusive).</summary>
    internal List<SimulatedAdoTrunkCommit> Between(string? fromSha, string toSha)
    {
        var ordered = trunk.OrderBy(c => c.At).ToList();
        var to = ordered.FindIndex(c => c.Sha == toSha);
        if (to < 0)
        {
            return [];
        }

        var from = fromSha is null ? -1 : ordered.FindIndex(c => c.Sha == fromSha);
        return from >= to ? [] : ordered.Skip(from + 1).Take(to - from).ToList();
    }
}

/// <summary>A commit on the default branch: a pull request's merge commit or a direct push.</summary>
public sealed record SimulatedAdoTrunkCommit(string Sha, DateTimeOffset At, int? PullRequestId);

/// <summary>A push to the default branch (<c>GitPush</c>): who pushed when, the ref's old and new head, and its commits.</summary>
public sealed record SimulatedAdoPush(int Id, DateTimeOffset At, SimulatedAdoIdentity Pusher, string OldSha, string NewSha, IReadOnlyList<SimulatedAdoCommit> Commits)
{
    /// <summary>The all-zero object id Azure DevOps writes for a ref that did not exist before the push.</summary>
    public const string NoCommit = "0000000000000000000000000000000000000000";
}
