using FlowCollector.Domain.Statistics;

namespace FlowCollector.Domain.Tests.Statistics;

/// <summary>DORA's four keys over a 7-day window starting Monday 00:00; every expectation worked out by hand.</summary>
public sealed class DoraMetricsTests
{
    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextMonday = Monday.AddDays(7);
    private static readonly TimeSpan IncidentWindow = TimeSpan.FromHours(24);

    [Fact]
    public void Fourteen_successful_deployments_in_a_week_are_two_a_day_elite_and_nothing_failed()
    {
        var deployments = Enumerable.Range(0, 14).Select(i => Prod(Monday.AddHours(6 + (12 * i)), ok: true)).ToList();

        var report = DoraMetrics.Compute(Monday, NextMonday, deployments, [], [], IncidentWindow);

        Assert.Equal(14, report.Deployments);
        Assert.Equal(2.0, report.DeploymentsPerDay);
        Assert.Equal(DoraBand.Elite, report.DeploymentFrequencyBand);
        Assert.Equal(0, report.FailedDeployments);
        Assert.Equal(0.0, report.ChangeFailureRate);
        Assert.Equal(0, report.RecoveryTime.Count);
    }

    [Theory]
    [InlineData(1.5, DoraBand.Elite)]
    [InlineData(1.0, DoraBand.High)]          // exactly daily is "daily to weekly"
    [InlineData(1.0 / 7, DoraBand.High)]
    [InlineData(0.1, DoraBand.Medium)]
    [InlineData(1.0 / 30, DoraBand.Medium)]
    [InlineData(0.02, DoraBand.Low)]
    [InlineData(0.0, DoraBand.Low)]
    public void Deployment_frequency_bands(double perDay, DoraBand band) => Assert.Equal(band, DoraMetrics.FrequencyBand(perDay));

    [Theory]
    [InlineData(0.5, DoraBand.Elite)]
    [InlineData(3.0, DoraBand.High)]
    [InlineData(7.0, DoraBand.High)]
    [InlineData(20.0, DoraBand.Medium)]
    [InlineData(45.0, DoraBand.Low)]
    public void Lead_time_bands(double medianDays, DoraBand band) => Assert.Equal(band, DoraMetrics.LeadTimeBand(TimeSpan.FromDays(medianDays)));

    [Fact]
    public void A_failed_deployment_then_a_fix_counts_one_failure_and_recovers_at_the_fix()
    {
        // Mon 10:00 ok; Tue 10:00 failed; Tue 11:00 failed again; Tue 13:30 ok (the fix); Wed 10:00 ok.
        var deployments = new[]
        {
            Prod(Monday.AddHours(10), ok: true),
            Prod(Monday.AddDays(1).AddHours(10), ok: false),
            Prod(Monday.AddDays(1).AddHours(11), ok: false),
            Prod(Monday.AddDays(1).AddHours(13.5), ok: true),
            Prod(Monday.AddDays(2).AddHours(10), ok: true),
        };

        var report = DoraMetrics.Compute(Monday, NextMonday, deployments, [], [], IncidentWindow);

        Assert.Equal(3, report.Deployments);                  // successful ones
        Assert.Equal(2, report.FailedDeployments);
        Assert.Equal(2.0 / 5, report.ChangeFailureRate);      // over all five attempts
        Assert.Equal(1, report.RecoveryTime.Count);           // one failing streak
        Assert.Equal(TimeSpan.FromHours(3.5), report.RecoveryTime.Median);  // from the first failure to the fix
    }

    [Fact]
    public void A_deployment_undone_by_a_rollback_is_a_failure_the_rollback_is_not()
    {
        var deployments = new[]
        {
            Prod(Monday.AddHours(10), ok: true),
            Prod(Monday.AddHours(12), ok: true),                       // rolled back below
            Prod(Monday.AddHours(12.5), ok: true, rollback: true),
            Prod(Monday.AddDays(1), ok: true),
        };

        var report = DoraMetrics.Compute(Monday, NextMonday, deployments, [], [], IncidentWindow);

        Assert.Equal(1, report.FailedDeployments);
        Assert.Equal(0.25, report.ChangeFailureRate);
    }

    [Fact]
    public void An_incident_within_the_window_after_a_deployment_makes_it_a_failure_and_recovers_when_resolved()
    {
        var deployments = new[] { Prod(Monday.AddHours(10), ok: true), Prod(Monday.AddDays(3).AddHours(10), ok: true) };
        var incidents = new[]
        {
            new DoraIncident(Monday.AddHours(20), Monday.AddHours(22)),          // 10 h after the first: within 24 h
            new DoraIncident(Monday.AddDays(5), Monday.AddDays(5).AddHours(1)), // 2 days after the second: outside
        };

        var report = DoraMetrics.Compute(Monday, NextMonday, deployments, [], incidents, IncidentWindow);

        Assert.Equal(1, report.FailedDeployments);
        Assert.Equal(0.5, report.ChangeFailureRate);
        Assert.Equal(2, report.RecoveryTime.Count);
        Assert.Equal(TimeSpan.FromHours(1), report.RecoveryTime.Median);   // nearest rank of [1 h, 2 h]
        Assert.Equal(TimeSpan.FromHours(2), report.RecoveryTime.P90);
    }

    [Fact]
    public void Lead_time_is_summarised_with_median_p75_p90_by_nearest_rank()
    {
        var leadTimes = new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }.Select(h => TimeSpan.FromHours(h)).ToList();

        var report = DoraMetrics.Compute(Monday, NextMonday, [], leadTimes, [], IncidentWindow);

        Assert.Equal(new DurationSummary(10, TimeSpan.FromHours(5), TimeSpan.FromHours(8), TimeSpan.FromHours(9)), report.LeadTime);
        Assert.Equal(DoraBand.Elite, report.LeadTimeBand);
        Assert.Null(report.ChangeFailureRate);                       // no deployments: undefined, not 0
        Assert.Equal(DoraBand.Low, report.DeploymentFrequencyBand);
    }

    [Fact]
    public void Deployments_outside_the_window_count_only_as_context()
    {
        // Failed on Sunday before the window, fixed Monday 02:00: the recovery started before the window, so it is not counted.
        var deployments = new[] { Prod(Monday.AddHours(-3), ok: false), Prod(Monday.AddHours(2), ok: true) };

        var report = DoraMetrics.Compute(Monday, NextMonday, deployments, [], [], IncidentWindow);

        Assert.Equal(1, report.Deployments);
        Assert.Equal(0, report.FailedDeployments);
        Assert.Equal(0, report.RecoveryTime.Count);
    }

    [Fact]
    public void Two_production_environments_recover_independently()
    {
        var deployments = new[]
        {
            Prod(Monday.AddHours(10), ok: false, environment: "prod-eu"),
            Prod(Monday.AddHours(11), ok: true, environment: "prod-us"),
            Prod(Monday.AddHours(14), ok: true, environment: "prod-eu"),
        };

        var report = DoraMetrics.Compute(Monday, NextMonday, deployments, [], [], IncidentWindow);

        Assert.Equal(TimeSpan.FromHours(4), Assert.IsType<TimeSpan>(report.RecoveryTime.Median));
        Assert.Equal(1, report.RecoveryTime.Count);
    }

    private static DoraDeployment Prod(DateTimeOffset finished, bool ok, bool rollback = false, string environment = "production") =>
        new(environment, finished, ok, rollback);
}
