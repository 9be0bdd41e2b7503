using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;
using Span = FlowCollector.Domain.Tests.ValueStream.DeploymentStagesTests.Span;
using Totals = FlowCollector.Domain.Tests.ValueStream.DeploymentStagesTests.Totals;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Which runs on a merge commit are CI (docs/metrics.md, "CI", issue 14 items 1 and 2): a GitHub Deploy workflow beside
/// CI, an Azure DevOps multi-stage run whose deploy stages follow its Build stage, re-run CI. Times are minutes after
/// Monday 09:00; every expected number was worked out by hand.
/// </summary>
/// <remarks>
/// Every row starts from <see cref="Reviewed"/>: first commit 0, opened 60, approved 90, merged 120 (m1): coding 3600,
/// pickup 1800, review 0, merge 1800 seconds.
/// </remarks>
public sealed class CiAndDeploymentRunsTests
{
    private static readonly ValueStreamDefinition ProductionOnly = ValueStreamDefinition.Default();
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);

    private static readonly FlowEvent[] Reviewed = [Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120)];

    private static readonly Span[] ReviewedSpans = [S("coding", 3600), S("pickup", 1800), S("review", 0), S("merge", 1800)];

    /// <summary>CI (r1) runs 125–140; the Deploy workflow (r2) was queued at 121, started at 122 and drives both deployments.</summary>
    private static readonly FlowEvent[] CiBesideDeployWorkflow =
    [
        .. Reviewed,
        RunQueued(121, "r1", pipeline: "CI"), RunStarted(125, "r1", pipeline: "CI"), RunFinished(140, "success", "r1", pipeline: "CI"),
        RunQueued(121, "r2", pipeline: "Deploy"), RunStarted(122, "r2", pipeline: "Deploy"),
        .. ByRun("r2", Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"])),
    ];

    private static readonly Span[] CiSpans = [.. ReviewedSpans, S("ci_queue", 300), S("ci", 900), S("release_wait", 600), S("deploy:staging", 600)];

    /// <summary>One Azure DevOps run (r1, "web"): Build 122–140, Deploy_Staging 141–160, Deploy_Prod from 161 behind an approval until 229.</summary>
    private static readonly FlowEvent[] YamlRunUpToProduction =
    [
        .. Reviewed,
        RunQueued(121, "r1", pipeline: "web"), RunStarted(122, "r1", pipeline: "web"),
        .. StageOf("r1", "Build", 122, 140, "success"),
        .. StageOf("r1", "Build/job/Build", 123, 140, "success"),
        .. StageOf("r1", "Deploy_Staging", 141, 160, "success", deploys: true),
        .. StageOf("r1", "Deploy_Prod", 161, null, null, deploys: true),
        .. StageOf("r1", "Deploy_Prod/approval", 161, 229, "success", kind: StageKind.Wait),
        .. Deploy("d1", "staging", started: 150, finished: 160, includes: ["m1"]),
    ];

    private static readonly Span[] YamlSpans = [.. ReviewedSpans, S("ci_queue", 120), S("ci", 1080), S("release_wait", 600), S("deploy:staging", 600)];

    public static TheoryData<string, FlowEvent[], ValueStreamDefinition, Span[], Totals> Cases => new()
    {
        {
            "GitHub: a Deploy workflow beside CI, successful: its run is not CI, so ci ends when CI went green and the deploy stages get their time",
            [
                .. CiBesideDeployWorkflow,
                .. ByRun("r2", Deploy("d2", "production", queued: 200, started: 230, finished: 240, includes: ["m1"])),
                RunFinished(245, "success", "r2", pipeline: "Deploy"),
            ],
            StagingThenProduction,
            [.. CiSpans, S("promotion_wait:production", 4200), S("deploy:production", 600)],
            new Totals(Arrived: 240, Flow: 14400, Process: 5700, Wait: 8700, Lead: 14400)
        },
        {
            "GitHub: the Deploy workflow failed in production: CI still passed, production was tried at 230 and not reached",
            [
                .. CiBesideDeployWorkflow,
                .. ByRun("r2", Deploy("d2", "production", queued: 200, started: 230, finished: 240, result: "failure", includes: ["m1"])),
                RunFinished(245, "failure", "r2", pipeline: "Deploy"),
            ],
            StagingThenProduction,
            [.. CiSpans, S("promotion_wait:production", 4200)],
            new Totals(Arrived: null, Flow: 13800, Process: 5100, Wait: 8700, Lead: null)
        },
        {
            "GitHub: the Deploy workflow waits for the production approval: staging is delivered, production not started",
            [.. CiBesideDeployWorkflow, .. ByRun("r2", Deploy("d2", "production", queued: 200, started: null, finished: null, includes: ["m1"]))],
            StagingThenProduction,
            CiSpans,
            new Totals(Arrived: null, Flow: 9600, Process: 5100, Wait: 4500, Lead: null)
        },
        {
            "GitHub: the run is marked deploying by its own events (replayed from state), its deployment no longer known",
            [
                .. Reviewed,
                RunStarted(125, "r1", pipeline: "CI"), RunFinished(140, "success", "r1", pipeline: "CI"),
                RunStarted(122, "r2", pipeline: "Deploy") with { Deploys = true }, RunFinished(300, "failure", "r2", pipeline: "Deploy") with { Deploys = true },
                .. Deploy("d1", "production", started: 150, finished: 160, includes: ["m1"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("ci_queue", 300), S("ci", 900), S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 160, Flow: 9600, Process: 5100, Wait: 4500, Lead: 9600)
        },
        {
            "re-run CI: ci_queue ends when the first attempt started, ci when the re-run went green (the failed attempt is CI work)",
            [
                .. Reviewed,
                RunQueued(121, "r1", 1, "CI"), RunStarted(125, "r1", 1, "CI"), RunFinished(135, "failure", "r1", 1, "CI"),
                RunStarted(150, "r1", 2, "CI"), RunFinished(160, "success", "r1", 2, "CI"),
                .. Deploy("d1", "production", started: 170, finished: 180, includes: ["m1"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("ci_queue", 300), S("ci", 2100), S("release_wait", 600), S("deploy:production", 600)],
            new Totals(Arrived: 180, Flow: 10800, Process: 6300, Wait: 4500, Lead: 10800)
        },
        {
            "Azure DevOps: Build passed, Deploy_Prod waits for its approval: ci ends with Build, not with the run",
            YamlRunUpToProduction,
            StagingThenProduction,
            YamlSpans,
            new Totals(Arrived: null, Flow: 9600, Process: 5280, Wait: 4320, Lead: null)
        },
        {
            "Azure DevOps: Build passed and Deploy_Prod failed (the run failed): CI still passed, production tried at 230",
            [
                .. YamlRunUpToProduction,
                .. StageOf("r1", "Deploy_Prod", 161, 240, "failure", deploys: true),
                RunFinished(240, "failure", "r1", pipeline: "web"),
                .. Deploy("d2", "production", started: 230, finished: 240, result: "failure", includes: ["m1"]),
            ],
            StagingThenProduction,
            [.. YamlSpans, S("promotion_wait:production", 4200)],
            new Totals(Arrived: null, Flow: 13800, Process: 5280, Wait: 8520, Lead: null)
        },
        {
            "Azure DevOps: the whole run succeeded: ci, release_wait, both deploys and the approval's promotion_wait",
            [
                .. YamlRunUpToProduction,
                .. StageOf("r1", "Deploy_Prod", 161, 240, "success", deploys: true),
                RunFinished(240, "success", "r1", pipeline: "web"),
                .. Deploy("d2", "production", started: 230, finished: 240, includes: ["m1"]),
            ],
            StagingThenProduction,
            [.. YamlSpans, S("promotion_wait:production", 4200), S("deploy:production", 600)],
            new Totals(Arrived: 240, Flow: 14400, Process: 5880, Wait: 8520, Lead: 14400)
        },
        {
            "Azure DevOps: the Build stage failed: no CI part succeeded, so ci is absent",
            [
                .. Reviewed,
                RunStarted(122, "r1", pipeline: "web"), RunFinished(140, "failure", "r1", pipeline: "web"),
                .. StageOf("r1", "Build", 122, 140, "failure"),
                .. Deploy("d1", "production", started: 200, finished: 210, sha: "m2", includes: ["m1", "m2"]),
            ],
            ProductionOnly,
            [.. ReviewedSpans, S("ci_queue", 120), S("release_wait", 4680), S("deploy:production", 600)],
            new Totals(Arrived: 210, Flow: 12600, Process: 4200, Wait: 8400, Lead: 12600)
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ci_is_the_runs_and_stages_before_the_first_deployment(string scenario, FlowEvent[] events, ValueStreamDefinition stream, Span[] spans, Totals totals)
    {
        foreach (var order in new[] { events, [.. Enumerable.Reverse(events)], [.. events, .. events] })
        {
            var timeline = TimelineOf42(Flow(order, stream))!;

            Assert.True(spans.SequenceEqual(Spans(timeline)), $"{scenario}:{Environment.NewLine}  expected {Show(spans)}{Environment.NewLine}  actual   {Show(Spans(timeline))}");
            Assert.Equal(totals, Totals(timeline));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Replaying_the_kept_events_gives_the_same_stages(string scenario, FlowEvent[] events, ValueStreamDefinition stream, Span[] spans, Totals totals)
    {
        var pending = Assert.Single(Flow(events, stream).PendingChanges(DateTimeOffset.MinValue));

        var replayed = TimelineOf42(Flow(pending.Events, stream))!;

        Assert.True(spans.SequenceEqual(Spans(replayed)), scenario);
        Assert.Equal(totals, Totals(replayed));
    }

    [Fact]
    public void A_run_whose_deployment_went_to_an_untracked_environment_stays_a_deployment_run_after_replay()
    {
        FlowEvent[] events =
        [
            .. Reviewed,
            RunStarted(125, "r1", pipeline: "CI"), RunFinished(140, "success", "r1", pipeline: "CI"),
            RunStarted(122, "r2", pipeline: "Preview"), RunFinished(400, "success", "r2", pipeline: "Preview"),
            .. ByRun("r2", Deploy("p1", "preview", started: 130, finished: 135, includes: ["m1"])),
        ];
        var pending = Assert.Single(Flow(events).PendingChanges(DateTimeOffset.MinValue));

        var replayed = TimelineOf42(Flow(pending.Events))!;

        Assert.DoesNotContain(pending.Events, e => e.SubjectId == "p1");
        Assert.Equal([S("ci_queue", 300), S("ci", 900)], Spans(replayed).Skip(4));
    }

    [Fact]
    public void Named_ci_workflows_replace_the_default()
    {
        var lint = new[] { RunStarted(124, "r3", pipeline: "Lint"), RunFinished(200, "success", "r3", pipeline: "Lint") };
        FlowEvent[] events =
        [
            .. CiBesideDeployWorkflow,
            .. lint,
            .. ByRun("r2", Deploy("d2", "production", queued: 200, started: 230, finished: 240, includes: ["m1"])),
        ];
        var named = new ValueStreamDefinition(StagingThenProduction.Stages, StagingThenProduction.EnvironmentPath, [.. StagingThenProduction.ProductionEnvironments])
        {
            Ci = new CiPipelines(["c?"]),
        };

        var byDefault = Spans(TimelineOf42(Flow(events, StagingThenProduction))!);
        var byName = Spans(TimelineOf42(Flow(events, named))!);

        // Default: Lint is CI too (started 124, green 200), so ci_queue ends at 124 and ci at 200, after staging deployed.
        Assert.Equal([S("ci_queue", 240), S("ci", 4560), Clamped("release_wait"), Clamped("deploy:staging")], byDefault.Skip(4).Take(4));
        Assert.Equal([.. CiSpans, S("promotion_wait:production", 4200), S("deploy:production", 600)], byName);

        // The change point counts its clamped spans — release_wait and deploy:staging by default, none by name — which the
        // health board's "Negative spans clamped" sums.
        Assert.Equal(2, Assert.Single(ChangePoints.From(TimelineOf42(Flow(events, StagingThenProduction))!)).Field(FlowSchema.Fields.ClampedStages)!.Value.AsInteger);
        Assert.Equal(0, Assert.Single(ChangePoints.From(TimelineOf42(Flow(events, named))!)).Field(FlowSchema.Fields.ClampedStages)!.Value.AsInteger);
    }

    [Fact]
    public void A_named_ci_workflow_that_deploys_still_counts_whole()
    {
        FlowEvent[] events =
        [
            .. Reviewed,
            RunStarted(125, "r1", pipeline: "CI/CD"), RunFinished(145, "success", "r1", pipeline: "CI/CD"),
            .. ByRun("r1", Deploy("d1", "production", started: 140, finished: 145, includes: ["m1"])),
        ];
        var named = new ValueStreamDefinition(ProductionOnly.Stages, ProductionOnly.EnvironmentPath, [.. ProductionOnly.ProductionEnvironments]) { Ci = new CiPipelines(["ci/cd"]) };

        // By default the run deploys, so it is no CI: no ci_queue, no ci, and the release waits from the merge.
        Assert.Equal([S("release_wait", 1200), S("deploy:production", 300)], Spans(TimelineOf42(Flow(events))!).Skip(4));
        Assert.Equal([S("ci_queue", 300), S("ci", 1200), Clamped("release_wait"), S("deploy:production", 0)], Spans(TimelineOf42(Flow(events, named))!).Skip(4));
    }

    [Fact]
    public void A_provisional_deployment_gives_its_stages_until_the_record_of_the_same_run_and_stage_replaces_it()
    {
        // While r1 waits at Deploy_Prod, its Deploy_Staging stage (141–160, job from 150) stands in for the record.
        var standIn = Deploy("r1/Deploy_Staging/1", "staging", queued: 141, started: 150, finished: 160, includes: ["m1"])
            .Select(e => e with { RunId = "r1", Stage = "Deploy_Staging", Provisional = true }).ToArray();
        var running = Flow([.. YamlRunUpToProduction.Where(e => e.SubjectId != "d1"), .. standIn], StagingThenProduction);

        Assert.Equal(YamlSpans, Spans(TimelineOf42(running)!));
        Assert.Empty(running.FinishedDeployments());

        // The run finished: its record (another id, job 151–159) replaces the stand-in, also when replayed from state.
        var record = Deploy("1001", "staging", queued: 141, started: 151, finished: 159, includes: ["m1"])
            .Select(e => e with { RunId = "r1", Stage = "Deploy_Staging" }).ToArray();
        var pending = Assert.Single(running.PendingChanges(DateTimeOffset.MinValue));
        var finished = Flow([.. pending.Events, .. record], StagingThenProduction);

        Assert.Equal([.. YamlSpans[..^2], S("release_wait", 660), S("deploy:staging", 480)], Spans(TimelineOf42(finished)!));
        Assert.Equal(["1001"], finished.FinishedDeployments().Select(d => d.Deployment.DeploymentId));
        Assert.DoesNotContain(Assert.Single(finished.PendingChanges(DateTimeOffset.MinValue)).Events, e => e.Provisional);
    }

    private static IEnumerable<FlowEvent> ByRun(string run, IEnumerable<FlowEvent> deployment) => deployment.Select(e => e with { RunId = run });

    private static FlowEvent[] StageOf(string run, string stage, double started, double? finished, string? result, bool deploys = false, StageKind kind = StageKind.Process)
    {
        var start = RunStarted(started, run, pipeline: "web") with { Kind = FlowEventKind.StageStarted, Stage = stage, StageKind = kind, Deploys = deploys };
        return finished is { } f
            ? [start, start with { Kind = FlowEventKind.StageFinished, OccurredAt = Monday9.AddMinutes(f), Result = result }]
            : [start];
    }

    private static Span[] Spans(ChangeTimeline timeline) => [.. timeline.Spans.Select(s => new Span(s.Stage.Name, s.Duration.TotalSeconds, s.Clamped))];

    private static Totals Totals(ChangeTimeline timeline) => new(
        (timeline.Arrived - Monday9)?.TotalMinutes,
        timeline.FlowTime.TotalSeconds,
        timeline.ProcessTime.TotalSeconds,
        timeline.WaitTime.TotalSeconds,
        timeline.LeadTime?.TotalSeconds);

    private static string Show(IEnumerable<Span> spans) =>
        "[" + string.Join(", ", spans.Select(s => $"{s.Stage} {s.Seconds}{(s.Clamped ? " (clamped)" : "")}")) + "]";

    private static Span S(string stage, double seconds) => new(stage, seconds);

    private static Span Clamped(string stage) => new(stage, 0, Clamped: true);
}
