using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>One entry of a rule's <c>data</c>: a data-source query or a server-side expression (<c>__expr__</c>).</summary>
public sealed record AlertQuery(string RefId, string DatasourceUid, long FromSeconds, long ToSeconds, JsonObject Model)
{
    public const string ExpressionUid = "__expr__";

    public bool IsExpression => DatasourceUid == ExpressionUid;

    /// <summary>The expression type (<c>reduce</c>, <c>math</c>, <c>threshold</c>, …) or null for a data-source query.</summary>
    public string? ExpressionType => IsExpression ? (string?)Model["type"] : null;

    /// <summary>The InfluxQL of a data-source query.</summary>
    public string Query => (string?)Model["query"] ?? throw new InvalidDataException($"Query {RefId} has no model.query.");
}

/// <summary>A Grafana-managed alert rule as file provisioning (apiVersion 1) declares it.</summary>
public sealed record AlertRule(
    string Group, string Uid, string Title, string Condition, IReadOnlyList<AlertQuery> Data, string NoDataState, string ExecErrState, string For,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>Every rule of every group in a provisioning file read as JSON nodes (<see cref="GrafanaFiles.Yaml"/>).</summary>
    public static IReadOnlyList<AlertRule> All(JsonNode file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var rules = new List<AlertRule>();
        foreach (var group in file["groups"]?.AsArray() ?? [])
        {
            var groupName = (string?)group!["name"] ?? "";
            foreach (var rule in group["rules"]?.AsArray() ?? [])
            {
                var data = (rule!["data"]?.AsArray() ?? []).Select(d => new AlertQuery(
                    (string?)d!["refId"] ?? "",
                    (string?)d["datasourceUid"] ?? "",
                    Seconds(d["relativeTimeRange"]?["from"]),
                    Seconds(d["relativeTimeRange"]?["to"]),
                    d["model"]?.AsObject() ?? [])).ToList();
                rules.Add(new AlertRule(
                    groupName,
                    (string?)rule["uid"] ?? "",
                    (string?)rule["title"] ?? "",
                    (string?)rule["condition"] ?? "",
                    data,
                    (string?)rule["noDataState"] ?? "",
                    (string?)rule["execErrState"] ?? "",
                    (string?)rule["for"] ?? "",
                    Strings(rule["labels"]),
                    Strings(rule["annotations"])));
            }
        }

        return rules;
    }

    private static long Seconds(JsonNode? node) => node is null ? 0 : long.Parse(node.ToString(), CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Strings(JsonNode? node) =>
        (node as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
