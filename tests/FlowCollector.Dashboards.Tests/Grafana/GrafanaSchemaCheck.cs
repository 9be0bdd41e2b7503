using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowCollector.Testing;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>
/// Type-checks dashboards against Grafana's own published schema: the TypeScript types of npm <c>@grafana/schema</c>
/// (the dashboard model, and per panel type its options and field config), with the TypeScript compiler. A dashboard
/// becomes a TypeScript object literal of the matching type, so an option name Grafana does not have, or a value
/// outside an option's allowed set, is a compile error. Everything stays optional (Grafana fills in what a file leaves
/// out); names and values must exist. Alert rule files are checked the same way against the foundation SDK's rule and
/// server-side expression types.
/// </summary>
internal static partial class GrafanaSchemaCheck
{
    /// <summary>The schema of the oldest Grafana the boards support (schemaVersion 39 = Grafana 10.4).</summary>
    public const string SchemaPackage = "@grafana/schema@10.4.19";

    public const string TypeScriptPackage = "typescript@5.9.3";

    /// <summary>Grafana's published types for alert rules and server-side expressions (reduce, math, threshold…).</summary>
    public const string FoundationSdkPackage = "@grafana/grafana-foundation-sdk@0.0.21";

    private const string SchemaVariable = "FLOWCOLLECTOR_GRAFANA_SCHEMA";

    private const string TypeScriptVariable = "FLOWCOLLECTOR_TYPESCRIPT";

    private const string FoundationSdkVariable = "FLOWCOLLECTOR_GRAFANA_FOUNDATION_SDK";

    /// <summary>
    /// Checks <paramref name="dashboards"/> (file name → dashboard JSON); returns one line per compile error, naming the
    /// dashboard and the panel (or the dashboard's own settings) it is in.
    /// </summary>
    public static Task<List<string>> CheckDashboardsAsync(IReadOnlyDictionary<string, JsonObject> dashboards)
    {
        var schema = PublishedDescriptions.Locate(SchemaVariable, SchemaPackage, "", "dist/esm/index.d.ts");
        return CompileAsync(
            work =>
            {
                CopyDeclarations(Path.Combine(schema, "dist", "esm"), Path.Combine(work, "schema"));
                return Source(dashboards, work);
            },
            """{ "@grafana/schema": ["./schema/index.d.ts"] }""");
    }

    /// <summary>
    /// Checks alert rule provisioning files (file name → the file's YAML as JSON, scalars typed) against the foundation
    /// SDK's rule and expression types: each rule's own settings (its <c>for</c>, states, annotations, labels…) and each
    /// server-side expression's model (reduce, math, threshold…). The group level (<c>orgId</c>, <c>folder</c>,
    /// <c>interval</c>) is the file format's own and not in those types; the InfluxQL query models are the data
    /// source's.
    /// </summary>
    public static Task<List<string>> CheckAlertRulesAsync(IReadOnlyDictionary<string, JsonObject> files)
    {
        var sdk = PublishedDescriptions.Locate(FoundationSdkVariable, FoundationSdkPackage, "", "dist/alerting/types.gen.d.ts");
        return CompileAsync(
            work =>
            {
                foreach (var folder in (string[])["alerting", "expr", "common", "cog"])
                {
                    CopyDeclarations(Path.Combine(sdk, "dist", folder), Path.Combine(work, "sdk", folder));
                }

                return RuleSource(files);
            },
            "{}");
    }

