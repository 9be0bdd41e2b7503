using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Statistics;

/// <summary>DORA's performance bands (as published in the DORA reports; thresholds in docs/metrics.md).</summary>
public enum DoraBand
{
    Low,
    Medium,
    High,
    Elite,
}

/// <summary>One finished production deployment, as DORA sees it.</summary>
/// <param name="Environment">The production environment.</param>
/// <param name="Finished">When it finished.</param>
/// <param name="Succeeded">It finished successfully.</param>
/// <param name="Rollback">It deployed an older SHA than the environment's previous successful deployment.</param>
public sealed record DoraDeployment(string Environment, DateTimeOffset Finished, bool Succeeded, bool Rollback)
{
    /// <summary>It carried an unplanned fix (a rework change, docs/metrics.md "Rework rate").</summary>
    public bool Rework { get; init; }
}

/// <summary>An incident: opened, and resolved when known.</summary>
public sealed record DoraIncident(DateTimeOffset Opened, DateTimeOffset? Resolved);

/// <summary>The four keys over one window, each duration with median / p75 / p90 and its count.</summary>
public sealed record DoraReport(
    int Deployments,
    double DeploymentsPerDay,
    DoraBand DeploymentFrequencyBand,
    DurationSummary LeadTime,
    DoraBand? LeadTimeBand,
    int FailedDeployments,
    double? ChangeFailureRate,
    DurationSummary RecoveryTime)
{
    /// <summary>Successful production deployments in the window that carried an unplanned fix.</summary>
    public int ReworkDeployments { get; init; }

    /// <summary><see cref="ReworkDeployments"/> ÷ successful production deployments; null (undefined, not 0) when there were none.</summary>
    public double? ReworkRate { get; init; }
}

/// <summary>Count, median, p75 and p90 of durations (nearest rank); null percentiles when there are none.</summary>
public sealed record DurationSummary(int Count, TimeSpan? Median, TimeSpan? P75, TimeSpan? P90)
{
    public static DurationSummary Of(IEnumerable<TimeSpan> durations)
    {
        ArgumentNullException.ThrowIfNull(durations);
        var seconds = durations.Select(d => d.TotalSeconds).Order().ToList();
        TimeSpan? At(double percent) => Percentile.NearestRank(seconds, percent) is { } s ? TimeSpan.FromSeconds(s) : null;
        return new DurationSummary(seconds.Count, At(50), At(75), At(90));
    }
}

/// <summary>
/// The DORA metrics of a repository (or any set of them) over a window [from, to). Pure: the caller passes the
/// production deployments, the lead times of the changes that arrived in the window, and the incidents.
/// </summary>
public static class DoraMetrics
{
    /// <summary>
    /// The DORA metrics of what one read saw over [<paramref name="from"/>, <paramref name="to"/>): its production
    /// deployments (the flag the deployment point's <c>production</c> tag carries, so boards and <c>once</c> agree), the
    /// lead times of its changes that arrived in the window, and its incidents. Null when it saw no production deployment.
    /// </summary>
    public static DoraReport? OfRead(
        IEnumerable<AttributedDeployment> deployments,
        IEnumerable<ChangeTimeline> timelines,
        IEnumerable<IncidentFacts> incidents,
        DateTimeOffset from,
        DateTimeOffset to)
    {
        var production = deployments
            .Where(d => d.IsProduction && d.Deployment.Environment is not null)
            .Select(d => new DoraDeployment(d.Deployment.Environment!, d.Deployment.Finished!.Value, d.Deployment.Succeeded, d.Deployment.IsRollback) { Rework = d.IsRework })
            .ToList();
        if (production.Count == 0)
        {
            return null;
        }

        var leadTimes = timelines.Where(t => t.Arrived >= from && t.Arrived < to && t.LeadTime is not null).Select(t => t.LeadTime!.Value).ToList();
        return Compute(from, to, production, leadTimes, [.. incidents.Select(i => new DoraIncident(i.Opened!.Value, i.Resolved))], TimeSpan.FromDays(1));
    }

