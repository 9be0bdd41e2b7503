using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>Maps a finished deployment to its <c>deployment</c> point (none while it runs).</summary>
public static class DeploymentPoints
{
    /// <summary>Written as the <c>result</c> tag when the source reported an end without a result.</summary>
    public const string UnknownResult = "unknown";

    public static IEnumerable<FlowPoint> From(AttributedDeployment attributed)
    {
        ArgumentNullException.ThrowIfNull(attributed);
        var deployment = attributed.Deployment;
        if (deployment.Finished is not { } finished)
        {
            yield break;
        }

        var tags = new List<KeyValuePair<string, string>>(8);
        if (deployment.Environment is { } environment)
        {
            tags.Add(new(FlowSchema.Tags.Environment, environment));
        }

        if (deployment.Fallback is { } fallback)
        {
            tags.Add(new(FlowSchema.Tags.Fallback, fallback));
        }

        tags.AddRange(
        [
            new(FlowSchema.Tags.Org, deployment.Repository.Owner),
            new(FlowSchema.Tags.Production, FlowSchema.Tags.ProductionValue(attributed.IsProduction)),
            new(FlowSchema.Tags.Repo, deployment.Repository.Name),
            new(FlowSchema.Tags.Result, deployment.Result ?? UnknownResult),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, deployment.Repository.Source),
        ]);
        var fields = new List<KeyValuePair<string, FieldValue>>(10)
        {
            new(FlowSchema.Fields.Changes, FieldValue.Of((long)attributed.ChangeIds.Count)),
            new(FlowSchema.Fields.DeploymentId, FieldValue.Of(deployment.DeploymentId)),
        };
        if (deployment.Duration is { } duration)
        {
            fields.Add(new(FlowSchema.Fields.DurationSeconds, FieldValue.Of(duration.TotalSeconds)));
        }

        if (deployment.QueueTime is { } queue)
        {
            fields.Add(new(FlowSchema.Fields.QueueSeconds, FieldValue.Of(queue.TotalSeconds)));
        }

        if (attributed.RecoveredAfter is { } recovery)
        {
            fields.Add(new(FlowSchema.Fields.RecoverySeconds, FieldValue.Of(Math.Max(0, recovery.TotalSeconds))));
        }

        fields.Add(new(FlowSchema.Fields.Redeploy, FieldValue.Of(deployment.IsRedeploy)));
        fields.Add(new(FlowSchema.Fields.Rework, FieldValue.Of(attributed.IsRework)));
        fields.Add(new(FlowSchema.Fields.Rollback, FieldValue.Of(deployment.IsRollback)));
        if (deployment.Sha is not null)
        {
            fields.Add(new(FlowSchema.Fields.Sha, FieldValue.Of(deployment.Sha)));
        }

        if (deployment.Url is not null)
        {
            fields.Add(new(FlowSchema.Fields.Url, FieldValue.Of(deployment.Url)));
        }

        yield return new FlowPoint(FlowSchema.Measurements.Deployment, tags, fields, PointTimestamps.For(finished, deployment.DeploymentId));
    }
}
