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
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selection, CancellationToken cancellationToken) =>
        (await ResolveWithOptionsAsync(dashboard, influx, database, from, to, selection, cancellationToken)).Expander;

    /// <summary>
    /// The options Grafana offers for <paramref name="variable"/> (in Grafana's order) once the variables before it are
    /// resolved as in <see cref="ResolveAsync"/>: what a repeat over it with "All" repeats.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OptionsOfAsync(
        JsonObject dashboard, string variable, InfluxDbServer influx, string database, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selection, CancellationToken cancellationToken) =>
        (await ResolveWithOptionsAsync(dashboard, influx, database, from, to, selection, cancellationToken)).Options[variable];

    private static async Task<(GrafanaQueryExpander Expander, Dictionary<string, List<string>> Options)> ResolveWithOptionsAsync(
        JsonObject dashboard, InfluxDbServer influx, string database, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? selection, CancellationToken cancellationToken)
    {
        var expander = new GrafanaQueryExpander(from, to);
        var offered = new Dictionary<string, List<string>>(StringComparer.Ordinal);
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
                "query" => await OptionsAsync(influx, database, expander.Expand((string)variable["query"]!), cancellationToken, (int?)variable["sort"] ?? 0),
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
            offered[name] = options;
        }

        return (expander, offered);
    }

    /// <summary>
    /// The options a query variable offers, read from the response as Grafana's InfluxQL response parser reads them
    /// (public/app/plugins/datasource/influxdb/response_parser.ts, <c>parse</c>): per row the second column when there is
    /// one — the tag value of <c>SHOW TAG VALUES</c>, the first selected column after <c>time</c> of a <c>SELECT</c> — else
    /// the first; series by series, rows in the order returned, each value once. Then the variable's <c>sort</c>:
    /// 0 keeps that order (what lets a query decide it, e.g. stages by <c>stage_order</c>); any other is emulated as
    /// ordinal ascending (the boards use 1, alphabetical ascending).
    /// </summary>
    public static async Task<List<string>> OptionsAsync(InfluxDbServer influx, string database, string query, CancellationToken cancellationToken, int sort = 1)
    {
        ArgumentNullException.ThrowIfNull(influx);
        var root = await influx.QueryAsync(database, query, cancellationToken);
        var values = new List<string>();
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            if (!result.TryGetProperty("series", out var seriesList))
            {
                continue;
            }

            foreach (var series in seriesList.EnumerateArray())
            {
                foreach (var row in series.GetProperty("values").EnumerateArray())
                {
                    var cells = row.EnumerateArray().ToList();
                    var cell = cells.Count > 1 ? cells[1] : cells[0];
                    values.Add(cell.ValueKind == System.Text.Json.JsonValueKind.String ? cell.GetString()! : cell.GetRawText());
                }
            }
        }

        var distinct = values.Distinct(StringComparer.Ordinal);
        return sort == 0 ? distinct.ToList() : distinct.Order(StringComparer.Ordinal).ToList();
    }
}
