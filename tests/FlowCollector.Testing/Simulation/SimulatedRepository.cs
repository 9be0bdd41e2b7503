namespace FlowCollector.Testing.Simulation;

/// <summary>A repository of a <see cref="SimulatedGitHub"/>: its default branch, visibility and pull requests.</summary>
public sealed class SimulatedRepository
{
    private readonly List<SimulatedPullRequest> pullRequests = [];
    private readonly List<SimulatedWorkflowRun> runs = [];
    private readonly Dictionary<long, List<SimulatedWorkflowRun>> earlierAttempts = [];
    private readonly List<SimulatedDeployment> deployments = [];
    private readonly List<SimulatedTrunkCommit> trunk = [];

    internal SimulatedRepository(SimulatedGitHub github, long id, string owner, string name, string defaultBranch, bool isPrivate)
    {
        GitHub = github;
        Id = id;
        Owner = owner;
        Name = name;
        DefaultBranch = defaultBranch;
        IsPrivate = isPrivate;
    }

    public SimulatedGitHub GitHub { get; }

    /// <summary>GitHub's numeric repository id (used in <c>/repositories/{id}/…</c> page links).</summary>
    public long Id { get; }

    public string Owner { get; }

    public string Name { get; }

    /// <summary><c>owner/name</c>.</summary>
    public string FullName => $"{Owner}/{Name}";

    public string DefaultBranch { get; }

    public bool IsPrivate { get; }

    /// <summary>Served as <c>"archived": true</c>; GitHub still serves an archived repository's history.</summary>
    public bool IsArchived { get; set; }

    /// <summary>Served as <c>"fork": true</c>.</summary>
    public bool IsFork { get; set; }

    /// <summary>Served as <c>"disabled": true</c> (GitHub disables a repository, e.g. for a billing or policy reason; it cannot be read).</summary>
    public bool IsDisabled { get; set; }

    /// <summary>The repository's topics (GitHub keeps them lower-case), served in <c>topics</c>.</summary>
    public IReadOnlyList<string> Topics { get; set; } = [];

    /// <summary>
    /// The owner is a user account, not an organisation: <c>GET /orgs/{owner}/repos</c> answers 404 and
    /// <c>GET /users/{owner}/repos</c> lists the repository; <c>owner.type</c> is <c>User</c>.
    /// </summary>
    public bool OwnerIsUser { get; set; }

