using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Testing.Simulation.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Deployment change sets come from the default branch's history read once, not one request per deployment.</summary>
public sealed class AzureDevOpsChangeSetTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Change_sets_from_the_trunk_history_equal_the_services_changes_between_builds_at_a_fraction_of_the_requests()
    {
        var model = SimulatedAzureDevOps.Generate(3, projects: 1, reposPerProject: 1, prsPerRepo: 120, Start);
        var project = model.Projects[0];
        var target = $"{project.Name}/{project.Repositories[0].Name}";
        var commitsBatch = $"/{project.Name}/_apis/git/repositories/{project.Repositories[0].Name}/commitsbatch";

        using var fromHistory = new AzureDevOpsSimulator(model);
        using var historyHost = AzureDevOpsSourceHost.For(fromHistory, [target]);
        var read = await historyHost.ReadAsync(target, Start.AddDays(-1));

        // The same read with an empty history: every change set is asked of the service, as before.
        using var perDeployment = new AzureDevOpsSimulator(model);
        perDeployment.FailNext(commitsBatch, 10, HttpStatusCode.OK, body: """{"count":0,"value":[]}""");
        using var perDeploymentHost = AzureDevOpsSourceHost.For(perDeployment, [target]);
        var reference = await perDeploymentHost.ReadAsync(target, Start.AddDays(-1));

        static string[] Lines(IEnumerable<FlowEvent> events) =>
            [.. events.Select(e => $"{e.Kind} {e.SubjectId} {e.Environment} {e.Sha} {e.Comparison} {e.OccurredAt:O}").Order(StringComparer.Ordinal)];
        var includes = read.Events.Count(e => e.Kind == FlowEventKind.DeploymentIncludes);
        var deployments = read.Events.Where(e => e.Kind == FlowEventKind.DeploymentFinished).Select(e => e.SubjectId).Distinct().Count();
        Assert.True(includes > 100 && deployments > 100, $"{includes} included commits, {deployments} deployments");
        Assert.Equal(Lines(reference.Events), Lines(read.Events));

        var betweenBuilds = $"/{project.Name}/_apis/build/changes";
        Assert.True(perDeployment.RequestsTo(betweenBuilds) > 100, $"{perDeployment.RequestsTo(betweenBuilds)} changes-between-builds requests without the history");
        Assert.Equal(0, fromHistory.RequestsTo(betweenBuilds));
        Assert.Equal(1, fromHistory.RequestsTo(commitsBatch));
        Assert.Empty(fromHistory.ContractViolations);
    }
}
