using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Reads;

/// <summary>
/// What one read adds to a target's <see cref="IncidentLedger"/> and the points that come out of it: an incident read
/// today fails the production deployment read yesterday (<c>incident_failure</c> merged into that deployment's point),
/// and this read's recoveries become <c>recovery</c> points.
/// </summary>
public static class IncidentFailureRead
{
    /// <summary>The stored ledger merged with this read's production deployments and incidents.</summary>
    public static IncidentLedger Merge(IncidentLedger stored, IEnumerable<AttributedDeployment> deployments, IEnumerable<IncidentFacts> incidents) =>
        IncidentFailures.Merge(
            stored,
            deployments
                .Where(d => d.IsProduction && d.Deployment.Environment is not null && d.Deployment.Finished is not null)
                .Select(d => new RememberedDeployment(d.Deployment.DeploymentId, d.Deployment.Environment!, d.Deployment.Finished!.Value, d.Deployment.Succeeded, d.Deployment.IsRollback, d.Deployment.Fallback)),
            incidents.Where(i => i.Opened is not null).Select(i => new RememberedIncident(i.IncidentId, i.Opened!.Value)));

    /// <summary>
    /// The incident attributions of the ledger (merged into the deployments' points) and the <c>recovery</c> points of
    /// this read's production deployments and resolved incidents.
    /// </summary>
    public static IEnumerable<FlowPoint> Points(RepositoryRef repository, IncidentLedger ledger, IEnumerable<AttributedDeployment> deployments, IEnumerable<IncidentFacts> incidents) =>
        IncidentFailurePoints.From(repository, IncidentFailures.Attribute(ledger))
            .Concat(deployments
                .Where(d => d.IsProduction && d.RecoveredAfter is not null && d.Deployment.Environment is not null && d.Deployment.Finished is not null)
                .Select(d => RecoveryPoints.OfDeployment(repository, d.Deployment.Environment!, d.Deployment.DeploymentId, d.Deployment.Finished!.Value, d.RecoveredAfter!.Value)))
            .Concat(incidents
                .Where(i => i.Opened is not null && i.TimeToRestore is not null)
                .Select(i => RecoveryPoints.OfIncident(repository, i.IncidentId, i.Opened!.Value, i.TimeToRestore!.Value)));
}
