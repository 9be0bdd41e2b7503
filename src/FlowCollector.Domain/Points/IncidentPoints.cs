using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>Maps an incident to its <c>incident</c> point.</summary>
public static class IncidentPoints
{
    /// <remarks>
    /// Timestamp: the opening, not the end — an open incident must be visible while it is open, and the point written
    /// at its resolution then overwrites the same series and timestamp (open = false, restore_seconds set) instead of
    /// adding a second point. An incident whose opening is unknown writes nothing.
    /// </remarks>
    public static IEnumerable<FlowPoint> From(IncidentFacts incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Opened is not { } opened)
        {
            return [];
        }

        KeyValuePair<string, string>[] tags =
        [
            new(FlowSchema.Tags.Org, incident.Repository.Owner),
            new(FlowSchema.Tags.Repo, incident.Repository.Name),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, incident.Repository.Source),
        ];
        var fields = new List<KeyValuePair<string, FieldValue>>(4)
        {
            new(FlowSchema.Fields.IncidentId, FieldValue.Of(incident.IncidentId)),
            new(FlowSchema.Fields.Open, FieldValue.Of(incident.Resolved is null)),
        };
        if (incident.TimeToRestore is { } restore)
        {
            fields.Add(new(FlowSchema.Fields.RestoreSeconds, FieldValue.Of(restore.TotalSeconds)));
        }

        if (incident.Url is not null)
        {
            fields.Add(new(FlowSchema.Fields.Url, FieldValue.Of(incident.Url)));
        }

        return [new FlowPoint(FlowSchema.Measurements.Incident, tags, fields, PointTimestamps.For(opened, incident.IncidentId))];
    }
}
