using System.Globalization;
using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;
using FlowCollector.Sinks.LineProtocol;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// One truth, on a case small enough to work out by hand: five production deployments and four incidents written to a
/// real InfluxDB 1.x as the collector writes them (the <c>incident_failure</c> field and the <c>recovery</c> points by the collector's own
/// <see cref="IncidentFailures"/> and <see cref="RecoveryPoints"/>), the board's panels run as Grafana sends them, and every figure equal to both the
/// hand-worked number and <see cref="DoraMetrics"/> on the same data.
/// </summary>
public sealed class BoardEqualsEngineTests(CollectedOrganisation organisation)
{
    private const string Database = "hand_worked";
    private const string Board = "delivery-performance.json";

    // Monday 3 March 2025, 09:00 UTC; the board's range is the two weeks from Monday 24 February.
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = new(2025, 2, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(14);

    // production: d1 ok at 0 h, d2 failed at 2 h, d3 ok at 3 h (ends d2's failure: recovery 1 h), d4 a successful
    // rollback at 30 h (it undoes d3), d5 ok at 50 h.
    private static readonly RememberedDeployment[] Deployments =
    [
        new("d1", "production", T0, Succeeded: true, Rollback: false),
        new("d2", "production", T0.AddHours(2), Succeeded: false, Rollback: false),
        new("d3", "production", T0.AddHours(3), Succeeded: true, Rollback: false),
        new("d4", "production", T0.AddHours(30), Succeeded: true, Rollback: true),
        new("d5", "production", T0.AddHours(50), Succeeded: true, Rollback: false),
    ];

    // incidents: i0 the Sunday before (23:00, 10 min), i1 at 20 h (2 h), i2 at 26 h (30 min), i3 at 80 h (4 h).
    private static readonly (string Id, DateTimeOffset Opened, double Restore)[] Incidents =
    [
        ("i0", T0.AddHours(-10), 600),
        ("i1", T0.AddHours(20), 7200),
        ("i2", T0.AddHours(26), 1800),
        ("i3", T0.AddHours(80), 14400),
    ];

    [Fact]
    public async Task Change_failure_rate_counts_failures_rollbacks_and_incidents_as_the_engine_does()
    {
        // By hand: d2 failed; d3 was undone by the rollback d4 (the board counts d4); d1 was followed by i1 within 24 h
        // (its point gets incident_failure=1); d3 also by i1, but the rollback already counts it (incident_failure=0). 3 of 5 = 0.6.
        // Without the incidents it would be 2 of 5 = 0.4: the figure issue 17 saw the board miss.
        var engine = Engine();
        Assert.Equal(3, engine.FailedDeployments);
        Assert.Equal(0.6, engine.ChangeFailureRate);

        Assert.Equal(0.6, (await PanelAsync("Change failure rate", "A"))!.Value, 12);
        Assert.Equal(1, await PanelAsync("Deployments failed by an incident", "A"));
        Assert.Equal(4, await PanelAsync("Production deployments", "A")); // d1, d3, d4, d5
        Assert.Equal(engine.Deployments, await PanelAsync("Production deployments", "A"));
    }

    [Fact]
    public async Task Recovery_time_joins_failed_deployment_runs_and_incidents_as_the_engine_does()
    {
        // By hand: d2 → d3 = 3600 s; incidents 600, 7200, 1800, 14400 s. Sorted 600, 1800, 3600, 7200, 14400 (n = 5):
        // median = rank ⌈2.5⌉ = 3rd = 3600 s; p90 = rank ⌈4.5⌉ = 5th = 14400 s.
        var engine = Engine();
        Assert.Equal(TimeSpan.FromSeconds(3600), engine.RecoveryTime.Median);
        Assert.Equal(TimeSpan.FromSeconds(14400), engine.RecoveryTime.P90);

        Assert.Equal(3600, await PanelAsync("Failed deployment recovery time", "A"));
        Assert.Equal(14400, await PanelAsync("Failed deployment recovery time", "B"));
    }

    [Fact]
    public async Task Incidents_and_their_time_to_restore()
    {
        // By hand: 4 opened, none open now; restore sorted 600, 1800, 7200, 14400 (n = 4): median = rank 2 = 1800 s,
        // p90 = rank ⌈3.6⌉ = 4th = 14400 s (InfluxQL's own rank, ⌊4·0.9 + 0.5⌋ = 4, agrees here; the fivefold read is for n where it does not).
        Assert.Equal(4, await PanelAsync("Incidents", "A"));
        Assert.Null(await PanelAsync("Incidents", "B"));
        Assert.Equal(1800, await PanelAsync("Time to restore (incidents)", "A"));
        Assert.Equal(14400, await PanelAsync("Time to restore (incidents)", "B"));
        Assert.Equal(1800, Percentile.NearestRank([600, 1800, 7200, 14400], 50));
    }

    [Fact]
    public async Task Weeks_start_on_Monday_00_00_UTC()
    {
        // 1970-01-01 was a Thursday, so time(7d) buckets start on Thursdays; time(7d, 4d) moves them to Mondays.
        // i0 (Sunday 2 March 23:00) is in the week of Monday 24 February; i1 (Tue), i2 (Tue) and i3 (Thursday 6 March
        // 17:00) in the week of Monday 3 March. Thursday buckets would split them 3 (27 Feb – 5 Mar: i0, i1, i2) and 1.
        var frames = await FramesAsync("Incidents opened per week", "A");
        var weeks = Assert.Single(frames).Points.Where(p => p.Value > 0).Select(p => (DateTimeOffset.FromUnixTimeMilliseconds(p.Time / 1_000_000), p.Value)).ToList();

        Assert.Equal([(new DateTimeOffset(2025, 2, 24, 0, 0, 0, TimeSpan.Zero), 1.0), (new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero), 3.0)], weeks.Select(w => (w.Item1, w.Value!.Value)));
        Assert.All(Assert.Single(frames).Points, p => Assert.Equal(DayOfWeek.Monday, DateTimeOffset.FromUnixTimeMilliseconds(p.Time / 1_000_000).DayOfWeek));
    }

