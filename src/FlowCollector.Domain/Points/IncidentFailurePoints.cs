using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Domain.Points;

/// <summary>
/// Writes what an incident did to a production deployment onto that deployment's own point (docs/schema.md,
/// <c>incident_failure</c> on <c>deployment</c>), so a board counts it with the deployments in one measurement —
/// InfluxQL cannot join measurements, and a union of two measurements stays two series.
/// </summary>
public static class IncidentFailurePoints
{
    /// <remarks>
    /// Same measurement, tags and timestamp as the deployment's point (a successful production deployment: result
    /// <c>success</c>, production <c>true</c>), so InfluxDB merges the fields into it; a re-read of the deployment
    /// rewrites its own fields and leaves these. Every run that sees the attribution rewrites it (a later rollback turns
    /// <c>incident_failure</c> to 0 in place). The team tag is added by the caller as on every point.
    /// </remarks>
    public static IEnumerable<FlowPoint> From(RepositoryRef repository, IEnumerable<IncidentFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(failures);
        foreach (var failure in failures)
        {
            var tags = new List<KeyValuePair<string, string>>(8) { new(FlowSchema.Tags.Environment, failure.Deployment.Environment) };
            if (failure.Deployment.Fallback is { } fallback)
            {
                tags.Add(new(FlowSchema.Tags.Fallback, fallback));
            }

            tags.AddRange(
            [
                new(FlowSchema.Tags.Org, repository.Owner),
                new(FlowSchema.Tags.Production, FlowSchema.Tags.ProductionValue(true)),
                new(FlowSchema.Tags.Repo, repository.Name),
                new(FlowSchema.Tags.Result, "success"),
                new(FlowSchema.Tags.Schema, FlowSchema.Version),
                new(FlowSchema.Tags.Source, repository.Source),
            ]);
            KeyValuePair<string, FieldValue>[] fields =
            [
                new(FlowSchema.Fields.DeploymentId, FieldValue.Of(failure.Deployment.DeploymentId)),
                new(FlowSchema.Fields.IncidentFailure, FieldValue.Of(failure.Counted ? 1L : 0L)),
                new(FlowSchema.Fields.IncidentId, FieldValue.Of(failure.Incident.IncidentId)),
            ];
            yield return new FlowPoint(FlowSchema.Measurements.Deployment, tags, fields, PointTimestamps.For(failure.Deployment.Finished, failure.Deployment.DeploymentId));
        }
    }
}
