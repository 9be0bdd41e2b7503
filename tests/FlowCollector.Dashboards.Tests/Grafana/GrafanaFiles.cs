using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>The repository's <c>grafana/</c> folder: dashboards (JSON) and provisioning files (YAML, read as JSON nodes).</summary>
public static class GrafanaFiles
{
    /// <summary>The uid of the InfluxDB data source the provisioning examples create and the alert rules query.</summary>
    public const string DatasourceUid = "flowcollector-influxdb";

    public static string Root { get; } = FindRoot();

    public static string DashboardsDirectory => Path.Combine(Root, "dashboards");

    public static string AlertRulesFile => Path.Combine(Root, "provisioning", "alerting", "flowcollector-alert-rules.yaml");

    /// <summary>docs/runbooks.md: one section per alert rule, headed by the rule's title.</summary>
    public static string RunbookFile => Path.Combine(Root, "..", "docs", "runbooks.md");

    /// <summary>The placeholder the rule file's runbook links start with (replaced by the chart from grafana.alerts.runbookBaseUrl).</summary>
    public const string RunbookBaseUrl = "https://flowcollector.invalid/docs/runbooks.md";

    /// <summary>GitHub's heading anchor: lower case, punctuation other than '-' and '_' dropped, spaces → '-'.</summary>
    public static string GitHubAnchor(string heading) =>
        string.Concat(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');

    /// <summary>The dashboard files' names, e.g. <c>value-stream.json</c>.</summary>
    public static IReadOnlyList<string> DashboardNames =>
        Directory.GetFiles(DashboardsDirectory, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public static JsonObject Dashboard(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(DashboardsDirectory, name)))?.AsObject()
        ?? throw new InvalidDataException($"{name} is not a JSON object.");

    /// <summary>Reads a YAML file into JSON nodes (scalars stay strings, as YAML does not type them without a schema).</summary>
    public static JsonNode Yaml(string path) => Read(path, new DeserializerBuilder());

    /// <summary>
    /// Reads a YAML file into JSON nodes with its plain scalars typed as YAML's core schema types them (<c>86400</c> a
    /// number, <c>false</c> a boolean, <c>15m</c> a string), as Grafana reads a provisioning file.
    /// </summary>
    public static JsonNode TypedYaml(string path) => Read(path, new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization());

    private static JsonNode Read(string path, DeserializerBuilder builder) =>
        JsonSerializer.SerializeToNode(Normalise(builder.Build().Deserialize<object?>(File.ReadAllText(path)))) ?? throw new InvalidDataException($"{path} is empty.");

    private static object? Normalise(object? value) => value switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => kv.Key.ToString()!, kv => Normalise(kv.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Normalise).ToList(),
        _ => value,
    };

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlowCollector.sln")))
            {
                return Path.Combine(directory.FullName, "grafana");
            }
        }

        throw new InvalidOperationException($"No FlowCollector.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}
