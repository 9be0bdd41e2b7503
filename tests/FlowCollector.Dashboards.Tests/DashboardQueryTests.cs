using FlowCollector.Dashboards.Tests.Data;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// Every panel query and every variable query, interpolated as Grafana does with every variable on "All" and the
/// boards' default range (the last 30 days), runs against InfluxDB 1.x holding the collector's output for the simulated
/// organisation and returns data. A repeated panel runs once per value of its repeat variable.
/// </summary>
public sealed class DashboardQueryTests(CollectedOrganisation organisation)
{
    public static TheoryData<string, int, string> Queries => new(DashboardQueries.All().Select(q => (q.Dashboard, q.PanelId, q.RefId)));

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Returns_data(string dashboard, int panelId, string refId)
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var query = DashboardQueries.Of(dashboard).Single(q => q.PanelId == panelId && q.RefId == refId);
        var expander = await DashboardQueries.ResolveAsync(GrafanaFiles.Dashboard(dashboard), influx, CollectedOrganisation.Database, organisation.CollectedAt.AddDays(-30), organisation.CollectedAt, null, ct);

        var repeated = query.Repeat is null ? [] : await DashboardQueries.OptionsOfAsync(GrafanaFiles.Dashboard(dashboard), query.Repeat, influx, CollectedOrganisation.Database, organisation.CollectedAt.AddDays(-30), organisation.CollectedAt, null, ct);
        Assert.True(query.Repeat is null || repeated.Count > 0, $"{dashboard} panel {panelId}: its repeat variable {query.Repeat} offers nothing");
        var runs = query.Repeat is null ? [expander] : repeated.Select(v => expander.With(new VariableValue(query.Repeat, [v], MultiOrAll: true))).ToList();
        foreach (var run in runs)
        {
            var text = run.Expand(query.Query, run.Interval(query.MinInterval));
            var frames = await InfluxFrame.QueryAsync(influx, CollectedOrganisation.Database, text, ct);

            Assert.True(frames.Any(f => f.Points.Any(p => p.Value is not null)), $"{dashboard} panel {panelId} '{query.PanelTitle}' {refId} returned no data:{Environment.NewLine}{text}");
        }
    }

    [Theory]
    [MemberData(nameof(DashboardFileTests.Dashboards), MemberType = typeof(DashboardFileTests))]
    public async Task Annotation_queries_run_and_incidents_and_deployments_mark_the_time_axis(string dashboard)
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var board = GrafanaFiles.Dashboard(dashboard);
        var expander = await DashboardQueries.ResolveAsync(board, influx, CollectedOrganisation.Database, organisation.CollectedAt.AddDays(-30), organisation.CollectedAt, null, ct);
        foreach (var annotation in BoardsAtScaleTests.Annotations(board))
        {
            var rows = await influx.QueryRowsAsync(CollectedOrganisation.Database, expander.Expand((string)annotation["query"]!), ct);
            var name = (string?)annotation["name"];
            Assert.True(rows.Count > 0 || name == "Constraint moved", $"{dashboard}: annotation '{name}' marks nothing");
            Assert.All(rows, r => Assert.True(r.ContainsKey((string)annotation["textColumn"]!), $"{dashboard}: annotation '{name}' has no column {annotation["textColumn"]}"));
        }
    }

    [Theory]
    [MemberData(nameof(DashboardFileTests.Dashboards), MemberType = typeof(DashboardFileTests))]
    public async Task Variables_offer_every_collected_target(string dashboard)
    {
        var influx = organisation.Require();
        var ct = TestContext.Current.CancellationToken;
        var board = GrafanaFiles.Dashboard(dashboard);
        var expander = new GrafanaQueryExpander(organisation.CollectedAt.AddDays(-30), organisation.CollectedAt);
        var offered = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var variable in DashboardQueries.Variables(board).Where(v => (string?)v["type"] == "query"))
        {
            var name = (string)variable["name"]!;
            var options = await DashboardQueries.OptionsAsync(influx, CollectedOrganisation.Database, expander.Expand((string)variable["query"]!), ct, (int?)variable["sort"] ?? 0);
            offered[name] = options;
            expander = expander.With(new VariableValue(name, options, MultiOrAll: true));
        }

        Assert.Equal(["github"], offered["source"]);
        Assert.Equal(organisation.Model.Organisations.Order(StringComparer.Ordinal), offered["org"]);
        Assert.Equal(organisation.Model.Repositories.Select(r => r.Name).Distinct().Order(StringComparer.Ordinal), offered["repo"]);
        if (offered.TryGetValue("environment", out var environments))
        {
            Assert.Equal(dashboard == "delivery-performance.json" ? ["production"] : ["production", "staging"], environments);
        }
    }
}
