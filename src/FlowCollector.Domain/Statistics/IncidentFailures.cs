namespace FlowCollector.Domain.Statistics;

/// <summary>A production deployment as the incident attribution remembers it between runs.</summary>
/// <param name="DeploymentId">The source's deployment id (also the entity of its point's timestamp).</param>
/// <param name="Environment">The production environment.</param>
/// <param name="Finished">When it finished (the <c>deployment</c> point's time).</param>
/// <param name="Succeeded">It finished successfully.</param>
/// <param name="Rollback">It deployed an older SHA than the environment's previous successful deployment.</param>
/// <param name="Fallback">The <c>fallback</c> tag of its point (a release or CI run standing in for a deployment), if any.</param>
public sealed record RememberedDeployment(string DeploymentId, string Environment, DateTimeOffset Finished, bool Succeeded, bool Rollback, string? Fallback = null);

/// <summary>An incident as the attribution needs it: its id and when it was opened.</summary>
public sealed record RememberedIncident(string IncidentId, DateTimeOffset Opened);

/// <summary>A target's production deployments and incidents of the last few days, kept between runs.</summary>
public sealed record IncidentLedger(IReadOnlyList<RememberedDeployment> Deployments, IReadOnlyList<RememberedIncident> Incidents)
{
    public static IncidentLedger Empty { get; } = new([], []);
}

/// <summary>
/// A successful production deployment that an incident followed within <see cref="IncidentFailures.Window"/>: one of
/// the failures of the change failure rate (docs/metrics.md). <see cref="Counted"/> is false when a rollback already
/// makes it a failure (the rate counts it once, as the rollback).
/// </summary>
public sealed record IncidentFailure(RememberedDeployment Deployment, RememberedIncident Incident, bool Counted);

/// <summary>
/// Which production deployments an incident made failed, the rule of <see cref="DoraMetrics"/> ("followed by an
/// incident opened within 24 h after it finished") computed by the collector, because a board cannot join the
/// <c>incident</c> and <c>deployment</c> measurements. Pure; the caller keeps the <see cref="IncidentLedger"/> between
/// runs, since a run that reads an incident has usually read its deployment in an earlier run.
/// </summary>
public static class IncidentFailures
{
    /// <summary>The incident window of <c>once</c>'s DORA figures (<see cref="DoraMetrics.Compute"/> is called with 1 day).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    /// <summary>
    /// How long the ledger keeps a deployment or an incident: the window, plus two days for runs that come late (a
    /// collector down over a weekend still finds the deployment an incident follows, and a rollback read the next day
    /// still marks the attribution as counted once).
    /// </summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(3);

    /// <summary>The stored ledger with this run's production deployments and incidents added (the newer read wins per id).</summary>
    public static IncidentLedger Merge(IncidentLedger stored, IEnumerable<RememberedDeployment> deployments, IEnumerable<RememberedIncident> incidents)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var byDeployment = stored.Deployments.ToDictionary(d => d.DeploymentId, StringComparer.Ordinal);
        foreach (var deployment in deployments)
        {
            byDeployment[deployment.DeploymentId] = deployment;
        }

        var byIncident = stored.Incidents.ToDictionary(i => i.IncidentId, StringComparer.Ordinal);
        foreach (var incident in incidents)
        {
            byIncident[incident.IncidentId] = incident;
        }

        return new IncidentLedger(
            [.. byDeployment.Values.OrderBy(d => d.Finished).ThenBy(d => d.DeploymentId, StringComparer.Ordinal)],
            [.. byIncident.Values.OrderBy(i => i.Opened).ThenBy(i => i.IncidentId, StringComparer.Ordinal)]);
    }

    /// <summary>What is kept for the next run: deployments finished and incidents opened within <see cref="Kept"/> before <paramref name="now"/>.</summary>
    public static IncidentLedger Prune(IncidentLedger ledger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var since = now - Kept;
        return new IncidentLedger([.. ledger.Deployments.Where(d => d.Finished >= since)], [.. ledger.Incidents.Where(i => i.Opened >= since)]);
    }

    /// <summary>
    /// Every successful deployment of the ledger with an incident opened in [finished, finished + <see cref="Window"/>]
    /// (the earliest such incident names it). Not counted when the next successful deployment to the same environment
    /// is a rollback: <see cref="DoraMetrics"/> then counts the deployment as failed once, and the boards count it as
    /// the rollback.
    /// </summary>
    public static IReadOnlyList<IncidentFailure> Attribute(IncidentLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);

        // The order DoraMetrics walks deployments in: finished, then environment.
        var ordered = ledger.Deployments.OrderBy(d => d.Finished).ThenBy(d => d.Environment, StringComparer.Ordinal).ToList();
        var failures = new List<IncidentFailure>();
        foreach (var deployment in ordered.Where(d => d.Succeeded))
        {
            var incident = ledger.Incidents
                .Where(i => i.Opened >= deployment.Finished && i.Opened - deployment.Finished <= Window)
                .OrderBy(i => i.Opened)
                .ThenBy(i => i.IncidentId, StringComparer.Ordinal)
                .FirstOrDefault();
            if (incident is null)
            {
                continue;
            }

            var sameEnvironment = ordered.Where(d => string.Equals(d.Environment, deployment.Environment, StringComparison.OrdinalIgnoreCase)).ToList();
            var next = sameEnvironment.Skip(sameEnvironment.IndexOf(deployment) + 1).FirstOrDefault(d => d.Succeeded);
            failures.Add(new IncidentFailure(deployment, incident, Counted: next is not { Rollback: true }));
        }

        return failures;
    }
}