    private static DoraReport Engine() => DoraMetrics.Compute(
        From,
        To,
        [.. Deployments.Select(d => new DoraDeployment(d.Environment, d.Finished, d.Succeeded, d.Rollback))],
        [],
        [.. Incidents.Select(i => new DoraIncident(i.Opened, i.Opened.AddSeconds(i.Restore)))],
        IncidentFailures.Window);

    private static string Lines()
    {
        const string Tags = "org=contoso,repo=web,schema=1,source=github";
        var lines = new List<string> { $"collector_sync,{Tags},result=success errors=0i {Ns(To.AddDays(-1))}" };
        foreach (var d in Deployments)
        {
            var recovery = d.DeploymentId == "d3" ? ",recovery_seconds=3600" : "";
            lines.Add($"deployment,{Tags},environment=production,production=true,result={(d.Succeeded ? "success" : "failure")} "
                + $"changes={(d.Rollback ? 0 : 1)}i,deployment_id=\"{d.DeploymentId}\",duration_seconds=60,redeploy=false,rework=false,rollback={(d.Rollback ? "true" : "false")}{recovery} "
                + PointTimestamps.For(d.Finished, d.DeploymentId).ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (id, opened, restore) in Incidents)
        {
            lines.Add($"incident,{Tags} incident_id=\"{id}\",open=false,restore_seconds={restore.ToString(CultureInfo.InvariantCulture)} {PointTimestamps.For(opened, id).ToString(CultureInfo.InvariantCulture)}");
        }

        // What the collector adds: the incident attributions (merged into d1's and d3's points) and the recovery points.
        var repository = new RepositoryRef("github", "contoso", "web");
        var ledger = new IncidentLedger(Deployments, [.. Incidents.Select(i => new RememberedIncident(i.Id, i.Opened))]);
        lines.AddRange(IncidentFailurePoints.From(repository, IncidentFailures.Attribute(ledger)).Select(LineProtocolWriter.Write));
        lines.Add(LineProtocolWriter.Write(RecoveryPoints.OfDeployment(repository, "production", "d3", Deployments[2].Finished, TimeSpan.FromHours(1))));
        lines.AddRange(Incidents.Select(i => LineProtocolWriter.Write(RecoveryPoints.OfIncident(repository, i.Id, i.Opened, TimeSpan.FromSeconds(i.Restore)))));
        return string.Join('\n', lines);
    }

    private static string Ns(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);

    private async Task<IReadOnlyList<InfluxFrame>> FramesAsync(string title, string refId)
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        await influx.CreateDatabaseAsync(Database, ct);
        await KeyNumberTests.WriteAsync(influx, Database, Lines(), ct);
        var query = DashboardQueries.Of(Board).Single(q => q.PanelTitle == title && q.RefId == refId);
        var expander = await DashboardQueries.ResolveAsync(GrafanaFiles.Dashboard(Board), influx, Database, From, To, null, ct);
        return await InfluxFrame.QueryAsync(influx, Database, expander.Expand(query.Query, expander.Interval(query.MinInterval)), ct);
    }

    private async Task<double?> PanelAsync(string title, string refId)
    {
        var frames = await FramesAsync(title, refId);
        return frames.Count == 0 ? null : Assert.Single(Assert.Single(frames).Points).Value;
    }
}
