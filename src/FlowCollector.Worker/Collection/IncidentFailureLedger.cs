using System.Text.Json;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Keeps a target's <see cref="IncidentLedger"/> (production deployments and incidents of the last
/// <see cref="IncidentFailures.Kept"/>) in the state store's <c>incident-ledger</c> resource, and turns it into the
/// run's <c>incident_failure</c> points: an incident read today fails the deployment read yesterday.
/// </summary>
internal static class IncidentFailureLedger
{
    /// <summary>The state store's ETag resource holding the ledger (JSON).</summary>
    public const string Resource = "incident-ledger";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The stored ledger merged with this run's production deployments and incidents.</summary>
    public static async Task<IncidentLedger> MergeAsync(IStateStore store, string targetKey, IEnumerable<AttributedDeployment> deployments, IEnumerable<IncidentFacts> incidents, CancellationToken cancellationToken)
    {
        var stored = Decode(await store.GetETagAsync(targetKey, Resource, cancellationToken));
        return IncidentFailures.Merge(
            stored,
            deployments
                .Where(d => d.IsProduction && d.Deployment.Environment is not null && d.Deployment.Finished is not null)
                .Select(d => new RememberedDeployment(d.Deployment.DeploymentId, d.Deployment.Environment!, d.Deployment.Finished!.Value, d.Deployment.Succeeded, d.Deployment.IsRollback, d.Deployment.Fallback)),
            incidents.Where(i => i.Opened is not null).Select(i => new RememberedIncident(i.IncidentId, i.Opened!.Value)));
    }

    /// <summary>
    /// The incident attributions of the ledger (merged into the deployments' points) and the <c>recovery</c> points of
    /// this run's production deployments and resolved incidents.
    /// </summary>
    public static IEnumerable<FlowPoint> Points(RepositoryRef repository, IncidentLedger ledger, IEnumerable<AttributedDeployment> deployments, IEnumerable<IncidentFacts> incidents) =>
        IncidentFailurePoints.From(repository, IncidentFailures.Attribute(ledger))
            .Concat(deployments
                .Where(d => d.IsProduction && d.RecoveredAfter is not null && d.Deployment.Environment is not null && d.Deployment.Finished is not null)
                .Select(d => RecoveryPoints.OfDeployment(repository, d.Deployment.Environment!, d.Deployment.DeploymentId, d.Deployment.Finished!.Value, d.RecoveredAfter!.Value)))
            .Concat(incidents
                .Where(i => i.Opened is not null && i.TimeToRestore is not null)
                .Select(i => RecoveryPoints.OfIncident(repository, i.IncidentId, i.Opened!.Value, i.TimeToRestore!.Value)));

    /// <summary>Saved only once the run's points are written, like the watermark.</summary>
    public static Task SaveAsync(IStateStore store, string targetKey, IncidentLedger ledger, DateTimeOffset now) =>
        store.SaveETagAsync(targetKey, Resource, JsonSerializer.Serialize(IncidentFailures.Prune(ledger, now), Options), CancellationToken.None);

    /// <summary>The stored ledger, or an empty one for a payload this version cannot read (it refills from the next reads).</summary>
    public static IncidentLedger Decode(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return IncidentLedger.Empty;
        }

        try
        {
            var stored = JsonSerializer.Deserialize<IncidentLedger>(payload, Options);
            return stored is { Deployments: not null, Incidents: not null } ? stored : IncidentLedger.Empty;
        }
        catch (JsonException)
        {
            return IncidentLedger.Empty;
        }
    }
}
