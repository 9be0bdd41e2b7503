using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// The deployment rows of the stages table (docs/metrics.md), folded through <see cref="RepositoryFlow"/> the way the
/// Worker does. Times are minutes after Monday 09:00; every expected number was worked out by hand.
/// </summary>
/// <remarks>
/// Most rows start from <see cref="Reviewed"/>: first commit 0, opened 60, approved 90, merged 120 (merge SHA m1),
/// CI started 125 and green 140. Up to 140 that is coding 3600 + review 0 + ci 900 = 4500 s of process and
/// pickup 1800 + merge 1800 + ci_queue 300 = 3900 s of wait.
/// </remarks>
public sealed class DeploymentStagesTests
{
    private static readonly ValueStreamDefinition ProductionOnly = ValueStreamDefinition.Default();
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);
    private static readonly ValueStreamDefinition TwoRegions = ValueStreamDefinition.Default(["staging", "prod-eu", "prod-us"], ["prod-eu", "prod-us"]);
    private static readonly ValueStreamDefinition ParallelRegions = ValueStreamDefinition.Default(["prod-eu", "prod-us"], ["prod-eu", "prod-us"]);

    private static readonly FlowEvent[] Reviewed =
        [Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120), RunStarted(125), RunFinished(140, "success")];

    private static readonly Span[] ReviewedSpans =
        [S("coding", 3600), S("pickup", 1800), S("review", 0), S("merge", 1800), S("ci_queue", 300), S("ci", 900)];

    private static readonly FlowEvent[] StagingAndProduction =
    [
        .. Reviewed,
        .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["c1", "m1"]),
        .. Deploy("d2", "production", queued: 200, started: 230, finished: 240, includes: ["c1", "m1"]),
    ];

    public static TheoryData<string, FlowEvent[], ValueStreamDefinition, Span[], Totals> Cases => new()
    {
        {
            "deployed to staging only: release_wait and deploy:staging, not arrived, flow time to the last known stage",
            [.. Reviewed, .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"])],
            StagingThenProduction,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:staging", 600)],
            new Totals(Arrived: null, Flow: 9600, Process: 5100, Wait: 4500, Lead: null)
        },
        {
            "staging then production: promotion_wait runs from staging's end to production's start (its approval included)",
            StagingAndProduction,
            StagingThenProduction,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:staging", 600), S("promotion_wait:production", 4200), S("deploy:production", 600)],
            new Totals(Arrived: 240, Flow: 14400, Process: 5700, Wait: 8700, Lead: 14400)
        },
        {
            "events in reverse order and every one seen twice: same as in order",
            [.. Enumerable.Reverse(StagingAndProduction), .. StagingAndProduction],
            StagingThenProduction,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:staging", 600), S("promotion_wait:production", 4200), S("deploy:production", 600)],
            new Totals(Arrived: 240, Flow: 14400, Process: 5700, Wait: 8700, Lead: 14400)
        },
        {
            "failed production deploy, then a fix deployment: release_wait ends at the failed attempt, deploy runs to the fix's success",
            [
                .. Reviewed,
                .. Deploy("d1", "production", started: 150, finished: 160, result: "failure", includes: ["m1"]),
                .. Deploy("d2", "production", started: 200, finished: 215, sha: "m2", includes: ["m1", "m2"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 3900)],
            new Totals(Arrived: 215, Flow: 12900, Process: 8400, Wait: 4500, Lead: 12900)
        },
        {
            "only a failed deployment: release_wait ends at it, deploy is absent and the change has not arrived",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, result: "failure", includes: ["m1"])],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600)],
            new Totals(Arrived: null, Flow: 9000, Process: 4500, Wait: 4500, Lead: null)
        },
        {
            "rollback to the change's own SHA after a later release: flagged, carries nothing, the arrival stays",
            [
                .. Reviewed,
                .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"]),
                .. Deploy("d2", "production", started: 300, finished: 310, sha: "m2", includes: ["m2"]),
                .. Deploy("d3", "production", started: 320, finished: 325, sha: "m1", comparison: DeploymentComparison.Behind),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "a rollback is never the deployment that delivers a change, even one whose SHA it deploys",
            [
                .. Reviewed,
                .. Deploy("d3", "production", started: 150, finished: 155, sha: "m1", comparison: DeploymentComparison.Behind),
                .. Deploy("d4", "production", started: 170, finished: 180, sha: "m3", includes: ["m1", "m3"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 1800), S("deploy:production", 600)],
            new Totals(Arrived: 180, Flow: 10800, Process: 5100, Wait: 5700, Lead: 10800)
        },
        {
            "redeploy of the same SHA: flagged, carries nothing, the first deployment stays the arrival",
            [
                .. Reviewed,
                .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"]),
                .. Deploy("d2", "production", started: 300, finished: 310, comparison: DeploymentComparison.Identical),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "two production environments: arrival at the first, the second's stages still written, flow only up to the arrival",
            [
                .. Reviewed,
                .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"]),
                .. Deploy("d2", "prod-eu", started: 200, finished: 210, includes: ["m1"]),
                .. Deploy("d3", "prod-us", queued: 215, started: 300, finished: 320, includes: ["m1"]),
            ],
            TwoRegions,
            [
                .. ReviewedSpans, S("release_wait", 600), S("deploy:staging", 600),
                S("promotion_wait:prod-eu", 2400), S("deploy:prod-eu", 600), S("promotion_wait:prod-us", 5400), S("deploy:prod-us", 1200),
            ],
            new Totals(Arrived: 210, Flow: 12600, Process: 5700, Wait: 6900, Lead: 12600)
        },
        {
            "parallel regions, the later one in the path finishes first: the arrival cuts deploy:prod-eu at prod-us's end",
            [
                .. Reviewed,
                .. Deploy("d1", "prod-eu", started: 150, finished: 200, includes: ["m1"]),
                .. Deploy("d2", "prod-us", started: 155, finished: 170, includes: ["m1"]),
            ],
            ParallelRegions,
            // deploy:prod-eu 150→200 counts 150→170 (1200 s) towards the process time; the prod-us stages are clamped.
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:prod-eu", 3000), Clamped("promotion_wait:prod-us"), Clamped("deploy:prod-us")],
            new Totals(Arrived: 170, Flow: 10200, Process: 5700, Wait: 4500, Lead: 10200)
        },
        {
            "squash merge: the merge SHA is in the change set although another head was deployed",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, sha: "m7", includes: ["m1", "m7"])],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "rebase merge: only the pull request's own commits are in the change set",
            [.. Reviewed, Commit(30, "c2"), .. Deploy("d1", "production", started: 150, finished: 160, sha: "x9", includes: ["c1", "c2", "x9"])],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "merge commit: the merge commit and the pull request's commits are all in the change set",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, includes: ["c1", "m1"])],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "no change set reported: the deployed SHA alone is matched against the merge commit",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160)],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "a deployment carrying none of the change's SHAs ends nothing",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, sha: "x9", includes: ["x8", "x9"])],
            ProductionOnly,
            ReviewedSpans,
            new Totals(Arrived: null, Flow: 8400, Process: 4500, Wait: 3900, Lead: null)
        },
        {
            "CI never ran: release_wait runs from the merge to the deployment's start",
            [Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120), .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"])],
            ProductionOnly,
            [S("coding", 3600), S("pickup", 1800), S("review", 0), S("merge", 1800), S("release_wait", 1800), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 4200, Wait: 5400, Lead: 9600)
        },
        {
            "direct push deployed: attributed by its pushed commits like a pull request",
            [
                Commit(0, "c1"), Commit(30, "c2"), Pushed(90), RunStarted(95), RunFinished(110, "success"),
                .. Deploy("d1", "production", started: 120, finished: 130, sha: "x9", includes: ["c1", "c2", "x9"]),
            ],
            ProductionOnly,
            [S("coding", 5400), S("ci_queue", 300), S("ci", 900), S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 130, Flow: 7800, Process: 6900, Wait: 900, Lead: 7800)
        },
        {
            "staging skipped: without a staging deployment the wait until production is promotion_wait:production",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"])],
            StagingThenProduction,
            [.. ReviewedSpans, S("promotion_wait:production", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "a deployment still running ends release_wait; deploy waits for its end",
            [.. Reviewed, .. Deploy("d1", "production", started: 150, finished: null, includes: ["m1"])],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600)],
            new Totals(Arrived: null, Flow: 9000, Process: 4500, Wait: 4500, Lead: null)
        },
        {
            "a deployment only queued (waiting for an approval) has not started: nothing ends yet",
            [.. Reviewed, .. Deploy("d1", "production", queued: 150, started: null, finished: null, includes: ["m1"])],
            ProductionOnly,
            ReviewedSpans,
            new Totals(Arrived: null, Flow: 8400, Process: 4500, Wait: 3900, Lead: null)
        },
        {
            "a deployment that never reported in_progress started when it was created",
            [.. Reviewed, .. Deploy("d1", "production", queued: 150, started: null, finished: 160, includes: ["m1"])],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "a deployment that ended before the merge (a branch deploy of the pull request head) cannot carry it",
            [
                .. Reviewed,
                .. Deploy("d0", "production", started: 100, finished: 110, sha: "c1"),
                .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "environments outside the path are ignored; environment names are case-insensitive",
            [
                .. Reviewed,
                .. Deploy("d0", "pr-preview", started: 142, finished: 145, includes: ["m1"]),
                .. Deploy("d1", "Production", started: 150, finished: 160, includes: ["m1"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "two successful deployments carry the change (a baseline outside the window): the first to finish delivers it",
            [
                .. Reviewed,
                .. Deploy("d2", "production", started: 170, finished: 175, sha: "m2", includes: ["m1", "m2"]),
                .. Deploy("d1", "production", started: 150, finished: 180, includes: ["m1"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("release_wait", 600), S("deploy:production", 1500)],
            new Totals(Arrived: 175, Flow: 10500, Process: 6000, Wait: 4500, Lead: 10500)
        },
        {
            "linked work item: flow time starts at the demand, lead time at the first commit",
            [WorkItemCreated(-60), .. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"])],
            ProductionOnly,
            [S("backlog", 3600), .. ReviewedSpans, S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 13200, Process: 5100, Wait: 8100, Lead: 9600)
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deployment_stages_arrival_and_totals_follow_the_table(string scenario, FlowEvent[] events, ValueStreamDefinition stream, Span[] spans, Totals totals)
    {
        var timeline = TimelineOf42(Flow(events, stream))!;

        var actualSpans = timeline.Spans.Select(s => new Span(s.Stage.Name, s.Duration.TotalSeconds, s.Clamped)).ToArray();
        var actualTotals = new Totals(
            (timeline.Arrived - Monday9)?.TotalMinutes,
            timeline.FlowTime.TotalSeconds,
            timeline.ProcessTime.TotalSeconds,
            timeline.WaitTime.TotalSeconds,
            timeline.LeadTime?.TotalSeconds);
        Assert.True(spans.SequenceEqual(actualSpans), $"{scenario}:{Environment.NewLine}  expected {Show(spans)}{Environment.NewLine}  actual   {Show(actualSpans)}");
        Assert.True(totals == actualTotals, $"{scenario}:{Environment.NewLine}  expected {totals}{Environment.NewLine}  actual   {actualTotals}");
        Assert.Equal(timeline.FlowTime, timeline.ProcessTime + timeline.WaitTime);
    }

    [Fact]
    public void Two_production_environments_keep_a_lead_time_per_environment_and_complete_at_the_last()
    {
        var timeline = TimelineOf42(Flow(
            [
                .. Reviewed,
                .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"]),
                .. Deploy("d2", "prod-eu", started: 200, finished: 210, includes: ["m1"]),
                .. Deploy("d3", "prod-us", started: 300, finished: 320, includes: ["m1"]),
            ],
            TwoRegions))!;

        Assert.Equal("prod-eu", timeline.ArrivalEnvironment);
        Assert.Equal(
            [("prod-eu", 12600.0), ("prod-us", 19200.0), ("staging", 9600.0)],
            timeline.EnvironmentLeadTimes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.TotalSeconds)));
        Assert.Equal(Monday9.AddMinutes(320), timeline.Completed);
        Assert.Equal(5700.0 / 12600.0, timeline.FlowEfficiency);
    }

    [Fact]
    public void A_change_that_reached_only_the_first_production_environment_has_arrived_but_is_not_complete()
    {
        var timeline = TimelineOf42(Flow([.. Reviewed, .. Deploy("d2", "prod-eu", started: 200, finished: 210, includes: ["m1"])], TwoRegions))!;

        Assert.Equal(Monday9.AddMinutes(210), timeline.Arrived);
        Assert.Null(timeline.Completed);
    }

    [Fact]
    public void A_batch_deployment_delivers_three_changes_at_once()
    {
        var flow = Flow(
        [
            .. OfChange("41", "m41", Commit(-30, "c41"), Opened(10), Merged(100)),
            .. Reviewed,
            .. OfChange("43", "m43", Commit(50, "c43"), Opened(70), Merged(130)),
            .. Deploy("d1", "production", started: 150, finished: 160, sha: "m43", includes: ["m41", "c41", "m1", "c1", "m43", "c43"]),
        ]);

        var deployment = Assert.Single(flow.FinishedDeployments());
        var timelines = flow.MergedTimelines();

        Assert.Equal(["41", "42", "43"], deployment.ChangeIds);
        Assert.All(timelines, t => Assert.Equal(Monday9.AddMinutes(160), t.Arrived));
        Assert.Equal([190 * 60.0, 160 * 60.0, 110 * 60.0], timelines.Select(t => t.LeadTime!.Value.TotalSeconds));
    }

    [Theory]
    [InlineData(DeploymentComparison.Behind, true, false)]
    [InlineData(DeploymentComparison.Identical, false, true)]
    public void Rollbacks_and_redeploys_are_flagged_and_carry_no_changes(DeploymentComparison comparison, bool rollback, bool redeploy)
    {
        var flow = Flow([.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"], comparison: comparison)]);

        var deployment = Assert.Single(flow.FinishedDeployments());

        Assert.Empty(deployment.ChangeIds);
        Assert.Equal(rollback, deployment.Deployment.IsRollback);
        Assert.Equal(redeploy, deployment.Deployment.IsRedeploy);
        Assert.Null(TimelineOf42(flow)!.Arrived);
    }

    [Fact]
    public void A_failed_deployment_carries_its_changes_but_does_not_deliver_them()
    {
        var flow = Flow([.. Reviewed, .. Deploy("d1", "production", started: 150, finished: 160, result: "failure", includes: ["m1"])]);

        var deployment = Assert.Single(flow.FinishedDeployments());

        Assert.Equal(["42"], deployment.ChangeIds);
        Assert.False(deployment.Deployment.Succeeded);
        Assert.Null(TimelineOf42(flow)!.Arrived);
    }

    [Fact]
    public void Finished_deployments_can_be_limited_to_the_window_read()
    {
        var flow = Flow(
        [
            .. Reviewed,
            .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"]),
            .. Deploy("d2", "production", started: 200, finished: 240, includes: ["m1"]),
            .. Deploy("d3", "production", started: 250, finished: null, includes: ["m1"]),
        ]);

        Assert.Equal(["d1", "d2"], flow.FinishedDeployments().Select(d => d.Deployment.DeploymentId));
        Assert.Equal(["d2"], flow.FinishedDeployments(Monday9.AddMinutes(240)).Select(d => d.Deployment.DeploymentId));
    }

    private static string Show(IEnumerable<Span> spans) =>
        "[" + string.Join(", ", spans.Select(s => $"{s.Stage} {s.Seconds}{(s.Clamped ? " (clamped)" : "")}")) + "]";

    private static Span S(string stage, double seconds) => new(stage, seconds);

    private static Span Clamped(string stage) => new(stage, 0, Clamped: true);

    /// <summary>One expected span: stage name, seconds, and whether it was clamped.</summary>
    public sealed record Span(string Stage, double Seconds, bool Clamped = false);

    /// <summary>Expected arrival (minutes after Monday 09:00) and totals (seconds).</summary>
    public sealed record Totals(double? Arrived, double Flow, double Process, double Wait, double? Lead);
}
