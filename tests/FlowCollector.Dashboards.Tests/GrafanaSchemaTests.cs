using System.Text.Json.Nodes;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>
/// The boards against Grafana's own published schema (npm <c>@grafana/schema</c> 10.4, the oldest Grafana the boards
/// declare): every option name exists for its panel type and every value is one Grafana allows. Grafana ignores what
/// it does not know, so a misspelt option is a setting silently lost; no Grafana server is needed to find one. The alert
/// rules against Grafana's published rule and server-side expression types (npm <c>@grafana/grafana-foundation-sdk</c>).
/// </summary>
public sealed class GrafanaSchemaTests
{
    [Fact]
    public async Task Every_board_uses_only_names_and_values_Grafanas_published_schema_has()
    {
        var dashboards = GrafanaFiles.DashboardNames.ToDictionary(n => n, GrafanaFiles.Dashboard, StringComparer.Ordinal);

        var errors = await GrafanaSchemaCheck.CheckDashboardsAsync(dashboards);

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public async Task A_misspelt_option_a_value_outside_its_set_and_an_unknown_panel_setting_are_each_named_with_their_panel()
    {
        var board = JsonNode.Parse("""
            {
              "title": "Broken", "schemaVersion": 39,
              "templating": { "list": [ { "name": "repo", "type": "query", "definition": "SHOW TAG VALUES WITH KEY = \"repo\"", "includeAll": true } ] },
              "panels": [
                { "id": 1, "type": "stat", "title": "Fine", "options": { "colorMode": "value", "reduceOptions": { "calcs": ["lastNotNull"] } },
                  "fieldConfig": { "defaults": { "unit": "s", "thresholds": { "mode": "absolute", "steps": [ { "color": "green", "value": null } ] } }, "overrides": [] } },
                { "id": 2, "type": "stat", "title": "Misspelt", "options": { "reduceOption": { "calcs": ["lastNotNull"] } } },
                { "id": 3, "type": "bargauge", "title": "Bad value", "options": { "displayMode": "fancy" } },
                { "id": 4, "type": "timeseries", "title": "Unknown setting", "maxDataPoint": 100 },
                { "id": 5, "type": "row", "title": "Section", "collapsed": true, "panels": [
                  { "id": 6, "type": "table", "title": "Nested", "fieldConfig": { "defaults": { "custom": { "align": "middle" } } } } ] }
              ]
            }
            """)!.AsObject();

        var errors = await GrafanaSchemaCheck.CheckDashboardsAsync(new Dictionary<string, JsonObject>(StringComparer.Ordinal) { ["broken.json"] = board });

        var all = string.Join('\n', errors);
        Assert.False(errors.Any(e => e.Contains("\"Fine\"", StringComparison.Ordinal) || e.Contains("settings, variables", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.json: panel 2 \"Misspelt\" (stat)", StringComparison.Ordinal) && e.Contains("'\"reduceOption\"'", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.json: panel 3 \"Bad value\" (bargauge)", StringComparison.Ordinal) && e.Contains("\"fancy\"", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.json: panel 4 \"Unknown setting\" (timeseries)", StringComparison.Ordinal) && e.Contains("'\"maxDataPoint\"'", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.json: panel 6 \"Nested\" (table)", StringComparison.Ordinal) && e.Contains("\"middle\"", StringComparison.Ordinal)), all);
    }

    [Fact]
    public async Task Every_alert_rule_and_expression_uses_only_names_and_values_Grafanas_published_types_have()
    {
        var rules = GrafanaFiles.TypedYaml(GrafanaFiles.AlertRulesFile).AsObject();

        var errors = await GrafanaSchemaCheck.CheckAlertRulesAsync(new Dictionary<string, JsonObject>(StringComparer.Ordinal) { ["flowcollector-alert-rules.yaml"] = rules });

        Assert.True(errors.Count == 0, string.Join('\n', errors));
        Assert.Equal(9, rules["groups"]!.AsArray().Sum(g => g!["rules"]!.AsArray().Count)); // the check saw every rule
    }

    [Fact]
    public async Task A_wrong_reducer_threshold_type_state_or_rule_setting_is_named_with_its_rule_and_query()
    {
        var file = JsonNode.Parse("""
            {
              "apiVersion": 1,
              "groups": [ { "orgId": 1, "name": "g", "folder": "F", "interval": "1m", "rules": [
                { "uid": "good", "title": "Good", "condition": "C", "for": "5m", "noDataState": "OK", "execErrState": "Error",
                  "isPaused": false, "annotations": { "summary": "s" }, "labels": { "severity": "warning" },
                  "data": [
                    { "refId": "A", "relativeTimeRange": { "from": 600, "to": 0 }, "datasourceUid": "influx", "model": { "refId": "A", "query": "SELECT 1" } },
                    { "refId": "B", "datasourceUid": "__expr__", "model": { "refId": "B", "type": "reduce", "expression": "A", "reducer": "last", "settings": { "mode": "dropNN" } } },
                    { "refId": "C", "datasourceUid": "__expr__", "model": { "refId": "C", "type": "threshold", "expression": "B", "conditions": [ { "evaluator": { "type": "gt", "params": [0.5] } } ] } } ] },
                { "uid": "misplaced", "title": "Misplaced", "condition": "A", "for": "5m", "noDataState": "OK", "execErrState": "Error", "summary": "belongs in annotations", "data": [] },
                { "uid": "bad", "title": "Bad", "condition": "C", "for": "5m", "noDataState": "Ok", "execErrState": "Error",
                  "data": [
                    { "refId": "B", "datasourceUid": "__expr__", "model": { "refId": "B", "type": "reduce", "expression": "A", "reducer": "average" } },
                    { "refId": "C", "datasourceUid": "__expr__", "model": { "refId": "C", "type": "threshold", "expression": "B", "conditions": [ { "evaluator": { "type": "above", "params": [0.5] } } ] } } ] }
              ] } ]
            }
            """)!.AsObject();

        var errors = await GrafanaSchemaCheck.CheckAlertRulesAsync(new Dictionary<string, JsonObject>(StringComparer.Ordinal) { ["broken.yaml"] = file });

        var all = string.Join('\n', errors);
        Assert.False(errors.Any(e => e.Contains("rule good", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.yaml: rule bad \"Bad\":", StringComparison.Ordinal) && e.Contains("\"Ok\"", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.yaml: rule misplaced \"Misplaced\":", StringComparison.Ordinal) && e.Contains("'\"summary\"'", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.yaml: rule bad \"Bad\", query B:", StringComparison.Ordinal) && e.Contains("\"average\"", StringComparison.Ordinal)), all);
        Assert.True(errors.Any(e => e.StartsWith("broken.yaml: rule bad \"Bad\", query C:", StringComparison.Ordinal) && e.Contains("\"above\"", StringComparison.Ordinal)), all);
    }
}
