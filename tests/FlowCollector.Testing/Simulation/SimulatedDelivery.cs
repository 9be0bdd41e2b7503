namespace FlowCollector.Testing.Simulation;

/// <summary>
/// A GitHub Actions workflow run as the runs list serves it: its latest attempt. GitHub has no <c>completed_at</c>;
/// a completed run's <c>updated_at</c> is its finish.
/// </summary>
/// <param name="Id">The run id.</param>
/// <param name="Name">The workflow name.</param>
/// <param name="HeadBranch">The branch the run ran on.</param>
/// <param name="HeadSha">The commit it ran on.</param>
/// <param name="CreatedAt">created_at (the first attempt's creation).</param>
/// <param name="StartedAt">run_started_at of the latest attempt; null while queued (served as created_at, as GitHub does).</param>
/// <param name="UpdatedAt">updated_at: the finish of a completed run, the last change otherwise.</param>
/// <param name="Status"><c>queued</c>, <c>in_progress</c> or <c>completed</c>.</param>
/// <param name="Conclusion"><c>success</c>, <c>failure</c>, <c>cancelled</c>, …; null unless completed.</param>
/// <param name="Attempt">run_attempt (1 for the first).</param>
public sealed record SimulatedWorkflowRun(
    long Id, string Name, string HeadBranch, string HeadSha, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset UpdatedAt,
    string Status, string? Conclusion, int Attempt)
{
    public string HtmlUrl(SimulatedRepository repository) =>
        $"https://github.com/{repository.FullName}/actions/runs/{Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>A deployment status.</summary>
/// <param name="Id">The status id.</param>
/// <param name="State"><c>queued</c>, <c>in_progress</c>, <c>success</c>, <c>failure</c>, <c>error</c>, <c>inactive</c>, ….</param>
/// <param name="CreatedAt">When it was reported.</param>
public sealed record SimulatedDeploymentStatus(long Id, string State, DateTimeOffset CreatedAt);

/// <summary>A deployment and its statuses (oldest first here; served newest first).</summary>
public sealed class SimulatedDeployment
{
    private readonly List<SimulatedDeploymentStatus> statuses = [];

    internal SimulatedDeployment(SimulatedRepository repository, long id, string environment, string sha, string reference, DateTimeOffset createdAt, long? runId = null)
    {
        RunId = runId;
        Repository = repository;
        Id = id;
        Environment = environment;
        Sha = sha;
        Ref = reference;
        CreatedAt = createdAt;
    }

    public SimulatedRepository Repository { get; }

    public long Id { get; }

    public string Environment { get; }

    public string Sha { get; }

    public string Ref { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The workflow run whose job made the deployment (a job with an <c>environment</c>); null when another tool made it.</summary>
    public long? RunId { get; }

    /// <summary>
    /// Every status's <c>log_url</c> (and <c>target_url</c>): for a deployment made by a workflow job, that job's page
    /// under the run, as GitHub Actions writes it; otherwise a page under the deployment's id.
    /// </summary>
    public string LogUrl => RunId is { } run
        ? $"https://github.com/{Repository.FullName}/actions/runs/{run.ToString(System.Globalization.CultureInfo.InvariantCulture)}/job/{SimulatedIds.StableNumber($"{run}/{Environment}").ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : $"https://github.com/{Repository.FullName}/actions/runs/{Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The statuses, oldest first.</summary>
    public IReadOnlyList<SimulatedDeploymentStatus> Statuses
    {
        get
        {
            lock (Repository.GitHub.Gate)
            {
                return [.. statuses];
            }
        }
    }

    /// <summary>updated_at: the newest status (GitHub moves it with every status, also <c>inactive</c>), else created_at.</summary>
    public DateTimeOffset UpdatedAt => Statuses.Count == 0 ? CreatedAt : Statuses.Max(s => s.CreatedAt);

    /// <summary>Adds a status (e.g. <c>inactive</c> when a later deployment superseded this one).</summary>
    public SimulatedDeployment Status(string state, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        lock (Repository.GitHub.Gate)
        {
            statuses.Add(new SimulatedDeploymentStatus(Repository.GitHub.NextId(), state, SimulatedIds.Second(at)));
            return this;
        }
    }
}

/// <summary>A commit on the trunk, in the order it landed; <see cref="At"/> is its commit time.</summary>
public sealed record SimulatedTrunkCommit(string Sha, DateTimeOffset At)
{
    /// <summary>Who wrote a commit pushed straight to the trunk; null for a pull request's commit.</summary>
    public SimulatedUser? Author { get; init; }

    /// <summary>When a directly pushed commit was authored; null: at <see cref="At"/>.</summary>
    public DateTimeOffset? AuthoredAt { get; init; }
}