    public static DoraReport Compute(
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyCollection<DoraDeployment> productionDeployments,
        IReadOnlyCollection<TimeSpan> leadTimes,
        IReadOnlyCollection<DoraIncident> incidents,
        TimeSpan incidentWindow)
    {
        ArgumentNullException.ThrowIfNull(productionDeployments);
        ArgumentNullException.ThrowIfNull(leadTimes);
        ArgumentNullException.ThrowIfNull(incidents);
        if (to <= from)
        {
            throw new ArgumentException($"The window must end after it starts ({from:O} .. {to:O}).", nameof(to));
        }

        var ordered = productionDeployments.OrderBy(d => d.Finished).ThenBy(d => d.Environment, StringComparer.Ordinal).ToList();
        var inWindow = ordered.Where(d => d.Finished >= from && d.Finished < to).ToList();
        var days = (to - from).TotalDays;
        var successful = inWindow.Count(d => d.Succeeded);
        var perDay = successful / days;

        var failed = inWindow.Count(d => IsFailure(d, ordered, incidents, incidentWindow));
        var leadTime = DurationSummary.Of(leadTimes);
        var rework = inWindow.Count(d => d.Succeeded && d.Rework);

        return new DoraReport(
            successful,
            perDay,
            FrequencyBand(perDay),
            leadTime,
            leadTime.Median is { } median ? LeadTimeBand(median) : null,
            failed,
            inWindow.Count == 0 ? null : (double)failed / inWindow.Count,
            DurationSummary.Of(RecoveryTimes(inWindow, ordered, incidents, from, to)))
        {
            ReworkDeployments = rework,
            ReworkRate = successful == 0 ? null : (double)rework / successful,
        };
    }

    /// <summary>Elite: more than one a day (on demand); high: daily to weekly; medium: weekly to monthly; low: less often.</summary>
    public static DoraBand FrequencyBand(double deploymentsPerDay) => deploymentsPerDay switch
    {
        > 1 => DoraBand.Elite,
        >= 1.0 / 7 => DoraBand.High,
        >= 1.0 / 30 => DoraBand.Medium,
        _ => DoraBand.Low,
    };

    /// <summary>Elite: under a day; high: a day to a week; medium: a week to a month; low: longer.</summary>
    public static DoraBand LeadTimeBand(TimeSpan median) => median.TotalDays switch
    {
        < 1 => DoraBand.Elite,
        <= 7 => DoraBand.High,
        <= 30 => DoraBand.Medium,
        _ => DoraBand.Low,
    };

    /// <summary>
    /// A deployment failed when it did not succeed, when a later rollback in the same environment undid it (it was
    /// the last success before the rollback), or when an incident opened within <paramref name="incidentWindow"/> after it.
    /// </summary>
    private static bool IsFailure(DoraDeployment deployment, List<DoraDeployment> all, IReadOnlyCollection<DoraIncident> incidents, TimeSpan incidentWindow)
    {
        if (!deployment.Succeeded)
        {
            return true;
        }

        var sameEnvironment = all.Where(d => string.Equals(d.Environment, deployment.Environment, StringComparison.OrdinalIgnoreCase)).ToList();
        var index = sameEnvironment.IndexOf(deployment);
        var next = sameEnvironment.Skip(index + 1).FirstOrDefault(d => d.Succeeded);
        if (next is { Rollback: true })
        {
            return true;
        }

        return incidents.Any(i => i.Opened >= deployment.Finished && i.Opened - deployment.Finished <= incidentWindow);
    }

    /// <summary>
    /// Per environment, each run of failed deployments recovers at the next successful one (measured from the first
    /// failure of the run); each incident opened in the window recovers when it is resolved.
    /// </summary>
    private static IEnumerable<TimeSpan> RecoveryTimes(List<DoraDeployment> inWindow, List<DoraDeployment> all, IReadOnlyCollection<DoraIncident> incidents, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var environment in inWindow.Select(d => d.Environment).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            DateTimeOffset? failingSince = null;
            foreach (var deployment in all.Where(d => string.Equals(d.Environment, environment, StringComparison.OrdinalIgnoreCase)))
            {
                if (!deployment.Succeeded)
                {
                    failingSince ??= deployment.Finished;
                }
                else if (failingSince is { } since)
                {
                    if (since >= from && since < to)
                    {
                        yield return deployment.Finished - since;
                    }

                    failingSince = null;
                }
            }
        }

        foreach (var incident in incidents.Where(i => i.Opened >= from && i.Opened < to && i.Resolved is not null))
        {
            yield return incident.Resolved!.Value - incident.Opened;
        }
    }
}
