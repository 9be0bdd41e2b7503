using FlowCollector.Sources.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>
/// Which stages of a run deploy (docs/azure-devops.md, "CI and deploying stages"), worked out by hand. The run (build 7 of
/// pipeline definition 3) has stages Build, Deploy_Staging and Deploy_Prod; a row names what else is known.
/// </summary>
public sealed class AdoDeployingStagesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, bool, string[], (int Build, int Definition, string Stage, string Environment)[], string[]> Cases => new()
    {
        { "nothing known: every stage counts as CI", false, [], [], [] },
        { "an approval below Deploy_Prod", true, [], [], ["Deploy_Prod"] },
        { "the run's own record names Deploy_Staging", false, [], [(7, 3, "Deploy_Staging", "staging")], ["Deploy_Staging"] },
        { "an earlier run of the same pipeline deployed from both stages", false, [], [(5, 3, "Deploy_Staging", "staging"), (5, 3, "deploy_prod", "production")], ["Deploy_Prod", "Deploy_Staging"] },
        { "another pipeline's records teach nothing", false, [], [(5, 4, "Deploy_Staging", "staging")], [] },
        { "StageEnvironments maps a prefix", false, ["Deploy_*"], [], ["Deploy_Prod", "Deploy_Staging"] },
        { "all of them together", true, ["Deploy_Staging"], [(6, 3, "Deploy_Staging", "staging")], ["Deploy_Prod", "Deploy_Staging"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deploying_stages_are_told_from_checkpoints_records_and_configuration(
        string scenario, bool approval, string[] mapped, (int Build, int Definition, string Stage, string Environment)[] records, string[] expected)
    {
        var stages = new AdoDeployingStages(mapped.ToDictionary(p => p, p => p.StartsWith("Deploy_S", StringComparison.Ordinal) ? "staging" : "anywhere", StringComparer.OrdinalIgnoreCase));
        foreach (var group in records.GroupBy(r => r.Environment))
        {
            stages.Learn(group.Select(r => new AdoEnvironmentDeploymentRecord { Id = r.Build * 10, Owner = new() { Id = r.Build }, Definition = new() { Id = r.Definition }, StageName = r.Stage }), group.Key);
        }

        var deploying = stages.Of(Run(approval));

        Assert.True(expected.SequenceEqual(deploying.Order(StringComparer.Ordinal)), $"{scenario}: {string.Join(", ", deploying)}");
    }

    [Fact]
    public void The_environment_of_a_stage_comes_from_configuration_first_then_from_the_latest_record()
    {
        var stages = new AdoDeployingStages(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Deploy_Prod"] = "prod-eu" });
        stages.Learn([new AdoEnvironmentDeploymentRecord { Id = 50, Owner = new() { Id = 5 }, Definition = new() { Id = 3 }, StageName = "Deploy_Staging", QueueTime = T0.AddDays(-9) }], "staging-old");
        stages.Learn([new AdoEnvironmentDeploymentRecord { Id = 90, Owner = new() { Id = 9 }, Definition = new() { Id = 3 }, StageName = "Deploy_Staging", QueueTime = T0.AddDays(-1) }], "staging-new");
        stages.Learn([new AdoEnvironmentDeploymentRecord { Id = 60, Owner = new() { Id = 6 }, Definition = new() { Id = 3 }, StageName = "Deploy_Staging", QueueTime = T0.AddDays(-5) }], "staging-mid");
        var run = Run(approval: false);

        Assert.Equal("staging-new", stages.EnvironmentOf(run, run.Timeline.Single(r => r.Type == "Stage" && r.Name == "Deploy_Staging")));
        Assert.Equal("prod-eu", stages.EnvironmentOf(run, run.Timeline.Single(r => r.Type == "Stage" && r.Name == "Deploy_Prod")));
        Assert.Null(stages.EnvironmentOf(run, run.Timeline.Single(r => r.Type == "Stage" && r.Name == "Build")));
    }

    private static AdoBuildSnapshot Run(bool approval)
    {
        List<AdoTimelineRecord> timeline =
        [
            Stage("b", "Build", 0),
            Stage("s", "Deploy_Staging", 20),
            Stage("p", "Deploy_Prod", 40),
            new() { Id = "bj", ParentId = "b", Type = "Job", Name = "Build", State = "completed", Result = "succeeded", StartTime = T0, FinishTime = T0.AddMinutes(10) },
        ];
        if (approval)
        {
            timeline.Add(new() { Id = "c", ParentId = "p", Type = "Checkpoint", Name = "Checkpoint", State = "inProgress", StartTime = T0.AddMinutes(40) });
            timeline.Add(new() { Id = "a", ParentId = "c", Type = "Checkpoint.Approval", Name = "Checkpoint.Approval", State = "inProgress", StartTime = T0.AddMinutes(40) });
        }

        var build = new AdoBuild { Id = 7, Status = "inProgress", QueueTime = T0, StartTime = T0, SourceVersion = "abc", Definition = new AdoDefinitionRef { Id = 3, Name = "web-cd" } };
        return new AdoBuildSnapshot(build, "u", timeline);
    }

    private static AdoTimelineRecord Stage(string id, string name, int minute) => new()
    {
        Id = id, Type = "Stage", Name = name, Identifier = name, State = "completed", Result = "succeeded", StartTime = T0.AddMinutes(minute), FinishTime = T0.AddMinutes(minute + 10), Attempt = 1,
    };
}
