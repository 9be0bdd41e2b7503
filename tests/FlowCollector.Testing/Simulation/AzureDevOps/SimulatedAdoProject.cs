namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>A project: Git repositories, pipeline runs (builds) and environments.</summary>
public sealed class SimulatedAdoProject
{
    private readonly List<SimulatedAdoRepository> repositories = [];
    private readonly List<SimulatedAdoBuild> builds = [];
    private readonly List<SimulatedAdoEnvironment> environments = [];
    private readonly List<SimulatedAdoRelease> releases = [];
    private readonly List<SimulatedAdoIncident> incidents = [];

    internal SimulatedAdoProject(SimulatedAzureDevOps organization, string name)
    {
        Organization = organization;
        Name = name;
        Id = SimulatedAzureDevOps.Guid($"project:{organization.Organization}/{name}".ToUpperInvariant());
    }

    public SimulatedAzureDevOps Organization { get; }

    public string Name { get; }

    public string Id { get; }

    public IReadOnlyList<SimulatedAdoRepository> Repositories
    {
        get
        {
            lock (Gate)
            {
                return [.. repositories];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoBuild> Builds
    {
        get
        {
            lock (Gate)
            {
                return [.. builds];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoEnvironment> Environments
    {
        get
        {
            lock (Gate)
            {
                return [.. environments];
            }
        }
    }

    /// <summary>Classic releases (Release pipelines), served on the same host (as Azure DevOps Server does) under <c>_apis/release</c>.</summary>
    public IReadOnlyList<SimulatedAdoRelease> Releases
    {
        get
        {
            lock (Gate)
            {
                return [.. releases];
            }
        }
    }

    /// <summary>Incident work items (found by WIQL).</summary>
    public IReadOnlyList<SimulatedAdoIncident> Incidents
    {
        get
        {
            lock (Gate)
            {
                return [.. incidents];
            }
        }
    }

    internal Lock Gate => Organization.Gate;

    /// <summary>An incident work item opened at <paramref name="createdAt"/>, resolved at <paramref name="resolvedAt"/> (null: still open).</summary>
    public SimulatedAdoProject AddIncident(int id, DateTimeOffset createdAt, DateTimeOffset? resolvedAt, string type = "Incident", params string[] tags)
    {
        lock (Gate)
        {
            incidents.Add(new SimulatedAdoIncident(id, type, tags, SimulatedAzureDevOps.Ms(createdAt), resolvedAt is { } r ? SimulatedAzureDevOps.Ms(r) : null));
            return this;
        }
    }

    /// <summary>Creates a release of the Release pipeline <paramref name="definition"/> whose primary artifact is <paramref name="build"/>.</summary>
    public SimulatedAdoRelease CreateRelease(string definition, SimulatedAdoBuild build)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definition);
        ArgumentNullException.ThrowIfNull(build);
        lock (Gate)
        {
            var release = new SimulatedAdoRelease(this, releases.Count + 1, definition, build);
            releases.Add(release);
            return release;
        }
    }

    public SimulatedAdoRepository AddRepository(string name, string defaultBranch = "main")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (Gate)
        {
            if (FindRepository(name) is not null)
            {
                throw new ArgumentException($"Repository {name} exists already in {Name}.", nameof(name));
            }

            var repository = new SimulatedAdoRepository(this, name, defaultBranch);
            repositories.Add(repository);
            return repository;
        }
    }

    /// <summary>The repository <paramref name="name"/> (case-insensitive); throws when absent.</summary>
    public SimulatedAdoRepository Repository(string name) =>
        FindRepository(name) ?? throw new KeyNotFoundException($"No simulated repository {Name}/{name}.");

    /// <summary>The environment <paramref name="name"/>, created on first use.</summary>
    public SimulatedAdoEnvironment Environment(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (Gate)
        {
            var environment = environments.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
            if (environment is null)
            {
                environment = new SimulatedAdoEnvironment(this, Organization.NextEnvironmentId(), name);
                environments.Add(environment);
            }

            return environment;
        }
    }

    /// <summary>
    /// Queues a run of <paramref name="pipeline"/> on <paramref name="sha"/> of <paramref name="repository"/>'s default branch.
    /// Continue with the fluent methods of <see cref="SimulatedAdoBuild"/> (start, stages, approvals, deployments, finish).
    /// </summary>
    public SimulatedAdoBuild QueueBuild(SimulatedAdoRepository repository, string pipeline, string sha, DateTimeOffset queuedAt, string reason = "individualCI", string? branch = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        lock (Gate)
        {
            var build = new SimulatedAdoBuild(this, repository, Organization.NextBuildId(), pipeline, sha, branch ?? "refs/heads/" + repository.DefaultBranch, reason, SimulatedAzureDevOps.Ms(queuedAt));
            builds.Add(build);
            return build;
        }
    }

    public SimulatedAdoBuild? FindBuild(int id)
    {
        lock (Gate)
        {
            return builds.FirstOrDefault(b => b.Id == id);
        }
    }

    /// <summary>A repository by name or id (case-insensitive).</summary>
    public SimulatedAdoRepository? FindRepository(string nameOrId)
    {
        lock (Gate)
        {
            return repositories.FirstOrDefault(r =>
                string.Equals(r.Name, nameOrId, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Id, nameOrId, StringComparison.OrdinalIgnoreCase));
        }
    }
}

/// <summary>An environment: its deployment records, which Azure DevOps lists only once the run that wrote them finished.</summary>
public sealed class SimulatedAdoEnvironment
{
    private readonly List<SimulatedAdoDeploymentRecord> records = [];

    internal SimulatedAdoEnvironment(SimulatedAdoProject project, int id, string name)
    {
        Project = project;
        Id = id;
        Name = name;
    }

    public SimulatedAdoProject Project { get; }

    public int Id { get; }

    public string Name { get; }

    /// <summary>Every record written so far, also those of runs still in progress (the simulator hides those).</summary>
    public IReadOnlyList<SimulatedAdoDeploymentRecord> Records
    {
        get
        {
            lock (Project.Gate)
            {
                return [.. records];
            }
        }
    }

    internal void Add(SimulatedAdoDeploymentRecord record) => records.Add(record);
}

/// <summary>One deployment job of one stage attempt of one run to one environment.</summary>
public sealed record SimulatedAdoDeploymentRecord(
    long Id,
    SimulatedAdoEnvironment Environment,
    SimulatedAdoBuild Build,
    string StageName,
    int StageAttempt,
    string JobName,
    DateTimeOffset QueueTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? FinishTime,
    string Result);

/// <summary>An incident work item; it last changed when it was resolved (or created).</summary>
public sealed record SimulatedAdoIncident(int Id, string Type, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt)
{
    public DateTimeOffset ChangedAt => ResolvedAt ?? CreatedAt;
}
