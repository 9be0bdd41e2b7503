using System.Text.Json.Nodes;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>One query of one panel of a dashboard file.</summary>
public sealed record PanelQuery(string Dashboard, int PanelId, string PanelTitle, string RefId, string Query, string? MinInterval, string? Repeat);

/// <summary>Reads the panels and queries of the dashboards and resolves their variables the way Grafana does on load.</summary>
public static class DashboardQueries
{
    public const string AllValue = "$__all";

    /// <summary>Every panel, with the panels of collapsed rows.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        foreach (var panel in dashboard["panels"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            yield return panel;
            foreach (var nested in panel["panels"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                yield return nested;
            }
        }
    }

    public static IEnumerable<JsonObject> Variables(JsonObject dashboard) =>
        dashboard["templating"]?["list"]?.AsArray().OfType<JsonObject>() ?? [];

    public static IEnumerable<PanelQuery> Of(string name)
    {
        var dashboard = GrafanaFiles.Dashboard(name);
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                yield return new PanelQuery(
                    name,
                    (int)panel["id"]!,
                    (string?)panel["title"] ?? "",
                    (string?)target["refId"] ?? "",
                    (string?)target["query"] ?? throw new InvalidDataException($"{name}: panel {panel["id"]} target {target["refId"]} has no raw query."),
                    (string?)panel["interval"],
                    (string?)panel["repeat"]);
            }
        }
    }

    public static IEnumerable<PanelQuery> All() => GrafanaFiles.DashboardNames.SelectMany(Of);

    /// <summary>
    /// Resolves the dashboard's variables in order, as Grafana does on load: query variables run their (interpolated)
    /// query against InfluxDB, custom variables split their list; the selection is the variable's saved
    /// <c>current</c> ("All" → every option) unless <paramref name="selection"/> names values for it.
    /// </summary>
    public static async Task<GrafanaQueryExpander> ResolveAsync(
        JsonObject dashboard, InfluxDbServer influx, string database, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selection, CancellationToken cancellationToken)
    {
        var expander = new GrafanaQueryExpander(from, to);
        foreach (var variable in Variables(dashboard))
        {
            var name = (string)variable["name"]!;
            var type = (string?)variable["type"];
            if (type == "datasource")
            {
                continue;
            }

            var options = type switch
            {
                "query" => await OptionsAsync(influx, database, expander.Expand((string)variable["query"]!), cancellationToken),
                "custom" => ((string)variable["query"]!).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
                _ => throw new NotSupportedException($"Variable {name} has type {type}; the tests resolve query and custom variables."),
            };
            var current = variable["current"]?["value"] switch
            {
                JsonArray array => array.Select(v => (string)v!).ToList(),
                JsonValue value => [(string)value!],
                _ => [],
            };
            var selected = selection is not null && selection.TryGetValue(name, out var wanted) ? wanted.ToList() : null;
            var all = selected is null && (current.Contains(AllValue) || current.Count == 0);
            var chosen = selected ?? (all ? options : current);
            var multiOrAll = (bool?)variable["multi"] == true || (bool?)variable["includeAll"] == true;
            expander = expander.With(new VariableValue(name, chosen, multiOrAll) { AllValue = all ? (string?)variable["allValue"] : null });
        }

        return expander;
    }

    /// <summary>The values a <c>SHOW TAG VALUES</c> (or any one-column) variable query returns.</summary>
    public static async Task<List<string>> OptionsAsync(InfluxDbServer influx, string database, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(influx);
        var rows = await influx.QueryRowsAsync(database, query, cancellationToken);
        return rows.Select(r => r.TryGetValue("value", out var v) ? v.ToString() : r.Values.Last().ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
