using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>Turns an <see cref="AdoDeploymentSnapshot"/> and its <see cref="AdoChangeSet"/> into <c>Deployment*</c> events.</summary>
internal static class AdoDeploymentEventMapper
{
    public static IEnumerable<FlowEvent> Map(RepositoryRef repository, AdoDeploymentSnapshot deployment, AdoChangeSet? changes)
    {
        ArgumentNullException.ThrowIfNull(deployment);

        // A skipped or cancelled stage never deployed: writing it would count a deployment that did not happen.
        if (!deployment.Deployed)
        {
            yield break;
        }

        var anchor = deployment.Queued ?? deployment.Started ?? deployment.Finished;
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = deployment.Id,
            OccurredAt = at.ToUniversalTime(),
            Environment = deployment.Environment,
            Pipeline = deployment.Pipeline,
            Sha = deployment.Sha,
            Url = deployment.Url,
            Comparison = changes?.Comparison ?? DeploymentComparison.Unknown,

            // The run and stage that deployed: a provisional stand-in of the same run and stage is replaced by this.
            RunId = deployment.BuildId > 0 ? deployment.BuildId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            Stage = deployment.Stage,
        };

        if (deployment.Queued is { } queued)
        {
            yield return Event(FlowEventKind.DeploymentQueued, queued);
        }

        if (deployment.Started is { } started)
        {
            yield return Event(FlowEventKind.DeploymentStarted, started);
        }

        if (deployment.Finished is { } finished)
        {
            yield return Event(FlowEventKind.DeploymentFinished, finished) with { Result = AdoBuildEventMapper.NormaliseResult(deployment.Result) };
        }

        if (anchor is { } at)
        {
            foreach (var sha in changes?.Shas ?? [])
            {
                yield return Event(FlowEventKind.DeploymentIncludes, at) with { Sha = sha, Url = null };
            }
        }
    }
}
