using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.Points;

/// <summary>
/// The <c>recovery</c> points (docs/schema.md): every recovery <see cref="Statistics.DoraMetrics"/> counts in the failed
/// deployment recovery time, in one measurement so a board takes one median over both kinds, as <c>once</c> does.
/// </summary>
public static class RecoveryPoints
{
    /// <summary>A production deployment that ended a run of failed deployments: first failure → it, at its own timestamp.</summary>
    public static FlowPoint OfDeployment(RepositoryRef repository, string environment, string deploymentId, DateTimeOffset finished, TimeSpan recovery)
    {
        ArgumentNullException.ThrowIfNull(repository);
        KeyValuePair<string, string>[] tags =
        [
            new(FlowSchema.Tags.Environment, environment),
            new(FlowSchema.Tags.Org, repository.Owner),
            new(FlowSchema.Tags.Production, FlowSchema.Tags.ProductionValue(true)),
            new(FlowSchema.Tags.Repo, repository.Name),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, repository.Source),
        ];
        KeyValuePair<string, FieldValue>[] fields =
        [
            new(FlowSchema.Fields.DeploymentId, FieldValue.Of(deploymentId)),
            new(FlowSchema.Fields.Seconds, FieldValue.Of(Math.Max(0, recovery.TotalSeconds))),
        ];
        return new FlowPoint(FlowSchema.Measurements.Recovery, tags, fields, PointTimestamps.For(finished, deploymentId));
    }

    /// <summary>A resolved incident: opened → resolved, at the incident point's timestamp (its opening).</summary>
    public static FlowPoint OfIncident(RepositoryRef repository, string incidentId, DateTimeOffset opened, TimeSpan restore)
    {
        ArgumentNullException.ThrowIfNull(repository);
        KeyValuePair<string, string>[] tags =
        [
            new(FlowSchema.Tags.Org, repository.Owner),
            new(FlowSchema.Tags.Repo, repository.Name),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, repository.Source),
        ];
        KeyValuePair<string, FieldValue>[] fields =
        [
            new(FlowSchema.Fields.IncidentId, FieldValue.Of(incidentId)),
            new(FlowSchema.Fields.Seconds, FieldValue.Of(Math.Max(0, restore.TotalSeconds))),
        ];
        return new FlowPoint(FlowSchema.Measurements.Recovery, tags, fields, PointTimestamps.For(opened, incidentId));
    }
}
