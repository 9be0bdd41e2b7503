namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// A classic release of a Release pipeline (<see cref="Definition"/>) deploying one build; <see cref="Deploy"/> records
/// a deployment to one of its stages (environments).
/// </summary>
public sealed class SimulatedAdoRelease
{
    private readonly List<SimulatedAdoReleaseDeployment> deployments = [];

    internal SimulatedAdoRelease(SimulatedAdoProject project, int id, string definition, SimulatedAdoBuild build)
    {
        Project = project;
        Id = id;
        Definition = definition;
        Build = build;
        DefinitionId = 1 + (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(project.Id + "/release/" + definition.ToUpperInvariant())), 0) % 500);
    }

    public SimulatedAdoProject Project { get; }

    public int Id { get; }

    public string Name => $"Release-{Id}";

    public string Definition { get; }

    public int DefinitionId { get; }

    /// <summary>The build artifact (primary).</summary>
    public SimulatedAdoBuild Build { get; }

    public IReadOnlyList<SimulatedAdoReleaseDeployment> Deployments
    {
        get
        {
            lock (Project.Gate)
            {
                return [.. deployments];
            }
        }
    }

    /// <summary>
    /// A deployment to <paramref name="environment"/>: queued, started after the pre-deployment approval, completed with
    /// <paramref name="status"/> (<c>succeeded</c>, <c>partiallySucceeded</c>, <c>failed</c>; <c>notDeployed</c> for a
    /// rejected approval, with no start or completion; <c>inProgress</c> with no completion).
    /// </summary>
    public SimulatedAdoRelease Deploy(string environment, DateTimeOffset queued, DateTimeOffset? started, DateTimeOffset? completed, string status = "succeeded", int attempt = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environment);
        lock (Project.Gate)
        {
            var last = new[] { queued, started ?? queued, completed ?? queued }.Max();
            deployments.Add(new SimulatedAdoReleaseDeployment(
                Project.Organization.NextRecordId(), this, environment, attempt, status,
                SimulatedAzureDevOps.Ms(queued), started is { } s ? SimulatedAzureDevOps.Ms(s) : null, completed is { } c ? SimulatedAzureDevOps.Ms(c) : null, SimulatedAzureDevOps.Ms(last)));
            return this;
        }
    }
}

/// <summary>One deployment of a release to one stage.</summary>
public sealed record SimulatedAdoReleaseDeployment(
    long Id, SimulatedAdoRelease Release, string Environment, int Attempt, string Status, DateTimeOffset QueuedOn, DateTimeOffset? StartedOn, DateTimeOffset? CompletedOn, DateTimeOffset LastModifiedOn)
{
    /// <summary>Definition environment ids are stable per release pipeline and stage name.</summary>
    public int DefinitionEnvironmentId =>
        (Release.DefinitionId * 100) + (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Environment.ToUpperInvariant())), 0) % 100);
}