    /// <summary>Writes the declarations and check.ts (from <paramref name="prepare"/>) to a temporary folder and compiles them.</summary>
    private static async Task<List<string>> CompileAsync(Func<string, (string Source, List<string> Parts)> prepare, string paths)
    {
        var typescript = PublishedDescriptions.Locate(TypeScriptVariable, TypeScriptPackage, "", "bin/tsc");
        var node = Node();
        var work = Directory.CreateTempSubdirectory("flowcollector-grafana-schema-");
        try
        {
            var (source, parts) = prepare(work.FullName);
            File.WriteAllText(Path.Combine(work.FullName, "check.ts"), source);
            File.WriteAllText(Path.Combine(work.FullName, "tsconfig.json"), $$"""
                {
                  "compilerOptions": {
                    "strict": true, "noEmit": true, "target": "es2022", "module": "es2022", "moduleResolution": "bundler",
                    "skipLibCheck": true, "baseUrl": ".", "paths": {{paths}}
                  },
                  "files": ["check.ts"]
                }
                """);
            var tsc = await ToolRun.RunAsync(
                node,
                [Path.Combine(typescript, "bin", "tsc"), "--pretty", "false", "-p", work.FullName],
                TimeSpan.FromMinutes(5),
                TestContext.Current.CancellationToken,
                work.FullName);
            var firstLines = FirstLines(source);
            var errors = (tsc.Stdout + tsc.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => Located(line, parts, firstLines))
                .ToList();
            if (tsc.ExitCode != 0 && errors.Count == 0)
            {
                errors.Add($"tsc exited with {tsc.ExitCode} and printed nothing");
            }

            return errors;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (string Source, List<string> Parts) RuleSource(IReadOnlyDictionary<string, JsonObject> files)
    {
        var source = new StringBuilder();
        source.AppendLine("""
            import type * as alerting from './sdk/alerting/types.gen';
            import type * as expr from './sdk/expr/types.gen';
            // Each expression type without the SDK's marker method (a type brand, not a field of the JSON).
            type Expression = expr.expr extends infer T ? (T extends unknown ? Omit<T, '_implementsDataqueryVariant'> : never) : never;
            type ExpressionQuery = Omit<alerting.Query, 'model' | 'datasourceUid'> & { datasourceUid: '__expr__'; model: Expression };
            type DataSourceQuery = Omit<alerting.Query, 'model'> & { model: Record<string, unknown> };
            // A rule as the file holds it: the API's rule less what the file's group gives it (folder, organisation, group
            // name) and what the server sets (id, provenance, updated); its queries are checked one by one.
            type FileRule = Omit<alerting.Rule, 'data' | 'folderUID' | 'orgID' | 'ruleGroup' | 'id' | 'provenance' | 'updated'> & { data: unknown[] };
            """);
        var parts = new List<string>();
        var options = new JsonSerializerOptions { WriteIndented = true };
        foreach (var (name, file) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            foreach (var rule in (file["groups"]?.AsArray() ?? []).SelectMany(g => g?["rules"]?.AsArray() ?? []).OfType<JsonObject>())
            {
                var copy = rule.DeepClone().AsObject();
                var data = copy["data"]?.AsArray() ?? [];
                copy["data"] = new JsonArray();
                var label = $"{name}: rule {rule["uid"]} \"{rule["title"]}\"";
                Append(source, parts, label, "FileRule", copy.ToJsonString(options));
                foreach (var query in data.OfType<JsonObject>())
                {
                    var type = query["datasourceUid"]?.GetValue<string>() == "__expr__" ? "ExpressionQuery" : "DataSourceQuery";
                    Append(source, parts, $"{label}, query {query["refId"]}", type, query.ToJsonString(options));
                }
            }
        }

        return (source.ToString(), parts);
    }

    /// <summary>
    /// The schema's declarations, with each enum rewritten as the union of its values: a dashboard file holds the values
    /// (<c>"absolute"</c>), which TypeScript does not accept for an enum type (<c>ThresholdsMode</c>).
    /// </summary>
    private static void CopyDeclarations(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*.d.ts", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, EnumDeclaration().Replace(File.ReadAllText(file), match =>
            {
                var values = EnumValue().Matches(match.Groups["body"].Value).Select(v => v.Groups["value"].Value).ToList();
                return values.Count == 0 ? match.Value : $"{match.Groups["export"].Value}type {match.Groups["name"].Value} = {string.Join(" | ", values)};";
            }));
        }
    }

    private static (string Source, List<string> Parts) Source(IReadOnlyDictionary<string, JsonObject> dashboards, string work)
    {
        var panelTypes = dashboards.Values
            .SelectMany(d => Flatten(d["panels"]?.AsArray() ?? []))
            .Select(p => p["type"]?.GetValue<string>() ?? "")
            .Where(t => t != "row")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var source = new StringBuilder();
        source.AppendLine("import type * as dash from './schema/raw/dashboard/x/dashboard_types.gen';");
        var withFieldConfig = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in panelTypes)
        {
            var file = Directory.GetFiles(Path.Combine(work, "schema", "raw", "composable", type, "panelcfg", "x"), "*_types.gen.d.ts").SingleOrDefault()
                ?? throw new InvalidDataException($"Grafana's schema has no panel type '{type}'");
            source.AppendLine(CultureInfo.InvariantCulture, $"import type * as {Identifier(type)} from './{Path.GetRelativePath(work, file)[..^".d.ts".Length]}';");
            if (File.ReadAllText(file).Contains("export interface FieldConfig ", StringComparison.Ordinal))
            {
                withFieldConfig.Add(type);
            }
        }

        source.AppendLine("""
            type DeepPartial<T> = T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
            // Grafana keeps a query variable's query text as `definition` too (QueryVariableModel,
            // public/app/features/variables/types.ts); the published schema leaves it out.
            type Variable = DeepPartial<dash.VariableModel> & { definition?: string };
            // The InfluxDB data source's annotation query (its AnnotationEditor: query, textColumn, tagsColumn,
            // timeEndColumn), which the dashboard schema leaves to the data source.
            type Annotation = DeepPartial<dash.AnnotationQuery> & { query?: string; textColumn?: string; tagsColumn?: string; timeEndColumn?: string };
            type Board = Omit<DeepPartial<dash.Dashboard>, 'panels' | 'templating' | 'annotations'> & { templating?: { list?: Variable[] }; annotations?: { list?: Annotation[] } };
            type Override = { matcher: dash.MatcherConfig; properties: { id: string; value?: unknown }[] };
            type PanelOf<O, F> = Omit<DeepPartial<dash.Panel>, 'options' | 'fieldConfig'> & { options?: DeepPartial<O>; fieldConfig?: { defaults?: Omit<DeepPartial<dash.FieldConfig>, 'custom'> & { custom?: DeepPartial<F> }; overrides?: Override[] } };
            type Row = DeepPartial<dash.RowPanel>;
            """);
        var parts = new List<string>();
        var options = new JsonSerializerOptions { WriteIndented = true };
        foreach (var (name, original) in dashboards.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var dashboard = original.DeepClone().AsObject();
            // A collapsed row keeps its panels inside it: each is checked as a panel of its own type.
            var panels = Flatten(dashboard["panels"]?.AsArray() ?? []);
            dashboard.Remove("panels");
            Append(source, parts, $"{name}: the dashboard's settings, variables and annotations", "Board", dashboard.ToJsonString(options));
            for (var i = 0; i < panels.Count; i++)
            {
                var panel = panels[i];
                var type = panel["type"]?.GetValue<string>() ?? "";
                var typeName = type == "row"
                    ? "Row"
                    : $"PanelOf<{Identifier(type)}.Options, {(withFieldConfig.Contains(type) ? Identifier(type) + ".FieldConfig" : "Record<string, never>")}>";
                Append(source, parts, $"{name}: panel {panel["id"]} \"{panel["title"]}\" ({type})", typeName, panel.ToJsonString(options));
            }
        }

        return (source.ToString(), parts);
    }

    private static List<JsonObject> Flatten(JsonArray panels)
    {
        var flat = new List<JsonObject>();
        foreach (var panel in panels.OfType<JsonObject>())
        {
            var copy = panel.DeepClone().AsObject();
            var inner = copy["panels"] as JsonArray;
            copy.Remove("panels");
            flat.Add(copy);
            flat.AddRange(Flatten(inner ?? []));
        }

        return flat;
    }

    /// <summary>Adds one checked part, <c>export const part{N}</c> (N from 1), to the source; its name is parts[N - 1].</summary>
    private static void Append(StringBuilder source, List<string> parts, string name, string type, string json)
    {
        parts.Add(name);
        source.AppendLine(CultureInfo.InvariantCulture, $"export const part{parts.Count}: {type} = {json};");
    }

    /// <summary>The line (from 1) each part starts on, in part order.</summary>
    private static List<int> FirstLines(string source) =>
        source.Split('\n').Select((line, index) => (line, index)).Where(l => PartStart().IsMatch(l.line)).Select(l => l.index + 1).ToList();

    private static string Identifier(string panelType) => "p_" + NonIdentifier().Replace(panelType, "_");

    /// <summary>"check.ts(95,5): error TS2353: …" → "value-stream.json: panel 4 "…" (stat): error TS2353: …".</summary>
    private static string Located(string line, List<string> parts, List<int> firstLines)
    {
        var match = ErrorLocation().Match(line);
        if (!match.Success)
        {
            return line;
        }

        var at = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
        var part = firstLines.FindLastIndex(first => first <= at);
        return $"{(part < 0 ? "check.ts" : parts[part])}: {match.Groups["message"].Value}";
    }

    private static string Node()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "node"))
            .FirstOrDefault(File.Exists);
        return found ?? RequiredBinary.Find("/usr/bin/node", "nodejs");
    }

    [GeneratedRegex(@"(?<export>export )?declare enum (?<name>\w+)\s*\{(?<body>[^}]*)\}")]
    private static partial Regex EnumDeclaration();

    [GeneratedRegex("""=\s*(?<value>"[^"]*"|'[^']*'|-?\d+)""")]
    private static partial Regex EnumValue();

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex NonIdentifier();

    [GeneratedRegex(@"^export const part\d+: ")]
    private static partial Regex PartStart();

    [GeneratedRegex(@"^check\.ts\((?<line>\d+),\d+\): (?<message>.*)$")]
    private static partial Regex ErrorLocation();
}