    /// <summary>The pull requests, by number.</summary>
    public IReadOnlyList<SimulatedPullRequest> PullRequests
    {
        get
        {
            lock (GitHub.Gate)
            {
                return [.. pullRequests];
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
        lock (GitHub.Gate)
        {
            var number = pullRequests.Count + 1;
            var pr = new SimulatedPullRequest(
                this, number, GitHub.NextId(), user, SimulatedIds.Second(openedAt), draft, baseBranch ?? DefaultBranch, title ?? $"Change {number} by {author}");
            pullRequests.Add(pr);
            return pr;
        }
    }

    /// <summary>Pull request <paramref name="number"/>; throws when absent.</summary>
    public SimulatedPullRequest PullRequest(int number) =>
        FindPullRequest(number) ?? throw new KeyNotFoundException($"No pull request #{number} in {FullName}.");

    internal SimulatedPullRequest? FindPullRequest(int number)
    {
        lock (GitHub.Gate)
        {
            return number >= 1 && number <= pullRequests.Count ? pullRequests[number - 1] : null;
        }
    }

    /// <summary>The workflow runs, in the order they were added.</summary>
    public IReadOnlyList<SimulatedWorkflowRun> WorkflowRuns
    {
        get
        {
            lock (GitHub.Gate)
            {
                return [.. runs];
            }
        }
    }

    /// <summary>Issues (e.g. incident reports); add to it under <see cref="SimulatedGitHub.Gate"/> once the simulator serves.</summary>
    public List<SimulatedIssue> Issues { get; } = [];

    /// <summary>Releases (the deployment fallback of repositories without deployments); add under <see cref="SimulatedGitHub.Gate"/> once the simulator serves.</summary>
    public List<SimulatedRelease> Releases { get; } = [];

    /// <summary>The deployments, in the order they were added.</summary>
    public IReadOnlyList<SimulatedDeployment> Deployments
    {
        get
        {
            lock (GitHub.Gate)
            {
                return [.. deployments];
            }
        }
    }

    /// <summary>
    /// The default branch's history, oldest first: a simple linear trunk. Merging a pull request into the default
    /// branch appends its merge commit; <see cref="Push"/> appends any other commit. Commits land in time order.
    /// </summary>
    public IReadOnlyList<SimulatedTrunkCommit> Trunk
    {
        get
        {
            lock (GitHub.Gate)
            {
                return [.. trunk];
            }
        }
    }

    /// <summary>Puts a commit on the trunk at <paramref name="at"/> (after every commit of the same or an earlier time).</summary>
    public SimulatedRepository Push(string sha, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var second = SimulatedIds.Second(at);
        lock (GitHub.Gate)
        {
            var index = trunk.FindLastIndex(c => c.At <= second) + 1;
            trunk.Insert(index, new SimulatedTrunkCommit(sha, second));
            return this;
        }
    }

    /// <summary>
    /// A commit by <paramref name="author"/>, authored at <paramref name="authoredAt"/>, pushed straight to the trunk with
    /// commit time <paramref name="committedAt"/> (no pull request is associated with it); returns its SHA.
    /// </summary>
    public string PushDirect(string author, DateTimeOffset authoredAt, DateTimeOffset committedAt)
    {
        var second = SimulatedIds.Second(committedAt);
        lock (GitHub.Gate)
        {
            var sha = SimulatedIds.Sha($"{FullName}/direct/{trunk.Count}/{second.UtcTicks}");
            var index = trunk.FindLastIndex(c => c.At <= second) + 1;
            trunk.Insert(index, new SimulatedTrunkCommit(sha, second) { Author = SimulatedUser.Named(author), AuthoredAt = SimulatedIds.Second(authoredAt) });
            return sha;
        }
    }

    /// <summary>Adds a workflow run (its latest attempt) on <paramref name="branch"/> (default: the default branch).</summary>
    /// <param name="name">The workflow name.</param>
    /// <param name="headSha">The commit it ran on.</param>
    /// <param name="createdAt">created_at.</param>
    /// <param name="startedAt">run_started_at; null: still queued.</param>
    /// <param name="finishedAt">When it completed (served as updated_at); null: not completed.</param>
    /// <param name="conclusion">The conclusion of a completed run (default <c>success</c>).</param>
    /// <param name="attempt">run_attempt.</param>
    /// <param name="branch">head_branch; null for <see cref="DefaultBranch"/>.</param>
    public SimulatedWorkflowRun Run(
        string name, string headSha, DateTimeOffset createdAt, DateTimeOffset? startedAt, DateTimeOffset? finishedAt, string conclusion = "success", int attempt = 1, string? branch = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(headSha);
        var created = SimulatedIds.Second(createdAt);
        DateTimeOffset? started = startedAt is { } s ? SimulatedIds.Second(s) : null;
        DateTimeOffset? finished = finishedAt is { } f ? SimulatedIds.Second(f) : null;
        var status = finished is not null ? "completed" : started is not null ? "in_progress" : "queued";
        lock (GitHub.Gate)
        {
            var run = new SimulatedWorkflowRun(
                GitHub.NextId(), name, branch ?? DefaultBranch, headSha, created, started, finished ?? started ?? created, status, finished is null ? null : conclusion, attempt);
            runs.Add(run);
            return run;
        }
    }

    /// <summary>
    /// Re-runs <paramref name="run"/>: its latest attempt becomes an earlier one (served by
    /// <c>/actions/runs/{id}/attempts/{n}</c>) and the run shows attempt n+1, created when the run was, started at
    /// <paramref name="startedAt"/>, completed at <paramref name="finishedAt"/> when given.
    /// </summary>
    public SimulatedWorkflowRun Rerun(SimulatedWorkflowRun run, DateTimeOffset startedAt, DateTimeOffset? finishedAt, string conclusion = "success")
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (GitHub.Gate)
        {
            var index = runs.FindIndex(r => r.Id == run.Id);
            if (index < 0)
            {
                throw new KeyNotFoundException($"No workflow run {run.Id} in {FullName}.");
            }

            var latest = runs[index];
            if (!earlierAttempts.TryGetValue(run.Id, out var earlier))
            {
                earlier = [];
                earlierAttempts.Add(run.Id, earlier);
            }

            earlier.Add(latest);
            var started = SimulatedIds.Second(startedAt);
            DateTimeOffset? finished = finishedAt is { } f ? SimulatedIds.Second(f) : null;
            var rerun = latest with
            {
                Attempt = latest.Attempt + 1,
                StartedAt = started,
                UpdatedAt = finished ?? started,
                Status = finished is null ? "in_progress" : "completed",
                Conclusion = finished is null ? null : conclusion,
            };
            runs[index] = rerun;
            return rerun;
        }
    }

    /// <summary>Every attempt of <paramref name="run"/>, the first first (GitHub's runs list shows only the last).</summary>
    public IReadOnlyList<SimulatedWorkflowRun> Attempts(SimulatedWorkflowRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (GitHub.Gate)
        {
            var latest = runs.Find(r => r.Id == run.Id) ?? run;
            return [.. earlierAttempts.TryGetValue(run.Id, out var earlier) ? earlier : [], latest];
        }
    }

    /// <summary>Attempt <paramref name="attempt"/> of run <paramref name="id"/> (the latest or an earlier one), or null.</summary>
    internal SimulatedWorkflowRun? FindRunAttempt(long id, int attempt)
    {
        lock (GitHub.Gate)
        {
            if (runs.Find(r => r.Id == id) is not { } latest)
            {
                return null;
            }

            return latest.Attempt == attempt ? latest
                : earlierAttempts.TryGetValue(id, out var earlier) ? earlier.Find(r => r.Attempt == attempt)
                : null;
        }
    }

    /// <summary>
    /// Completes <paramref name="run"/> (its latest attempt) at <paramref name="finishedAt"/>: status <c>completed</c>,
    /// the given conclusion, <c>updated_at</c> = the finish, as GitHub serves a run that just finished.
    /// </summary>
    public SimulatedWorkflowRun FinishRun(SimulatedWorkflowRun run, DateTimeOffset finishedAt, string conclusion = "success")
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (GitHub.Gate)
        {
            var index = runs.FindIndex(r => r.Id == run.Id);
            if (index < 0)
            {
                throw new KeyNotFoundException($"No workflow run {run.Id} in {FullName}.");
            }

            var finished = runs[index] with { Status = "completed", Conclusion = conclusion, UpdatedAt = SimulatedIds.Second(finishedAt), StartedAt = runs[index].StartedAt ?? runs[index].CreatedAt };
            runs[index] = finished;
            return finished;
        }
    }

