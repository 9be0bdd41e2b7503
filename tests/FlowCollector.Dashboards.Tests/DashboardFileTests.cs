using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>Every dashboard file is a valid, portable Grafana dashboard: the shape rules the issue sets, checked without a server.</summary>
public sealed partial class DashboardFileTests
{
    private const int GridColumns = 24;

    public static TheoryData<string> Dashboards => new(GrafanaFiles.DashboardNames);

    [Fact]
    public void The_four_boards_exist_with_distinct_uids()
    {
        var uids = GrafanaFiles.DashboardNames.Select(n => (string?)GrafanaFiles.Dashboard(n)["uid"]).ToList();

        Assert.Equal(["collector-health.json", "delivery-performance.json", "pipelines.json", "value-stream.json"], GrafanaFiles.DashboardNames);
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.All(uids, uid => Assert.StartsWith("flowcollector-", uid, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Has_a_schema_version_a_title_and_no_instance_id(string name)
    {
        var dashboard = GrafanaFiles.Dashboard(name);

        Assert.True((int?)dashboard["schemaVersion"] >= 36, $"{name}: schemaVersion missing or older than Grafana 9");
        Assert.False(string.IsNullOrWhiteSpace((string?)dashboard["title"]), $"{name}: no title");
        Assert.Null(dashboard["id"]?.GetValue<int?>()); // an instance id would clash on import into another Grafana
        Assert.Contains("flowcollector", dashboard["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panel_ids_are_unique(string name)
    {
        var ids = DashboardQueries.Panels(GrafanaFiles.Dashboard(name)).Select(p => (int?)p["id"]).ToList();

        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Grid_positions_lie_inside_the_grid_and_do_not_overlap(string name)
    {
        var boxes = DashboardQueries.Panels(GrafanaFiles.Dashboard(name))
            .Select(p => (Id: (int)p["id"]!, X: (int)p["gridPos"]!["x"]!, Y: (int)p["gridPos"]!["y"]!, W: (int)p["gridPos"]!["w"]!, H: (int)p["gridPos"]!["h"]!))
            .ToList();

        Assert.All(boxes, b => Assert.True(b.X >= 0 && b.Y >= 0 && b.W > 0 && b.H > 0 && b.X + b.W <= GridColumns, $"{name}: panel {b.Id} is outside the 24-column grid: {b}"));
        var overlaps = boxes.SelectMany((a, i) => boxes.Skip(i + 1).Where(b => a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H).Select(b => $"{a.Id}/{b.Id}")).ToList();
        Assert.True(overlaps.Count == 0, $"{name}: overlapping panels {string.Join(", ", overlaps)}");
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_query_uses_the_datasource_variable(string name)
    {
        var dashboard = GrafanaFiles.Dashboard(name);
        var datasource = Assert.Single(DashboardQueries.Variables(dashboard), v => (string?)v["type"] == "datasource");
        Assert.Equal("datasource", (string?)datasource["name"]);
        Assert.Equal("influxdb", (string?)datasource["query"]);

        var users = DashboardQueries.Panels(dashboard).Where(p => p["targets"] is not null)
            .SelectMany(p => p["targets"]!.AsArray().Select(t => t!["datasource"]).Append(p["datasource"]))
            .Concat(DashboardQueries.Variables(dashboard).Where(v => (string?)v["type"] == "query").Select(v => v["datasource"]))
            .ToList();
        Assert.NotEmpty(users);
        Assert.All(users, ds => Assert.Equal("${datasource}", (string?)ds?["uid"]));
        Assert.DoesNotContain(GrafanaFiles.DatasourceUid, dashboard.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Queries_are_scoped_by_the_variables_and_name_no_repository(string name)
    {
        var dashboard = GrafanaFiles.Dashboard(name);
        var queries = DashboardQueries.Of(name).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, q =>
        {
            // queue_rollup has no repo tag (its sums cover every repository of an organisation): the panel says so instead.
            if (q.Query.Contains("FROM \"queue_rollup\"", StringComparison.Ordinal))
            {
                Assert.DoesNotContain("\"repo\"", q.Query, StringComparison.Ordinal);
                var panel = DashboardQueries.Panels(dashboard).Single(p => (int?)p["id"] == q.PanelId);
                Assert.Contains("The repository variable does not apply", (string?)panel["description"], StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("\"repo\" =~ /^$repo$/", q.Query, StringComparison.Ordinal);
            }

            Assert.Contains("\"org\" =~ /^$org$/", q.Query, StringComparison.Ordinal);
            Assert.Contains("\"source\" =~ /^$source$/", q.Query, StringComparison.Ordinal);
            Assert.Contains("$timeFilter", q.Query, StringComparison.Ordinal);
            Assert.All(RepoCondition().Matches(q.Query), m => Assert.True(m.Groups["value"].Value == "/^$repo$/", $"{name} panel {q.PanelId}: a hard-coded repository in {m.Value}"));
        });
        var json = dashboard.ToJsonString();
        Assert.DoesNotContain("github.com/", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("contoso", json, StringComparison.OrdinalIgnoreCase);
        Assert.All(new[] { "source", "org", "repo" }, v => Assert.Contains(DashboardQueries.Variables(dashboard), x => (string?)x["name"] == v));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_data_panel_describes_its_definition_and_unit(string name)
    {
        var panels = DashboardQueries.Panels(GrafanaFiles.Dashboard(name)).Where(p => p["targets"] is not null).ToList();

        Assert.All(panels, p =>
        {
            var description = (string?)p["description"] ?? "";
            Assert.True(description.Length > 60 && description.Contains("Unit", StringComparison.Ordinal), $"{name} panel {p["id"]} '{p["title"]}': the description must define the number and name its unit");
        });
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Links_to_the_other_boards_keep_time_and_variables(string name)
    {
        var link = Assert.Single(GrafanaFiles.Dashboard(name)["links"]!.AsArray());

        Assert.Equal("dashboards", (string?)link!["type"]);
        Assert.Equal("flowcollector", (string?)link["tags"]![0]);
        Assert.True((bool?)link["keepTime"]);
        Assert.True((bool?)link["includeVars"]);
    }

    [Fact]
    public void Each_stage_box_and_the_where_the_time_goes_bars_drill_down_to_the_changes_of_the_stage_with_links_to_them()
    {
        var board = GrafanaFiles.Dashboard("value-stream.json");
        var panels = DashboardQueries.Panels(board).ToList();
        var drill = Assert.Single(panels, p => ((string?)p["title"])!.Contains("(drill-down)", StringComparison.Ordinal));
        var id = (int)drill["id"]!;

        // The table: the stage variable's changes, slowest first, each with its pull request's link.
        Assert.Equal("table", (string?)drill["type"]);
        var query = (string)drill["targets"]![0]!["query"]!;
        Assert.Contains("FROM \"change_stage\"", query, StringComparison.Ordinal);
        Assert.Contains("\"stage\" =~ /^$stage$/", query, StringComparison.Ordinal);
        Assert.Contains("top(\"seconds\", 50)", query, StringComparison.Ordinal);
        var links = drill["fieldConfig"]!["overrides"]!.AsArray().Where(o => (string?)o!["matcher"]!["options"] is "url" or "change_id")
            .SelectMany(o => o!["properties"]!.AsArray()).Where(p => (string?)p!["id"] == "links").SelectMany(p => p!["value"]!.AsArray()).ToList();
        Assert.Equal(["${__value.raw}", "${__data.fields.url}"], links.Select(l => (string?)l!["url"]));

        // The way in: the stage's own box (one per stage, repeated) and the three "where the time goes" bars open the table
        // alone (viewPanel) with the same time range and variables, the box for its own stage.
        string[] sources = ["$stage", "Queues — median wait per stage", "Work — median time per process stage", "Queues — total wait per stage (change-hours)"];
        foreach (var title in sources)
        {
            var url = (string)Assert.Single(Assert.Single(panels, p => (string?)p["title"] == title)["links"]!.AsArray())!["url"]!;
            Assert.StartsWith($"/d/{(string?)board["uid"]}/?${{__url_time_range}}", url, StringComparison.Ordinal);
            Assert.EndsWith($"&viewPanel={id}", url, StringComparison.Ordinal);
            Assert.All(new[] { "datasource", "source", "org", "team", "repo" }, v => Assert.Contains($"${{{v}:queryparam}}", url, StringComparison.Ordinal));
            Assert.Contains(title == "$stage" ? "var-stage=${stage}" : "${stage:queryparam}", url, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_repeated_panel_repeats_over_a_variable_of_its_board()
    {
        var dashboard = GrafanaFiles.Dashboard("value-stream.json");
        var repeated = Assert.Single(DashboardQueries.Panels(dashboard), p => p["repeat"] is not null);
        var variable = Assert.Single(DashboardQueries.Variables(dashboard), v => (string?)v["name"] == (string?)repeated["repeat"]);

        // Issue 16: the stages come from the data in path order (stage_order), never from a list in the board.
        Assert.Equal("query", (string?)variable["type"]);
        Assert.Contains("\"stage_order\"", (string?)variable["query"], StringComparison.Ordinal);
        Assert.Equal(0, (int?)variable["sort"]); // Grafana keeps the query's order
        Assert.Equal(["$__all"], variable["current"]!["value"]!.AsArray().Select(v => (string)v!));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void No_board_names_an_environment_or_a_deployment_stage(string name)
    {
        // Paths differ per repository (issue 16): production is the production tag, stage order the stage_order field.
        var json = GrafanaFiles.Dashboard(name).ToJsonString();

        Assert.DoesNotMatch(@"deploy:[a-z]|promotion_wait:[a-z]|'(production|prod|staging)'|\^\(production", json);
        Assert.DoesNotContain(DashboardQueries.Variables(GrafanaFiles.Dashboard(name)), v => (string?)v["type"] == "custom");
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void The_data_source_defaults_to_the_provisioned_one_and_annotations_use_the_variable(string name)
    {
        var dashboard = GrafanaFiles.Dashboard(name);
        var datasource = Assert.Single(DashboardQueries.Variables(dashboard), v => (string?)v["type"] == "datasource");
        var provisioned = (string?)GrafanaFiles.Yaml(Path.Combine(GrafanaFiles.Root, "provisioning", "datasources", "influxdb-v1.yaml.example"))["datasources"]![0]!["name"];

        // The name, not the uid: the boards stay portable (no uid in them), and Grafana falls back to the default data source.
        Assert.Equal(provisioned, (string?)datasource["current"]?["value"]);
        Assert.All(BoardsAtScaleTests.Annotations(dashboard), a => Assert.Equal("${datasource}", (string?)a["datasource"]?["uid"]));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void All_sends_a_regex_not_a_list_of_every_value(string name)
    {
        // Issue 17: without allValue, "All" sent a 69 KB regex at 1,000 repositories and 3.4 MB at 50,000.
        var variables = DashboardQueries.Variables(GrafanaFiles.Dashboard(name)).Where(v => (bool?)v["includeAll"] == true || (bool?)v["multi"] == true).ToList();

        Assert.NotEmpty(variables);
        Assert.All(variables, v => Assert.True((string?)v["allValue"] == ".*", $"{name}: variable {v["name"]} has no allValue '.*'"));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_data_panel_has_a_unit_and_weeks_start_on_Monday(string name)
    {
        var panels = DashboardQueries.Panels(GrafanaFiles.Dashboard(name)).Where(p => p["targets"] is not null).ToList();

        Assert.All(panels, p =>
        {
            var units = p["fieldConfig"]?["defaults"]?["unit"] is JsonValue unit ? [(string?)unit] : new List<string?>();
            units.AddRange(p["fieldConfig"]?["overrides"]?.AsArray().SelectMany(o => o!["properties"]!.AsArray()).Where(x => (string?)x!["id"] == "unit").Select(x => (string?)x!["value"]) ?? []);
            Assert.True(units.Any(u => !string.IsNullOrEmpty(u)), $"{name} panel {p["id"]} '{p["title"]}' sets no unit");
        });

        // time(7d) buckets start on Thursdays (1970-01-01); time(7d, 4d) on Mondays (BoardEqualsEngineTests proves it on InfluxDB).
        Assert.DoesNotMatch(@"time\(7d\)", GrafanaFiles.Dashboard(name).ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_table_column_naming_a_change_or_an_incident_links_to_it(string name)
    {
        var tables = DashboardQueries.Panels(GrafanaFiles.Dashboard(name)).Where(p => (string?)p["type"] == "table").ToList();
        foreach (var table in tables)
        {
            var queries = string.Join(" ", table["targets"]!.AsArray().Select(t => (string?)t!["query"]));
            foreach (var id in new[] { "\"change_id\"", "\"incident_id\"", "\"oldest_change_id\"" }.Where(id => queries.Contains(id, StringComparison.Ordinal)))
            {
                var field = id.Trim('"');
                var links = table["fieldConfig"]?["overrides"]?.AsArray()
                    .Where(o => (string?)o!["matcher"]?["options"] == field)
                    .SelectMany(o => o!["properties"]!.AsArray())
                    .Where(x => (string?)x!["id"] == "links")
                    .SelectMany(x => x!["value"]!.AsArray())
                    .Select(l => (string?)l!["url"])
                    .ToList() ?? [];
                Assert.True(links.Count > 0 && links.All(u => u!.StartsWith("${__data.fields.", StringComparison.Ordinal)), $"{name} panel {table["id"]}: column {field} has no link to the item");
            }
        }
    }

    [Fact]
    public void The_value_stream_board_filters_on_no_stage_name_so_stages_of_any_path_appear()
    {
        var queries = DashboardQueries.Of("value-stream.json").Select(q => q.Query)
            .Concat(DashboardQueries.Variables(GrafanaFiles.Dashboard("value-stream.json")).Select(v => (string?)v["query"] ?? ""))
            .ToList();

        Assert.All(queries, q => Assert.All(StageCondition().Matches(q), m => Assert.Equal("/^$stage$/", m.Groups["value"].Value)));
    }

    [Fact]
    public void Boards_are_editable_and_provisioned_so_that_a_team_can_save_its_changes()
    {
        var provider = GrafanaFiles.Yaml(Path.Combine(GrafanaFiles.Root, "provisioning", "dashboards", "flowcollector.yaml"))["providers"]![0]!;

        Assert.Equal("true", (string?)provider["allowUiUpdates"]);
        Assert.All(GrafanaFiles.DashboardNames, n => Assert.True((bool?)GrafanaFiles.Dashboard(n)["editable"], $"{n} is not editable"));
    }

    [GeneratedRegex(@"""stage""\s*(=~|!~|!=|=)\s*(?<value>\S+)")]
    private static partial Regex StageCondition();

    [GeneratedRegex(@"""repo""\s*(=~|!~|!=|=)\s*(?<value>\S+)")]
    private static partial Regex RepoCondition();
}
