using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Testing.Simulation.AzureDevOps;
using static FlowCollector.Sources.Tests.AzureDevOps.AdoScenarios;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Work items linked to pull requests: found with one artifact URI query per 200 pull requests, not one request each.</summary>
public sealed class AzureDevOpsWorkItemLinkTests
{
    private const string PerPullRequest = "/Web/_apis/git/repositories/checkout/pullrequests/*/workitems";
    private const string ArtifactQuery = "/_apis/wit/artifacturiquery";
    private const int Batch = AzureDevOpsEventSource.WorkItemBatch;

    [Fact]
    public async Task Each_pull_request_gets_exactly_its_linked_work_items_from_one_query()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        var first = checkout.OpenPullRequest(Alice, T0).Commit(T0.AddHours(-1))
            .LinkWorkItem(7001, T0.AddDays(-3), T0.AddDays(-2))
            .LinkWorkItem(7002, T0.AddDays(-5));
        first.Complete(T0.AddHours(5));
        var second = checkout.OpenPullRequest(Bob, T0.AddHours(1)).Commit(T0)
            .LinkWorkItem(7002, T0.AddDays(-5)); // one story, two changes
        second.Complete(T0.AddHours(6));
        checkout.OpenPullRequest(Carol, T0.AddHours(2)).Commit(T0.AddHours(1)).Complete(T0.AddHours(7)); // nothing linked
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Equal(
            [
                ("1", FlowEventKind.WorkItemCreated, TimeSpan.FromDays(-5)),
                ("1", FlowEventKind.WorkItemCreated, TimeSpan.FromDays(-3)),
                ("1", FlowEventKind.WorkItemActivated, TimeSpan.FromDays(-2)),
                ("2", FlowEventKind.WorkItemCreated, TimeSpan.FromDays(-5)),
            ],
            read.Events
                .Where(e => e.Kind is FlowEventKind.WorkItemCreated or FlowEventKind.WorkItemActivated)
                .Select(e => (e.SubjectId, e.Kind, e.OccurredAt - T0))
                .Order());

        // 1 repository + 3 pull request lists + commits and threads of 3 pull requests + 1 link query + 1 work item batch
        // (one request per pull request for its links before: 14) + 1 page of pushes.
        Assert.Equal((13, 13), (read.Usage.Requests, ado.RequestCount));
        Assert.Equal((1, 0), (ado.RequestsTo(ArtifactQuery), ado.RequestsTo(PerPullRequest)));
        Assert.Equal(1, ado.RequestsTo("/Web/_apis/wit/workitems"));
    }

    [Fact]
    public async Task The_link_query_is_batched_by_200_pull_requests()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        for (var i = 0; i < Batch + 1; i++)
        {
            checkout.OpenPullRequest(Alice, T0.AddMinutes(i)).LinkWorkItem(9000 + i, T0.AddDays(-1)).Complete(T0.AddMinutes(i + 30));
        }

        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Equal(2, ado.RequestsTo(ArtifactQuery));
        Assert.Equal(Batch + 1, read.Events.Count(e => e.Kind == FlowEventKind.WorkItemCreated));
        Assert.All(read.Events.Where(e => e.Kind == FlowEventKind.WorkItemCreated), e => Assert.Equal(T0.AddDays(-1), e.OccurredAt));
    }

    [Fact]
    public async Task Without_ReadWorkItems_no_link_is_queried()
    {
        var model = new SimulatedAzureDevOps();
        ReviewRounds(model.AddProject("Web").AddRepository("checkout"));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:ReadBuilds"] = "false",
            ["Sources:AzureDevOps:ReadWorkItems"] = "false",
        });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.DoesNotContain(read.Events, e => e.Kind is FlowEventKind.WorkItemCreated or FlowEventKind.WorkItemActivated);
        Assert.Equal((0, 0), (ado.RequestsTo(ArtifactQuery), ado.RequestsTo(PerPullRequest)));
    }

    [Fact]
    public async Task A_refused_link_query_fails_the_read_naming_the_scope()
    {
        var model = new SimulatedAzureDevOps();
        ReviewRounds(model.AddProject("Web").AddRepository("checkout"));
        using var ado = new AzureDevOpsSimulator(model);
        ado.FailNext(ArtifactQuery, 1, HttpStatusCode.Forbidden, "TF401027: You need the Git 'GenericRead' permission to perform this action.");
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.StartsWith("Azure DevOps refused POST /_apis/wit/artifacturiquery for contoso/Web/checkout (403 ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Work Items: Read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a7573007-bbb3-4341-b726-0c4148a07853", "3411ebc1-d5aa-464f-9615-0b527bc66719", 22, "vstfs:///Git/PullRequestId/a7573007-bbb3-4341-b726-0c4148a07853%2f3411ebc1-d5aa-464f-9615-0b527bc66719%2f22")]
    [InlineData("p", "r", 123456, "vstfs:///Git/PullRequestId/p%2fr%2f123456")]
    public void A_pull_requests_artifact_uri_is_written_as_Azure_DevOps_writes_its_artifactId(string project, string repository, int id, string expected) =>
        Assert.Equal(expected, AzureDevOpsEventSource.PullRequestArtifactUri(project, repository, id));
}
