using System.Text.Json.Nodes;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>The provisioning files parse in Grafana's file-provisioning shapes and refer to things that exist.</summary>
public sealed class AlertRuleFileTests
{
    private static readonly string[] ExpressionTypes = ["reduce", "math", "threshold"];

    private static IReadOnlyList<AlertRule> Rules => AlertRule.All(GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile));

    [Fact]
    public void The_rule_file_is_apiVersion_1_with_named_groups_in_a_folder()
    {
        var file = GrafanaFiles.Yaml(GrafanaFiles.AlertRulesFile);

        Assert.Equal("1", file["apiVersion"]!.ToString());
        var groups = file["groups"]!.AsArray();
        Assert.NotEmpty(groups);
        Assert.All(groups, g =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)g!["name"]));
            Assert.Equal("FlowCollector", (string?)g["folder"]);
            GrafanaQueryExpander.ParseDuration((string)g["interval"]!);
        });
    }

    [Fact]
    public void The_rules_of_issues_17_and_20_exist_with_unique_uids()
    {
        Assert.Equal(
            [
                "flowcollector-change-failure-rate", "flowcollector-collector-silent", "flowcollector-constraint-moved", "flowcollector-constraint-share-grew",
                "flowcollector-merged-not-deployed", "flowcollector-pickup-slo", "flowcollector-rate-limit-low", "flowcollector-target-stale", "flowcollector-wait-rising",
            ],
            Rules.Select(r => r.Uid).Order(StringComparer.Ordinal));
        Assert.All(Rules, r => Assert.True(r.Uid.Length <= 40, $"{r.Uid}: Grafana limits uids to 40 characters"));
    }

    [Fact]
    public void Every_rule_is_complete_and_its_references_resolve()
    {
        var dashboards = GrafanaFiles.DashboardNames.Select(GrafanaFiles.Dashboard).ToDictionary(d => (string)d["uid"]!, StringComparer.Ordinal);
        Assert.All(Rules, rule =>
        {
            var refIds = rule.Data.Select(d => d.RefId).ToList();
            Assert.Equal(refIds.Count, refIds.Distinct().Count());
            Assert.Contains(rule.Condition, refIds);
            Assert.Contains(rule.NoDataState, new[] { "OK", "NoData", "Alerting", "KeepLast" });
            Assert.Contains(rule.ExecErrState, new[] { "OK", "Error", "Alerting", "KeepLast" });
            Assert.True(rule.For == "0s" || GrafanaQueryExpander.ParseDuration(rule.For) > TimeSpan.Zero);
            Assert.Equal("flowcollector", rule.Labels["component"]);
            Assert.Contains(rule.Labels["severity"], new[] { "info", "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations["summary"]));

            var earlier = new HashSet<string>(StringComparer.Ordinal);
            foreach (var query in rule.Data)
            {
                Assert.Equal(query.RefId, (string?)query.Model["refId"]);
                if (query.IsExpression)
                {
                    Assert.Contains(query.ExpressionType, ExpressionTypes);
                    var expression = (string)query.Model["expression"]!;
                    var references = query.ExpressionType == "math"
                        ? System.Text.RegularExpressions.Regex.Matches(expression, @"\$\{?(\w+)\}?").Select(m => m.Groups[1].Value).ToList()
                        : [expression];
                    Assert.All(references, r => Assert.True(earlier.Contains(r), $"{rule.Uid}/{query.RefId} refers to {r}, which is not an earlier entry"));
                }
                else
                {
                    Assert.Equal(GrafanaFiles.DatasourceUid, query.DatasourceUid);
                    Assert.True(query.FromSeconds > query.ToSeconds, $"{rule.Uid}/{query.RefId}: relativeTimeRange must look back");
                    Assert.Contains("$timeFilter", query.Query, StringComparison.Ordinal);
                    Assert.Equal("time_series", (string?)query.Model["resultFormat"]);
                    Assert.Equal("true", query.Model["rawQuery"]?.ToString(), ignoreCase: true);
                }

                earlier.Add(query.RefId);
            }

            var board = dashboards[rule.Annotations["__dashboardUid__"]];
            Assert.Contains(DashboardQueries.Panels(board), p => p["id"]!.ToString() == rule.Annotations["__panelId__"]);
        });
    }

    [Fact]
    public void Every_rule_has_a_summary_a_description_and_a_runbook_url_to_an_existing_heading_of_the_runbook()
    {
        var runbook = File.ReadAllLines(GrafanaFiles.RunbookFile);
        var anchors = runbook.Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => GrafanaFiles.GitHubAnchor(l[3..])).ToHashSet(StringComparer.Ordinal);
        Assert.All(Rules, rule =>
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("summary")), $"{rule.Uid}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("description")), $"{rule.Uid}: no description");
            var url = rule.Annotations.GetValueOrDefault("runbook_url") ?? "";
            Assert.StartsWith(GrafanaFiles.RunbookBaseUrl + "#", url, StringComparison.Ordinal);
            Assert.True(anchors.Contains(url[(GrafanaFiles.RunbookBaseUrl.Length + 1)..]), $"{rule.Uid}: {url} names no heading of docs/runbooks.md ({string.Join(", ", anchors)})");

            // The heading is the rule's title, so a reader finds it by the name the notification carries.
            Assert.Equal(GrafanaFiles.GitHubAnchor(rule.Title), url[(GrafanaFiles.RunbookBaseUrl.Length + 1)..]);
        });
    }

    [Fact]
    public void Flow_rules_label_each_instance_with_its_team_and_collector_rules_leave_room_for_the_owners_team()
    {
        Assert.All(Rules, rule =>
        {
            var queries = rule.Data.Where(d => !d.IsExpression).Select(d => d.Query).ToList();
            if (rule.Labels["category"] == "collector")
            {
                // Not the repository's team: the collector's owners act on these (Helm: grafana.alerts.collectorTeam).
                Assert.All(queries, q => Assert.DoesNotContain("\"team\"", q, StringComparison.Ordinal));
                return;
            }

            // Every query's outer GROUP BY has "team": the tag the collector writes from ValueStream:Teams becomes the instance's label.
            Assert.All(queries, q => Assert.Contains("\"team\"", q[q.LastIndexOf("GROUP BY", StringComparison.Ordinal)..], StringComparison.Ordinal));
            Assert.Contains("$labels.team", rule.Annotations["summary"], StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Every_knob_is_marked_once_for_the_chart_and_every_threshold_but_the_silent_rules_is_a_knob()
    {
        var lines = File.ReadAllLines(GrafanaFiles.AlertRulesFile);
        var knobs = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"# values: (grafana\.alerts\.[\w.]+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(knobs.Count, knobs.Distinct(StringComparer.Ordinal).Count());
        var thresholds = Rules.Sum(r => r.Data.Count(d => d.ExpressionType == "threshold"));
        // Every threshold but the silent rule's "fewer than 1 run" (no knob: its window is, marked on relativeTimeRange).
        Assert.Equal(thresholds - 1 + 1, knobs.Count);
        Assert.Contains("grafana.alerts.silentWindowSeconds", knobs);
    }

    [Fact]
    public void The_datasource_examples_create_the_uid_the_rules_query_for_each_InfluxDB_generation()
    {
        var directory = Path.Combine(GrafanaFiles.Root, "provisioning", "datasources");
        var files = Directory.GetFiles(directory, "*.yaml*").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["influxdb-v1.yaml.example", "influxdb-v2-influxql.yaml.example", "influxdb-v3-influxql.yaml.example"], files.Select(Path.GetFileName));
        Assert.All(files, f =>
        {
            var file = GrafanaFiles.Yaml(f);
            Assert.Equal("1", file["apiVersion"]!.ToString());
            var datasource = Assert.Single(file["datasources"]!.AsArray())!;
            Assert.Equal("influxdb", (string?)datasource["type"]);
            Assert.Equal(GrafanaFiles.DatasourceUid, (string?)datasource["uid"]);
            Assert.Equal("InfluxQL", (string?)datasource["jsonData"]?["version"] ?? "InfluxQL");
        });
    }

    [Fact]
    public void The_dashboard_provider_loads_the_boards_from_files_into_the_folder()
    {
        var provider = Assert.Single(GrafanaFiles.Yaml(Path.Combine(GrafanaFiles.Root, "provisioning", "dashboards", "flowcollector.yaml"))["providers"]!.AsArray())!;

        Assert.Equal("file", (string?)provider["type"]);
        Assert.Equal("FlowCollector", (string?)provider["folder"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)provider["options"]?["path"]));
    }

    [Fact]
    public void The_contact_point_and_policy_examples_route_by_the_rules_labels()
    {
        var directory = Path.Combine(GrafanaFiles.Root, "provisioning", "alerting");
        var contact = GrafanaFiles.Yaml(Path.Combine(directory, "contact-points.yaml.example"));
        var policies = GrafanaFiles.Yaml(Path.Combine(directory, "notification-policies.yaml.example"));

        var receiver = Assert.Single(contact["contactPoints"]!.AsArray())!;
        var name = (string)receiver["name"]!;
        var routes = policies["policies"]![0]!["routes"]!.AsArray();
        Assert.Contains(routes, r => (string?)r!["receiver"] == name);
        var matched = routes.SelectMany(r => r!["object_matchers"]!.AsArray().Select(m => (string?)m![0])).ToHashSet(StringComparer.Ordinal);
        Assert.All(matched, label => Assert.All(Rules, rule => Assert.True(rule.Labels.ContainsKey(label!), $"{rule.Uid} has no label {label} the policy routes by")));
    }
}
