using System.Globalization;
using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.GitHub.Mapping;

/// <summary>Turns a <see cref="DeploymentSnapshot"/> and its <see cref="ChangeSet"/> into <c>Deployment*</c> events.</summary>
internal static class DeploymentEventMapper
{
    public static IEnumerable<FlowEvent> Map(RepositoryRef repository, DeploymentSnapshot deployment, ChangeSet? changes)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var final = deployment.FirstFinal;
        var url = final?.TargetUrl ?? deployment.FirstInProgress?.TargetUrl;

        // The run that performed the deployment is a deployment run, not CI (docs/metrics.md, "CI").
        var runId = ActionsRunLink.RunIdOf(deployment.Statuses);
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = deployment.Id.ToString(CultureInfo.InvariantCulture),
            OccurredAt = at.ToUniversalTime(),
            Environment = deployment.Environment,
            Sha = deployment.Sha,
            Url = url,
            Comparison = changes?.Comparison ?? DeploymentComparison.Unknown,
            RunId = runId,
        };

        // Times come from the statuses: a deployment's updated_at moves with every status, also a later "inactive".
        yield return Event(FlowEventKind.DeploymentQueued, deployment.CreatedAt);
        if (deployment.FirstInProgress is { } started)
        {
            yield return Event(FlowEventKind.DeploymentStarted, started.CreatedAt);
        }

        if (final is not null)
        {
            yield return Event(FlowEventKind.DeploymentFinished, final.CreatedAt) with { Result = final.State };
        }

        foreach (var sha in changes?.Shas ?? [])
        {
            yield return Event(FlowEventKind.DeploymentIncludes, deployment.CreatedAt) with { Sha = sha, Url = null };
        }
    }
}
