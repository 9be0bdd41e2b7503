using FlowCollector.Domain.Events;
using FlowCollector.Sources.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Builds, timelines and environment deployment records → events and deployments, as tables of hand-worked cases.</summary>
public sealed class AdoBuildAndDeploymentMappingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly RepositoryRef Repo = new("azuredevops", "contoso/Web", "checkout");

    [Theory]
    [InlineData("succeeded", "success")]
    [InlineData("succeededWithIssues", "success")]
    [InlineData("partiallySucceeded", "partially_succeeded")]
    [InlineData("failed", "failure")]
    [InlineData("canceled", "cancelled")]
    [InlineData("skipped", "skipped")]
    [InlineData("abandoned", "abandoned")]
    [InlineData(null, "unknown")]
    [InlineData("none", "unknown")]
    public void Results_are_normalised_to_the_engine_vocabulary(string? result, string expected) =>
        Assert.Equal(expected, AdoBuildEventMapper.NormaliseResult(result));

    // Each row: the job results of one stage attempt in one environment → the deployment's result.
    [Theory]
    [InlineData("succeeded", "succeeded")]
    [InlineData("succeeded,succeededWithIssues", "succeededWithIssues")]
    [InlineData("succeeded,failed", "failed")]
    [InlineData("canceled,succeeded", "canceled")]
    [InlineData("failed,canceled", "failed")]
    [InlineData("skipped", "skipped")]
    [InlineData("abandoned", "canceled")]
    public void Several_deployment_jobs_fold_into_one_result(string jobs, string expected) =>
        Assert.Equal(expected, AdoDeployments.Fold(jobs.Split(',')));

    [Theory]
    [InlineData(101, 105, DeploymentComparison.Ahead)]
    [InlineData(105, 105, DeploymentComparison.Identical)]
    [InlineData(105, 101, DeploymentComparison.Behind)]
    public void A_run_compares_with_the_previous_successful_run_by_id(int baseline, int run, DeploymentComparison expected) =>
        Assert.Equal(expected, AdoDeployments.Compare(baseline, run));

    [Fact]
    public void A_queued_build_has_only_its_queue_time_and_a_finished_one_all_three()
    {
        var queued = Build(status: "notStarted", started: null, finished: null, result: null);
        var done = Build(status: "completed", started: T0.AddMinutes(4), finished: T0.AddMinutes(10), result: "failed");

        var forQueued = AdoBuildEventMapper.MapRun(Repo, new AdoBuildSnapshot(queued, "u", [])).Select(e => e.Kind);
        var forDone = AdoBuildEventMapper.MapRun(Repo, new AdoBuildSnapshot(done, "u", [])).Select(e => (e.Kind, e.OccurredAt, e.Result, e.Pipeline, e.Sha, e.SubjectId)).ToList();

        Assert.Equal([FlowEventKind.RunQueued], forQueued);
        Assert.Equal(
            [
                (FlowEventKind.RunQueued, T0, (string?)null, (string?)"checkout-ci", (string?)"abc", "7"),
                (FlowEventKind.RunStarted, T0.AddMinutes(4), null, "checkout-ci", "abc", "7"),
                (FlowEventKind.RunFinished, T0.AddMinutes(10), "failure", "checkout-ci", "abc", "7"),
            ],
            forDone);
    }

    [Fact]
    public void A_re_run_of_failed_stages_reports_the_highest_stage_attempt()
    {
        AdoTimelineRecord[] timeline =
        [
            Record("s1", null, "Stage", "Build", 1, T0, T0.AddMinutes(5)),
            Record("s2", null, "Stage", "Deploy", 2, T0.AddMinutes(30), T0.AddMinutes(35)),
        ];

        var attempts = AdoBuildEventMapper.MapRun(Repo, new AdoBuildSnapshot(Build(), "u", timeline)).Select(e => e.Attempt).Distinct();

        Assert.Equal([2], attempts);
    }

    [Fact]
    public void The_timeline_gives_stages_jobs_checkpoints_and_approvals_but_not_tasks_or_skipped_stages()
    {
        AdoTimelineRecord[] timeline =
        [
            Record("s", null, "Stage", "Deploy_prod", 1, T0, T0.AddHours(3)),
            Record("c", "s", "Checkpoint", "Checkpoint", 1, T0, T0.AddHours(2)),
            Record("a", "c", "Checkpoint.Approval", "Checkpoint.Approval", 1, T0, T0.AddHours(2)),
            Record("p", "s", "Phase", "Deploy", 1, T0.AddHours(2), T0.AddHours(3)),
            Record("j", "p", "Job", "Deploy", 1, T0.AddHours(2).AddMinutes(1), T0.AddHours(3)),
            Record("t", "j", "Task", "Helm upgrade", 1, T0.AddHours(2).AddMinutes(2), T0.AddHours(3)),
            Record("x", null, "Stage", "Deploy_dr", 1, null, null) with { Result = "skipped" },
        ];

        var spans = AdoBuildEventMapper.MapTimeline(Repo, new AdoBuildSnapshot(Build(), "u", timeline))
            .GroupBy(e => $"{e.SubjectId}/{e.Stage} {e.StageKind}")
            .ToDictionary(g => g.Key, g => g.Max(e => e.OccurredAt) - g.Min(e => e.OccurredAt));

        // Stage events belong to the run (subject = build id); checkpoints are waiting, stages and jobs work.
        Assert.Equal(
            new Dictionary<string, TimeSpan>
            {
                ["7/Deploy_prod Process"] = TimeSpan.FromHours(3),
                ["7/Deploy_prod/checkpoint Wait"] = TimeSpan.FromHours(2),
                ["7/Deploy_prod/approval Wait"] = TimeSpan.FromHours(2),
                ["7/Deploy_prod/job/Deploy Process"] = TimeSpan.FromMinutes(59),
            },
            spans);
    }

    [Fact]
    public void Records_of_one_stage_attempt_fold_into_one_deployment_and_attempts_stay_apart()
    {
        AdoEnvironmentDeploymentRecord[] records =
        [
            DeploymentRecord(11, build: 7, "Deploy_prod", attempt: 1, "EU", T0, T0.AddMinutes(2), T0.AddMinutes(9), "succeeded"),
            DeploymentRecord(12, build: 7, "Deploy_prod", attempt: 1, "US", T0, T0.AddMinutes(3), T0.AddMinutes(12), "failed"),
            DeploymentRecord(20, build: 7, "Deploy_prod", attempt: 2, "US", T0.AddHours(1), T0.AddHours(1).AddMinutes(1), T0.AddHours(1).AddMinutes(8), "succeeded"),
        ];
        var builds = new Dictionary<int, AdoBuild> { [7] = Build() };

        var deployments = AdoDeployments.FromRecords(records, "production", builds, id => $"https://x/{id}");

        Assert.Equal(
            [
                ("11", 1, T0, T0.AddMinutes(2), (DateTimeOffset?)T0.AddMinutes(12), "failed"),
                ("20", 1, T0.AddHours(1), T0.AddHours(1).AddMinutes(1), (DateTimeOffset?)T0.AddHours(1).AddMinutes(8), "succeeded"),
            ],
            deployments.Select(d => (d.Id, d.Environment == "production" ? 1 : 0, d.Queued!.Value, d.Started!.Value, d.Finished, d.Result)));
        Assert.All(deployments, d => Assert.Equal(("abc", "checkout-ci", "https://x/7"), (d.Sha, d.Pipeline, d.Url)));
    }

    // Each row: the record's result → whether any event is written.
    [Theory]
    [InlineData("succeeded", true)]
    [InlineData("failed", true)]
    [InlineData("skipped", false)]
    [InlineData("canceled", false)]
    [InlineData("abandoned", false)]
    public void Skipped_and_cancelled_stages_are_no_deployments(string result, bool deployed)
    {
        var deployment = AdoDeployments.FromRecords([DeploymentRecord(11, 7, "Deploy_prod", 1, "Deploy", T0, T0.AddMinutes(1), T0.AddMinutes(5), result)], "production", new Dictionary<int, AdoBuild>(), _ => "u").Single();

        var events = AdoDeploymentEventMapper.Map(Repo, deployment, new AdoChangeSet(null, DeploymentComparison.Unknown, ["abc"])).ToList();

        Assert.Equal(deployed, events.Count > 0);
        Assert.True(!deployed || events.Count == 4, string.Join(", ", events.Select(e => e.Kind)));
    }

    [Fact]
    public void A_change_set_becomes_one_includes_event_per_commit_with_the_comparison_on_every_event()
    {
        var deployment = new AdoDeploymentSnapshot("11", "production", 7, 3, "checkout-cd", "Deploy_prod", "c3", T0, T0.AddMinutes(1), T0.AddMinutes(5), "succeeded", "u");

        var events = AdoDeploymentEventMapper.Map(Repo, deployment, new AdoChangeSet(5, DeploymentComparison.Ahead, ["c2", "c3"])).ToList();

        Assert.Equal(["c2", "c3"], events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes).Select(e => e.Sha));
        Assert.All(events, e => Assert.Equal((DeploymentComparison.Ahead, "production", "11"), (e.Comparison, e.Environment, e.SubjectId)));
        Assert.Equal("success", Assert.Single(events, e => e.Kind == FlowEventKind.DeploymentFinished).Result);
    }

    [Fact]
    public void Stage_names_map_to_environments_by_name_or_prefix_and_skipped_stages_are_left_out()
    {
        AdoTimelineRecord[] timeline =
        [
            Record("s1", null, "Stage", "Deploy_Prod_EU", 1, T0, T0.AddMinutes(30)),
            Record("p1", "s1", "Phase", "Deploy", 1, T0.AddMinutes(20), T0.AddMinutes(30)),
            Record("j1", "p1", "Job", "Deploy", 1, T0.AddMinutes(20), T0.AddMinutes(30)),
            Record("s2", null, "Stage", "Deploy_Prod_US", 1, null, null) with { Result = "skipped" },
            Record("s3", null, "Stage", "Smoke", 1, T0.AddMinutes(30), T0.AddMinutes(35)),
            Record("s4", null, "Stage", "QA", 1, T0, T0.AddMinutes(10)),
        ];
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["deploy_prod*"] = "production", ["QA"] = "qa" };

        var deployments = AdoDeployments.FromStages(new AdoBuildSnapshot(Build(), "u", timeline), map);

        Assert.Equal(
            [("7/Deploy_Prod_EU/1", "production", T0, T0.AddMinutes(20)), ("7/QA/1", "qa", T0, T0)],
            deployments.Select(d => (d.Id, d.Environment, d.Queued!.Value, d.Started!.Value)));
    }

    private static AdoBuild Build(string status = "completed", DateTimeOffset? started = null, DateTimeOffset? finished = null, string? result = "succeeded") => new()
    {
        Id = 7,
        Status = status,
        Result = result,
        QueueTime = T0,
        StartTime = started ?? (status == "notStarted" ? null : T0.AddMinutes(1)),
        FinishTime = finished ?? (status == "completed" ? T0.AddMinutes(10) : null),
        SourceVersion = "abc",
        Definition = new AdoDefinitionRef { Id = 3, Name = "checkout-ci" },
    };

    private static AdoTimelineRecord Record(string id, string? parent, string type, string name, int attempt, DateTimeOffset? start, DateTimeOffset? finish) => new()
    {
        Id = id,
        ParentId = parent,
        Type = type,
        Name = name,
        Identifier = type == "Stage" ? name : null,
        State = "completed",
        Result = "succeeded",
        StartTime = start,
        FinishTime = finish,
        Attempt = attempt,
    };

    private static AdoEnvironmentDeploymentRecord DeploymentRecord(long id, int build, string stage, int attempt, string job, DateTimeOffset queued, DateTimeOffset started, DateTimeOffset finished, string result) => new()
    {
        Id = id,
        EnvironmentId = 1,
        Owner = new AdoTaskOrchestrationOwner { Id = build, Name = "20250303.7" },
        Definition = new AdoTaskOrchestrationOwner { Id = 3, Name = "checkout-ci" },
        StageName = stage,
        StageAttempt = attempt,
        JobName = job,
        QueueTime = queued,
        StartTime = started,
        FinishTime = finished,
        Result = result,
    };
}
