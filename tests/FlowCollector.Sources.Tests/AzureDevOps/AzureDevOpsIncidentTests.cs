using FlowCollector.Domain.Events;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Testing.Simulation.AzureDevOps;
using static FlowCollector.Sources.Tests.AzureDevOps.AdoScenarios;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Incidents as work items, found by WIQL.</summary>
public sealed class AzureDevOpsIncidentTests
{
    [Fact]
    public void The_WIQL_quotes_every_configured_value()
    {
        var wiql = AzureDevOpsIncidentReader.Query("Bug", ["sev1", "it's down"], "Web Platform\\Operations", T0);

        Assert.Equal(
            "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND [System.ChangedDate] >= '2025-03-03T09:00:00Z'"
            + " AND [System.Tags] CONTAINS 'sev1' AND [System.Tags] CONTAINS 'it''s down' AND [System.AreaPath] UNDER 'Web Platform\\Operations' ORDER BY [System.ChangedDate]",
            wiql);
    }

    [Fact]
    public async Task Incidents_of_the_configured_type_and_tags_are_opened_and_resolved()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        web.AddRepository("checkout");
        web.AddIncident(9001, T0, T0.AddHours(2), "Incident", "sev1")
            .AddIncident(9002, T0.AddHours(1), null, "Incident", "sev1")
            .AddIncident(9003, T0, T0.AddHours(1), "Incident")
            .AddIncident(9004, T0, T0.AddHours(1), "Bug", "sev1")
            .AddIncident(9005, T0.AddDays(-10), T0.AddDays(-9), "Incident", "sev1");
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:ReadIncidents"] = "true",
            ["Sources:AzureDevOps:IncidentTags:0"] = "sev1",
        });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Equal(
            [
                ("workitem-9001", FlowEventKind.IncidentOpened, T0),
                ("workitem-9001", FlowEventKind.IncidentResolved, T0.AddHours(2)),
                ("workitem-9002", FlowEventKind.IncidentOpened, T0.AddHours(1)),
            ],
            read.Events.Where(e => e.Kind is FlowEventKind.IncidentOpened or FlowEventKind.IncidentResolved).Select(e => (e.SubjectId, e.Kind, e.OccurredAt)).OrderBy(e => e.SubjectId).ThenBy(e => e.Kind));
        Assert.Equal($"{ado.Url}Web/_workitems/edit/9001", read.Events.First(e => e.SubjectId == "workitem-9001").Url);
        Assert.Equal(1, ado.Requests.Count(r => r.Method == "POST" && r.Path == "/Web/_apis/wit/wiql" && r.Query.Contains("timePrecision=true", StringComparison.Ordinal)));
        Assert.Null(read.HighWatermark); // incidents are re-queried by change time; they do not move the watermark
    }
}
