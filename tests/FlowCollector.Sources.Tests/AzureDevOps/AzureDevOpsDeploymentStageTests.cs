using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Testing.Simulation.AzureDevOps;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>
/// Issue 14 items 1 and 7 on Azure DevOps: CI is a multi-stage run's stages before its first deploying stage, and a run
/// still waiting at its production approval shows its finished staging stage as a deployment until its records arrive.
/// The shapes and their hand-worked stages are <see cref="AzureDevOpsDeliveryShapes"/>.
/// </summary>
public sealed class AzureDevOpsDeploymentStageTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_engine_gets_the_hand_worked_stages_of_every_shape()
    {
        var (model, ids) = Model();
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Shop/web"], time: new FakeTimeProvider(Start.AddDays(5)));

        var read = await host.ReadAsync("Shop/web", Start.AddDays(-1));
        var timelines = Fold(read.Events);

        for (var i = 0; i < ids.Count; i++)
        {
            var timeline = Assert.Single(timelines, t => t.Change.ChangeId == ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(AzureDevOpsDeliveryShapes.Expected[i], timeline.Spans.Select(s => (s.Stage.Name, s.Duration.TotalSeconds)).ToArray());
        }

        Assert.DoesNotContain(timelines.SelectMany(t => t.Spans), s => s.Clamped);
    }

    [Fact]
    public async Task The_change_whose_run_waits_at_the_production_approval_waits_in_promotion_since_staging()
    {
        var (model, ids) = Model();
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Shop/web"], time: new FakeTimeProvider(Start.AddDays(5)));

        var read = await host.ReadAsync("Shop/web", Start.AddDays(-1));
        var flow = new RepositoryFlow(read.Events[0].Repository, ValueStreamDefinition.Default(["staging", "production"]));
        flow.Apply(read.Events);

        // Its Deploy_Staging stage finished at minute 160 of day 2; the approval it waits at is that wait.
        var waiting = Assert.Single(flow.WaitingNow(Start.AddDays(5)), w => w.ChangeId == ids[2].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("promotion_wait:production", Start.AddDays(2).AddMinutes(160)), (waiting.Stage.Name, waiting.Since));

        // The stand-in is no deployment point: only the records of the two finished runs are.
        Assert.Equal(4, flow.FinishedDeployments().Count);
    }

    [Fact]
    public async Task Deploying_stages_are_marked_from_approvals_and_records_and_the_build_stage_is_not()
    {
        var (model, _) = Model();
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Shop/web"], time: new FakeTimeProvider(Start.AddDays(5)));

        var read = await host.ReadAsync("Shop/web", Start.AddDays(-1));

        var stages = read.Events.Where(e => e.Kind == FlowEventKind.StageStarted && e.Stage is not null && !e.Stage.Contains('/', StringComparison.Ordinal))
            .GroupBy(e => e.Stage!).ToDictionary(g => g.Key, g => g.All(e => e.Deploys));
        Assert.Equal(new Dictionary<string, bool> { ["Build"] = false, ["Deploy_Staging"] = true, ["Deploy_Prod"] = true }, stages);
    }

    private static IReadOnlyList<ChangeTimeline> Fold(IReadOnlyList<FlowEvent> events)
    {
        var flow = new RepositoryFlow(events[0].Repository, ValueStreamDefinition.Default(["staging", "production"]));
        flow.Apply(events);
        return flow.MergedTimelines();
    }

    private static (SimulatedAzureDevOps Model, IReadOnlyList<int> Ids) Model()
    {
        var model = new SimulatedAzureDevOps();
        var shop = model.AddProject("Shop");
        var ids = AzureDevOpsDeliveryShapes.Add(shop, shop.AddRepository("web"), Start);
        return (model, ids);
    }
}
