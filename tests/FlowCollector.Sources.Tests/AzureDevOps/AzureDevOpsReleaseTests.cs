using FlowCollector.Domain.Events;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Testing.Simulation.AzureDevOps;
using static FlowCollector.Sources.Tests.AzureDevOps.AdoScenarios;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Classic Release pipelines: deployments per stage, the build each release deploys, change sets between releases.</summary>
public sealed class AzureDevOpsReleaseTests
{
    [Theory]
    [InlineData("https://dev.azure.com/contoso/", "https://vsrm.dev.azure.com/contoso/")]
    [InlineData("https://contoso.visualstudio.com/", "https://contoso.vsrm.visualstudio.com/")]
    [InlineData("https://tfs.contoso.local/tfs/DefaultCollection/", "https://tfs.contoso.local/tfs/DefaultCollection/")]
    public void Release_Management_lives_on_vsrm_in_the_cloud_and_on_the_collection_on_premises(string organization, string expected) =>
        Assert.Equal(new Uri(expected), AzureDevOpsEndpoints.ReleaseManagementOf(new Uri(organization)));

    [Fact]
    public async Task A_classic_release_deploys_stage_by_stage_and_only_what_was_deployed_counts()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var other = web.AddRepository("catalog");
        var first = checkout.OpenPullRequest(Alice, T0).Commit(T0.AddMinutes(-10)).Vote(Bob, 10, T0.AddMinutes(30)).Complete(T0.AddHours(1));
        var second = checkout.OpenPullRequest(Carol, T0.AddHours(2)).Commit(T0.AddHours(2)).Vote(Bob, 10, T0.AddHours(3)).Complete(T0.AddHours(4));
        var build1 = web.QueueBuild(checkout, "checkout-ci", first, T0.AddHours(1).AddMinutes(1)).Start(T0.AddHours(1).AddMinutes(2)).Finish(T0.AddHours(1).AddMinutes(9));
        var build2 = web.QueueBuild(checkout, "checkout-ci", second, T0.AddHours(4).AddMinutes(1)).Start(T0.AddHours(4).AddMinutes(2)).Finish(T0.AddHours(4).AddMinutes(9));
        var foreign = web.QueueBuild(other, "catalog-ci", other.Push(T0), T0.AddMinutes(5)).Finish(T0.AddMinutes(9));

        var r1 = web.CreateRelease("checkout-release", build1)
            .Deploy("QA", T0.AddHours(1).AddMinutes(10), T0.AddHours(1).AddMinutes(11), T0.AddHours(1).AddMinutes(15))
            .Deploy("Prod", T0.AddHours(1).AddMinutes(15), T0.AddHours(3), T0.AddHours(3).AddMinutes(10));
        var r2 = web.CreateRelease("checkout-release", build2)
            .Deploy("QA", T0.AddHours(4).AddMinutes(10), T0.AddHours(4).AddMinutes(11), T0.AddHours(4).AddMinutes(14))
            .Deploy("Prod", T0.AddHours(4).AddMinutes(14), T0.AddHours(5), T0.AddHours(5).AddMinutes(9), "partiallySucceeded")
            .Deploy("Prod", T0.AddHours(6), null, null, "notDeployed", attempt: 2);
        web.CreateRelease("catalog-release", foreign).Deploy("Prod", T0.AddMinutes(10), T0.AddMinutes(11), T0.AddMinutes(20));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:ReadReleases"] = "true",
            ["Sources:AzureDevOps:ReadEnvironmentDeployments"] = "false",
        });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var finished = read.Events.Where(e => e.Kind == FlowEventKind.DeploymentFinished)
            .Select(e => (e.Environment, (e.OccurredAt - T0).TotalMinutes, e.Result, e.Sha, e.Comparison))
            .OrderBy(e => e.Item2).ToList();
        Assert.Equal(
            [
                ("QA", 75.0, (string?)"success", (string?)first, DeploymentComparison.Unknown),
                ("Prod", 190.0, "success", first, DeploymentComparison.Unknown),
                ("QA", 254.0, "success", second, DeploymentComparison.Ahead),
                ("Prod", 309.0, "failure", second, DeploymentComparison.Ahead),
            ],
            finished);

        var prodOfSecond = read.Events.Single(e => e.Kind == FlowEventKind.DeploymentFinished && e.Environment == "Prod" && e.Sha == second).SubjectId;
        Assert.Equal([second], read.Events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes && e.SubjectId == prodOfSecond).Select(e => e.Sha));
        var prodOfFirst = read.Events.Where(e => e.Environment == "Prod" && e.Sha == first && e.Kind != FlowEventKind.DeploymentIncludes).OrderBy(e => e.Kind).Select(e => (e.Kind, (e.OccurredAt - T0).TotalMinutes));
        Assert.Equal([(FlowEventKind.DeploymentQueued, 75.0), (FlowEventKind.DeploymentStarted, 180.0), (FlowEventKind.DeploymentFinished, 190.0)], prodOfFirst);
        Assert.StartsWith("release-", prodOfSecond, StringComparison.Ordinal);
        Assert.Equal(1, ado.RequestsTo($"/Web/_apis/release/releases/{r1.Id}"));
        Assert.Equal(1, ado.RequestsTo($"/Web/_apis/release/releases/{r2.Id}"));
        Assert.Equal(T0.AddHours(5).AddMinutes(9), read.HighWatermark);
    }
}
