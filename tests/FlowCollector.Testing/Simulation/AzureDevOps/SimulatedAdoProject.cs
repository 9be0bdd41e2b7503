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
        this.Organization = organization;
        this.Name = name;
        this.Id = SimulatedAzureDevOps.Guid($"project:{organization.Organization}/{name}".ToUpperInvariant());
    }

    public SimulatedAzureDevOps Organization { get; }

    public string Name { get; }

    public string Id { get; }

    public IReadOnlyList<SimulatedAdoRepository> Repositories
    {
        get
        {
            lock (this.Gate)
            {
                return [.. this.repositories];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoBuild> Builds
    {
        get
        {
            lock (this.Gate)
            {
                return [.. this.builds];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoEnvironment> Environments
    {
        get
        {
            lock (this.Gate)
            {
                return [.. this.environments];
            }
        }
    }

    /// <summary>Classic releases (Release pipelines), served on the same host (as Azure DevOps Server does) under <c>_apis/release</c>.</summary>
    public IReadOnlyList<SimulatedAdoRelease> Releases
    {
        get
        {
            lock (this.Gate)
            {
                return [.. this.releases];
            }
        }
    }

    /// <summary>Incident work items (found by WIQL).</summary>
    public IReadOnlyList<SimulatedAdoIncident> Incidents
    {
        get
        {
            lock (this.Gate)
            {
                return [.. this.incidents];
            }
        }
    }

    internal Lock Gate => this.Organization.Gate;

    /// <summary>An incident work item opened at <paramref name="createdAt"/>, resolved at <paramref name="resolvedAt"/> (null: still open).</summary>
    public SimulatedAdoProject AddIncident(int id, DateTimeOffset createdAt, DateTimeOffset? resolvedAt, string type = "Incident", params string[] tags)
    {
        lock (this.Gate)
        {
            this.incidents.Add(new SimulatedAdoIncident(id, type, tags, SimulatedAzureDevOps.Ms(createdAt), resolvedAt is { } r ? SimulatedAzureDevOps.Ms(r) : null));
            return this;
        }
    }

    /// <summary>Creates a release of the Release pipeline <paramref name="definition"/> whose primary artifact is <paramref name="build"/>.</summary>
    public SimulatedAdoRelease CreateRelease(string definition, SimulatedAdoBuild build)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definition);
        ArgumentNullException.ThrowIfNull(build);
        lock (this.Gate)
        {
            var release = new SimulatedAdoRelease(this, this.releases.Count + 1, definition, build);
            this.releases.Add(release);
            return release;
        }
    }

    public SimulatedAdoRepository AddRepository(string name, string defaultBranch = "main")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (this.Gate)
        {
            if (this.FindRepository(name) is not null)
            {
                throw new ArgumentException($"Repository {name} exists already in {this.Name}.", nameof(name));
            }

            var repository = new SimulatedAdoRepository(this, name, defaultBranch);
            this.repositories.Add(repository);
            return repository;
        }
    }

    /// <summary>The repository <paramref name="name"/> (case-insensitive); throws when absent.</summary>
    public SimulatedAdoRepository Repository(string name) =>
        this.FindRepository(name) ?? throw new KeyNotFoundException($"No simulated repository {this.Name}/{name}.");

    /// <summary>The environment <paramref name="name"/>, created on first use.</summary>
    public SimulatedAdoEnvironment Environment(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (this.Gate)
        {
            var environment = this.environments.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
            if (environment is null)
            {
                environment = new SimulatedAdoEnvironment(this, this.Organization.NextEnvironmentId(), name);
                this.environments.Add(environment);
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
        lock (this.Gate)
        {
            var build = new SimulatedAdoBuild(this, repository, this.Organization.NextBuildId(), pipeline, sha, branch ?? "refs/heads/" + repository.DefaultBranch, reason, SimulatedAzureDevOps.Ms(queuedAt));
            this.builds.Add(build);
            return build;
        }
    }

    public SimulatedAdoBuild? FindBuild(int id)
    {
        lock (this.Gate)
        {
            return this.builds.FirstOrDefault(b => b.Id == id);
        }
    }

    /// <summary>A repository by name or id (case-insensitive).</summary>
    public SimulatedAdoRepository? FindRepository(string nameOrId)
    {
        lock (this.Gate)
        {
            return this.repositories.FirstOrDefault(r =>
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
        this.Project = project;
        this.Id = id;
        this.Name = name;
    }

    public SimulatedAdoProject Project { get; }

    public int Id { get; }

    public string Name { get; }

    /// <summary>Every record written so far, also those of runs still in progress (the simulator hides those).</summary>
    public IReadOnlyList<SimulatedAdoDeploymentRecord> Records
    {
        get
        {
            lock (this.Project.Gate)
            {
                return [.. this.records];
            }
        }
    }

    internal void Add(SimulatedAdoDeploymentRecord record) => this.records.Add(record);
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
    public DateTimeOffset ChangedAt => this.ResolvedAt ?? this.CreatedAt;
}
