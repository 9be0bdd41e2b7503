using System.Globalization;
using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Reads classic Release pipeline deployments of one repository: deployments modified in the window (Release
/// Management host), the build each release deploys (its primary Build artifact), and change sets between the runs
/// deployed to the same stage of the same release definition.
/// </summary>
internal sealed class AzureDevOpsReleaseReader
{
    /// <summary>Deployment states that mean something was deployed (or tried to); <c>notDeployed</c>/<c>undefined</c> never ran.</summary>
    internal static readonly string[] DeployedStates = ["succeeded", "partiallySucceeded", "failed"];

    private readonly AzureDevOpsClient releases;
    private readonly AzureDevOpsClient builds;
    private readonly AzureDevOpsEndpoints endpoints;
    private readonly string project;
    private readonly Dictionary<int, int?> buildOfRelease = [];
    private readonly Dictionary<int, AdoBuild?> buildById = [];

    public AzureDevOpsReleaseReader(AzureDevOpsClient releases, AzureDevOpsClient builds, AzureDevOpsEndpoints endpoints, string project)
    {
        this.releases = releases;
        this.builds = builds;
        this.endpoints = endpoints;
        this.project = project;
    }

    /// <summary>Finished deployments of builds of <paramref name="repositoryId"/> modified since <paramref name="since"/>, oldest first, with change sets.</summary>
    public async Task<List<(AdoDeploymentSnapshot Deployment, AdoChangeSet Changes)>> ReadAsync(string repositoryId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var listed = await releases.GetAllAsync(
            AzureDevOpsEndpoints.ProjectPath(project, "release/deployments"),
            AzureDevOpsJsonContext.Default.AdoListAdoReleaseDeployment,
            cancellationToken,
            ("minModifiedTime", AzureDevOpsClient.Time(since)),
            ("queryOrder", "ascending"));

        var ours = new List<AdoDeploymentSnapshot>();
        foreach (var deployment in listed.Where(d => d.Release is not null && d.CompletedOn is not null && DeployedStates.Contains(d.DeploymentStatus ?? "", StringComparer.OrdinalIgnoreCase)))
        {
            var build = await BuildOfAsync(deployment.Release!.Id, cancellationToken);
            if (build is null || !string.Equals(build.Repository?.Id, repositoryId, StringComparison.OrdinalIgnoreCase))
            {
                continue; // another repository's release, or a release without a build artifact
            }

            ours.Add(Snapshot(deployment, build, endpoints.BuildWebUrl(project, build.Id)));
        }

        var result = new List<(AdoDeploymentSnapshot, AdoChangeSet)>();
        foreach (var deployment in ours)
        {
            result.Add((deployment, await ChangeSetAsync(deployment, ours, cancellationToken)));
        }

        return result;
    }

    /// <summary>
    /// A release deployment as a deployment: queued when queued (pre-deployment approvals come after), started when it
    /// started, finished when completed. <c>partiallySucceeded</c> counts as failed: some tasks did not deploy.
    /// </summary>
    internal static AdoDeploymentSnapshot Snapshot(AdoReleaseDeployment deployment, AdoBuild build, string url) => new(
        "release-" + deployment.Id.ToString(CultureInfo.InvariantCulture),
        deployment.ReleaseEnvironment?.Name ?? deployment.DefinitionEnvironmentId.ToString(CultureInfo.InvariantCulture),
        build.Id,
        // Definition environment ids are unique per release pipeline stage: the baseline is looked up within it.
        deployment.DefinitionEnvironmentId,
        deployment.ReleaseDefinition?.Name,
        deployment.ReleaseEnvironment?.Name,
        build.SourceVersion,
        deployment.QueuedOn,
        deployment.StartedOn,
        deployment.CompletedOn,
        deployment.DeploymentStatus switch
        {
            "succeeded" => "succeeded",
            "failed" or "partiallySucceeded" => "failed",
            _ => "",
        },
        url);

    private async Task<AdoChangeSet> ChangeSetAsync(AdoDeploymentSnapshot deployment, List<AdoDeploymentSnapshot> read, CancellationToken cancellationToken)
    {
        // Like environment deployments: the last success to this stage that had finished when this one started.
        var start = deployment.Started ?? deployment.Queued;
        var baseline = read
            .Where(d => d.Succeeded && d.DefinitionId == deployment.DefinitionId && d.Id != deployment.Id && d.Finished < start)
            .MaxBy(d => d.Finished);
        var reader = new AzureDevOpsDeliveryReader(builds, endpoints, project);
        if (baseline is null)
        {
            return await reader.RunChangesAsync(deployment.BuildId, cancellationToken);
        }

        if (string.Equals(baseline.Sha, deployment.Sha, StringComparison.OrdinalIgnoreCase))
        {
            return new AdoChangeSet(baseline.BuildId, DeploymentComparison.Identical, []);
        }

        return await reader.ChangesBetweenAsync(baseline.BuildId, deployment.BuildId, cancellationToken);
    }

    private async Task<AdoBuild?> BuildOfAsync(int releaseId, CancellationToken cancellationToken)
    {
        if (!buildOfRelease.TryGetValue(releaseId, out var buildId))
        {
            var release = await releases.GetAsync(
                AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(project, $"release/releases/{AzureDevOpsClient.Number(releaseId)}")),
                AzureDevOpsJsonContext.Default.AdoRelease,
                cancellationToken);
            var artifact = (release.Artifacts ?? [])
                .Where(a => string.Equals(a.Type, "Build", StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(a => a.IsPrimary)
                .FirstOrDefault();
            buildId = artifact?.DefinitionReference is { } reference && reference.TryGetValue("version", out var version)
                && int.TryParse(version.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
            buildOfRelease[releaseId] = buildId;
        }

        if (buildId is not { } known)
        {
            return null;
        }

        if (!buildById.TryGetValue(known, out var build))
        {
            build = await builds.GetAsync(
                AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(project, $"build/builds/{AzureDevOpsClient.Number(known)}")),
                AzureDevOpsJsonContext.Default.AdoBuild,
                cancellationToken);
            buildById[known] = build;
        }

        return build;
    }
}
