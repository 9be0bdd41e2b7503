using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Domain.Tests.Statistics;

/// <summary>
/// Which production deployments an incident made failed (the collector's side of the change failure rate the boards
/// show), worked out by hand against <see cref="DoraMetrics"/>' own rule.
/// </summary>
public sealed class IncidentFailuresTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    // production: d1 ok at 0 h, d2 failed at 2 h, d3 ok at 3 h, d4 a successful rollback at 30 h, d5 ok at 50 h.
    private static readonly RememberedDeployment D1 = new("d1", "production", T0, Succeeded: true, Rollback: false);
    private static readonly RememberedDeployment D2 = new("d2", "production", T0.AddHours(2), Succeeded: false, Rollback: false);
    private static readonly RememberedDeployment D3 = new("d3", "production", T0.AddHours(3), Succeeded: true, Rollback: false);
    private static readonly RememberedDeployment D4 = new("d4", "production", T0.AddHours(30), Succeeded: true, Rollback: true);
    private static readonly RememberedDeployment D5 = new("d5", "production", T0.AddHours(50), Succeeded: true, Rollback: false);

    // incidents opened at 20 h, 26 h and 80 h.
    private static readonly RememberedIncident I1 = new("i1", T0.AddHours(20));
    private static readonly RememberedIncident I2 = new("i2", T0.AddHours(26));
    private static readonly RememberedIncident I3 = new("i3", T0.AddHours(80));

    private static readonly IncidentLedger Ledger = new([D1, D2, D3, D4, D5], [I1, I2, I3]);

    [Fact]
    public void An_incident_within_a_day_fails_each_successful_deployment_before_it_once()
    {
        // d1 (0 h): incidents in [0 h, 24 h] → i1 (20 h); next success d3 is no rollback → counted.
        // d2 failed: already a failure, never attributed.
        // d3 (3 h): [3 h, 27 h] → i1 (20 h, earlier than i2 at 26 h); next success d4 is a rollback → not counted.
        // d4 (30 h): [30 h, 54 h] → none (i2 at 26 h is before it). d5 (50 h): [50 h, 74 h] → none (i3 at 80 h is 30 h later).
        var failures = IncidentFailures.Attribute(Ledger);

        Assert.Equal(
            [("d1", "i1", true), ("d3", "i1", false)],
            failures.Select(f => (f.Deployment.DeploymentId, f.Incident.IncidentId, f.Counted)));
    }

    [Fact]
    public void The_boards_count_of_failures_equals_DoraMetrics()
    {
        // The boards: not successful (d2) 1 + successful rollbacks (d4) 1 + counted incident failures (d1) 1 = 3 of 5.
        // DoraMetrics: d1 (incident), d2 (failed), d3 (undone by the rollback d4) = 3 of 5 = 0.6.
        var boards = Ledger.Deployments.Count(d => !d.Succeeded)
            + Ledger.Deployments.Count(d => d.Succeeded && d.Rollback)
            + IncidentFailures.Attribute(Ledger).Count(f => f.Counted);
        var engine = DoraMetrics.Compute(
            T0,
            T0.AddHours(100),
            [.. Ledger.Deployments.Select(d => new DoraDeployment(d.Environment, d.Finished, d.Succeeded, d.Rollback))],
            [],
            [.. Ledger.Incidents.Select(i => new DoraIncident(i.Opened, null))],
            IncidentFailures.Window);

        Assert.Equal(3, boards);
        Assert.Equal(3, engine.FailedDeployments);
        Assert.Equal(0.6, engine.ChangeFailureRate);
    }

    [Fact]
    public void An_incident_exactly_a_day_after_counts_and_one_second_later_does_not()
    {
        var deployment = new RememberedDeployment("d", "PROD", T0, Succeeded: true, Rollback: false);

        Assert.Single(IncidentFailures.Attribute(new IncidentLedger([deployment], [new RememberedIncident("i", T0.AddDays(1))])));
        Assert.Empty(IncidentFailures.Attribute(new IncidentLedger([deployment], [new RememberedIncident("i", T0.AddDays(1).AddSeconds(1))])));
    }

    [Fact]
    public void The_ledger_keeps_three_days_and_a_newer_read_wins()
    {
        // now = 100 h, kept 72 h → from 28 h on: d4 (30 h), d5 (50 h) and i3 (80 h) stay.
        var pruned = IncidentFailures.Prune(Ledger, T0.AddHours(100));
        Assert.Equal(["d4", "d5"], pruned.Deployments.Select(d => d.DeploymentId));
        Assert.Equal(["i3"], pruned.Incidents.Select(i => i.IncidentId));

        var merged = IncidentFailures.Merge(pruned, [D5 with { Succeeded = false }, D1], [I1]);
        Assert.Equal(["d1", "d4", "d5"], merged.Deployments.Select(d => d.DeploymentId));
        Assert.False(merged.Deployments.Single(d => d.DeploymentId == "d5").Succeeded);
        Assert.Equal(["i1", "i3"], merged.Incidents.Select(i => i.IncidentId));
    }

    [Fact]
    public void An_attribution_is_merged_into_the_deployments_own_point_same_series_and_timestamp()
    {
        var points = IncidentFailurePoints.From(new RepositoryRef("github", "contoso", "web"), IncidentFailures.Attribute(Ledger)).ToList();

        Assert.Equal(
            [
                "deployment,environment=production,org=contoso,production=true,repo=web,result=success,schema=1,source=github deployment_id=d1,incident_failure=1,incident_id=i1 "
                    + PointTimestamps.For(T0, "d1").ToString(CultureInfo.InvariantCulture),
                "deployment,environment=production,org=contoso,production=true,repo=web,result=success,schema=1,source=github deployment_id=d3,incident_failure=0,incident_id=i1 "
                    + PointTimestamps.For(T0.AddHours(3), "d3").ToString(CultureInfo.InvariantCulture),
            ],
            points.Select(p => p.Measurement
                + string.Concat(p.Tags.Select(t => $",{t.Key}={t.Value}"))
                + " " + string.Join(",", p.Fields.Select(f => $"{f.Key}={f.Value}"))
                + " " + p.TimestampNanoseconds.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Recoveries_of_both_kinds_are_one_measurement()
    {
        var repository = new RepositoryRef("github", "contoso", "web");

        var deployment = RecoveryPoints.OfDeployment(repository, "production", "d3", T0.AddHours(3), TimeSpan.FromHours(1));
        var incident = RecoveryPoints.OfIncident(repository, "i1", T0.AddHours(20), TimeSpan.FromHours(2));

        Assert.Equal(FlowSchema.Measurements.Recovery, deployment.Measurement);
        Assert.Equal(FlowSchema.Measurements.Recovery, incident.Measurement);
        Assert.Equal(3600, deployment.Field(FlowSchema.Fields.Seconds)!.Value.AsFloat);
        Assert.Equal(7200, incident.Field(FlowSchema.Fields.Seconds)!.Value.AsFloat);
        Assert.Equal(PointTimestamps.For(T0.AddHours(3), "d3"), deployment.TimestampNanoseconds);
        Assert.Equal(PointTimestamps.For(T0.AddHours(20), "i1"), incident.TimestampNanoseconds);
    }
}