    /// <summary>
    /// Adds a deployment of <paramref name="sha"/> to <paramref name="environment"/> with an <c>in_progress</c> status at
    /// <paramref name="startedAt"/> and a final <paramref name="state"/> at <paramref name="finishedAt"/> (each when given).
    /// A <c>success</c> marks the environment's earlier successful deployments <c>inactive</c> at the same moment, as
    /// GitHub's <c>auto_inactive</c> does.
    /// </summary>
    /// <param name="environment">The environment.</param>
    /// <param name="sha">The deployed commit.</param>
    /// <param name="createdAt">created_at (a job waiting for an approval has created it already, status <c>waiting</c>).</param>
    /// <param name="startedAt">The <c>in_progress</c> status; null: not started.</param>
    /// <param name="finishedAt">The final status; null: not finished.</param>
    /// <param name="state">The final state.</param>
    /// <param name="run">The workflow run whose job made it: its statuses link to that run.</param>
    public SimulatedDeployment Deploy(
        string environment, string sha, DateTimeOffset createdAt, DateTimeOffset? startedAt, DateTimeOffset? finishedAt, string state = "success", SimulatedWorkflowRun? run = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        lock (GitHub.Gate)
        {
            var deployment = new SimulatedDeployment(this, GitHub.NextId(), environment, sha, DefaultBranch, SimulatedIds.Second(createdAt), run?.Id);
            if (run is not null && startedAt is null && finishedAt is null)
            {
                // A job waiting at an environment's protection rule: GitHub reports the deployment as waiting.
                deployment.Status("waiting", createdAt);
            }

            if (startedAt is { } started)
            {
                deployment.Status("in_progress", started);
            }

            if (finishedAt is { } finished)
            {
                if (state == "success")
                {
                    foreach (var previous in deployments.Where(d =>
                                 string.Equals(d.Environment, environment, StringComparison.OrdinalIgnoreCase) && d.Statuses is [.., { State: "success" }]))
                    {
                        previous.Status("inactive", finished);
                    }
                }

                deployment.Status(state, finished);
            }

            deployments.Add(deployment);
            return deployment;
        }
    }

    internal SimulatedDeployment? FindDeployment(long id)
    {
        lock (GitHub.Gate)
        {
            return deployments.Find(d => d.Id == id);
        }
    }

    /// <summary>
    /// <c>git log base...head</c> on the linear trunk: <c>ahead</c> with the commits after base up to head,
    /// <c>behind</c> (no commits) when head comes before base, <c>identical</c> when equal; null when either is unknown.
    /// </summary>
    internal (string Status, int AheadBy, int BehindBy, IReadOnlyList<SimulatedTrunkCommit> Commits)? Compare(string baseSha, string headSha)
    {
        lock (GitHub.Gate)
        {
            var b = trunk.FindIndex(c => c.Sha == baseSha);
            var h = trunk.FindIndex(c => c.Sha == headSha);
            if (b < 0 || h < 0)
            {
                return baseSha == headSha && b >= 0 ? ("identical", 0, 0, []) : null;
            }

            return h > b ? ("ahead", h - b, 0, trunk.GetRange(b + 1, h - b))
                : h < b ? ("behind", 0, b - h, [])
                : ("identical", 0, 0, []);
        }
    }

    public override string ToString() => FullName;
}
