using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowCollector.Deployment.Tests.Helm;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// Every configuration key the binary binds (<see cref="ConfigurationKeys"/>, the same walk that checks
/// docs/configuration.md) can be set from the chart: through its own value under <c>config</c>/<c>state</c> (or a
/// passed-through <c>resilience</c> map), and every one of them through <c>extraEnv</c>, the chart's generic
/// pass-through, which wins over the ConfigMap. Credentials only ever from a Secret.
/// </summary>
public sealed class SettableKeysTests : IDisposable
{
    /// <summary>
    /// Bound keys with no value of their own in the chart, each with why; they are set through <c>extraEnv</c>. The test
    /// fails when one gets a value (take it off the list) and when a new key has neither.
    /// </summary>
    private static readonly string[] LeftToExtraEnv =
    [
        // The chart mounts the key itself (secrets.githubAppPrivateKey as Sources__GitHub__App__PrivateKey); a key file
        // from elsewhere is extraVolumes + extraVolumeMounts + extraEnv Sources__GitHub__App__PrivateKeyPath.
        "Sources:GitHub:App:PrivateKeyPath",
    ];

    private static readonly string[] CredentialNames = ["Token", "Password", "Pat", "PrivateKey", "ClientSecret", "ConnectionString"];

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-settable-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Every_bound_key_has_a_value_in_the_chart_except_the_listed_ones()
    {
        var rendered = new List<string[]>();
        foreach (var @case in ChartCases.All)
        {
            rendered.AddRange(Rendered(await HelmCli.RenderAsync(@case.ValuesFiles)));
        }

        // What no example sets: the three resilience maps filled with every key Microsoft's options bind, and Entra ID
        // with a client secret (tenant, client id, and the secret mounted from secrets.azureDevOpsClientSecret).
        var resilience = new JsonObject();
        foreach (var (section, value) in new[] { ("github", "Sources:GitHub:Resilience"), ("azureDevOps", "Sources:AzureDevOps:Resilience"), ("influxdb", "Sinks:InfluxDb:Resilience") })
        {
            resilience[section] = new JsonObject { ["resilience"] = Nested(Leaves().Where(l => l.Key.StartsWith(value + ":", StringComparison.Ordinal)), value.Split(':').Length) };
        }

        rendered.AddRange(Rendered(await RenderAsync("influxdb2-values.yaml", new JsonObject { ["config"] = resilience })));
        rendered.AddRange(Rendered(await RenderAsync("azure-devops-entra-values.yaml", new JsonObject
        {
            ["config"] = new JsonObject { ["azureDevOps"] = new JsonObject { ["entraId"] = new JsonObject { ["credential"] = "ClientSecret", ["tenantId"] = "contoso.onmicrosoft.com", ["clientId"] = "00000000-0000-0000-0000-000000000001" } } },
        })));

        var missing = Leaves().Where(l => !rendered.Any(l.Matches)).Select(l => l.Key).ToList();

        Assert.True(LeftToExtraEnv.SequenceEqual(missing), $"Bound keys no values key renders (give them a value, or list them with why): {string.Join(", ", missing.Except(LeftToExtraEnv))}; listed but now rendered: {string.Join(", ", LeftToExtraEnv.Except(missing))}");
    }

    /// <summary>
    /// One values file sets every bound key through <c>extraEnv</c> (credentials by <c>secretKeyRef</c>); the binary,
    /// reading the rendered ConfigMap and environment in its own order, sees each value — over what the ConfigMap says.
    /// </summary>
    [Fact]
    public async Task Every_bound_key_can_be_set_through_extraEnv_and_wins_over_the_ConfigMap()
    {
        var baseline = LoadAsTheContainerDoes(await HelmCli.RenderAsync([RepositoryPaths.CiValues("default-values.yaml")]));
        var expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var extraEnv = new JsonArray();
        var credentials = new List<string>();
        foreach (var (leaf, index) in Leaves().Select((l, i) => (l, i)))
        {
            var key = string.Join(':', leaf.Segments.Select(s => s == "*" ? "0" : s));
            var variable = key.Replace(":", "__", StringComparison.Ordinal);
            if (CredentialNames.Contains(leaf.Segments[^1], StringComparer.Ordinal))
            {
                credentials.Add(variable);
                extraEnv.Add(new JsonObject { ["name"] = variable, ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "elsewhere", ["key"] = variable.ToLowerInvariant() } } });
                continue;
            }

            expected[key] = Sample(leaf.Type, index, baseline[key]);
            extraEnv.Add(new JsonObject { ["name"] = variable, ["value"] = expected[key] });
        }

        var chart = await RenderAsync("default-values.yaml", new JsonObject { ["extraEnv"] = extraEnv });
        var configuration = LoadAsTheContainerDoes(chart);

        var wrong = expected.Where(e => configuration[e.Key] != e.Value).Select(e => $"{e.Key}: expected '{e.Value}', read '{configuration[e.Key]}'").ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        // The override is visible: at least the keys the ConfigMap sets (intervals, page sizes, paths) had other values there.
        Assert.True(expected.Count(e => baseline[e.Key] is { } was && was != e.Value) >= 20, "too few keys overridden a ConfigMap value");
        var references = RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer());
        Assert.Equal(
            credentials.Order(StringComparer.Ordinal),
            references.Where(r => r.SecretName == "elsewhere").Select(r => r.Variable).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(references, r => r.SecretName != "elsewhere");
    }

    public static TheoryData<string> CredentialKeys() =>
        [.. Leaves().Where(l => CredentialNames.Contains(l.Segments[^1], StringComparer.Ordinal)).Select(l => l.Key.Replace(":", "__", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(CredentialKeys))]
    public async Task A_credential_is_refused_as_a_literal_extraEnv_value(string variable)
    {
        var values = Path.Combine(directory, "literal-credential.json");
        await File.WriteAllTextAsync(values, new JsonObject { ["extraEnv"] = new JsonArray(new JsonObject { ["name"] = variable, ["value"] = "s3cr3t-value" }) }.ToJsonString(), TestContext.Current.CancellationToken);

        var result = await HelmCli.TemplateAsync([RepositoryPaths.CiValues("default-values.yaml"), values]);

        Assert.False(result.Succeeded, $"{variable} as a literal value rendered");
        Assert.Contains("no credentials in values", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Every bound key outside Microsoft's logging section; at least one per section, so the checks above check something.</summary>
    private static IReadOnlyList<ConfigurationKeys.Leaf> Leaves()
    {
        var leaves = ConfigurationKeys.Leaves;
        Assert.True(leaves.Count > 150, $"only {leaves.Count} bound keys found");
        return leaves;
    }

    /// <summary>The keys a rendered chart sets: the ConfigMap's (flattened as the JSON provider does) and the collector's variables.</summary>
    private static IEnumerable<string[]> Rendered(RenderedChart chart)
    {
        var container = chart.CollectorContainer();
        return Keys(JsonNode.Parse(chart.ConfigJson()), "")
            .Concat((container["env"]?.AsArray() ?? []).Select(e => (string)e!["name"]!))
            .Concat(RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), container).Select(r => r.Variable))
            .Select(k => k.Replace("__", ":", StringComparison.Ordinal).Split(':'));
    }

    /// <summary>The configuration keys a JSON document holds; an empty list or map is <c>path:*</c> (the place is there, values fill it).</summary>
    private static IEnumerable<string> Keys(JsonNode? node, string path) => node switch
    {
        JsonObject o when o.Count == 0 => [path + ":*"],
        JsonObject o => o.SelectMany(p => Keys(p.Value, path.Length == 0 ? p.Key : $"{path}:{p.Key}")),
        JsonArray a when a.Count == 0 => [path + ":*"],
        JsonArray a => a.SelectMany((e, i) => Keys(e, $"{path}:{i}")),
        _ => [path],
    };

    /// <summary>The leaves below <paramref name="depth"/> segments as one nested map of sample values.</summary>
    private static JsonObject Nested(IEnumerable<ConfigurationKeys.Leaf> leaves, int depth)
    {
        var root = new JsonObject();
        foreach (var (leaf, index) in leaves.Select((l, i) => (l, i)))
        {
            var node = root;
            foreach (var segment in leaf.Segments[depth..^1])
            {
                node = (JsonObject)(node[segment] ??= new JsonObject());
            }

            node[leaf.Segments[^1]] = Sample(leaf.Type, index, null);
        }

        return root;
    }

    /// <summary>A value of <paramref name="type"/> unlike the ConfigMap's <paramref name="current"/> where the type allows.</summary>
    private static string Sample(Type type, int index, string? current)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(bool) => current is { } was && bool.TryParse(was, out var flag) ? (!flag).ToString().ToLowerInvariant() : "true",
            _ when target == typeof(int) || target == typeof(long) => (7000 + index).ToString(CultureInfo.InvariantCulture),
            _ when target == typeof(double) || target == typeof(decimal) || target == typeof(float) => "0.375",
            _ when target == typeof(TimeSpan) => TimeSpan.FromSeconds(3607 + index).ToString("c", CultureInfo.InvariantCulture),
            _ when target == typeof(Uri) => $"https://settable-{index}.example/",
            _ when target.IsEnum => Enum.GetNames(target).First(n => !string.Equals(n, current, StringComparison.OrdinalIgnoreCase)),
            _ => $"settable-{index}",
        };
    }

    private async Task<RenderedChart> RenderAsync(string ciValues, JsonObject overlay)
    {
        var file = Path.Combine(directory, $"overlay-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, overlay.ToJsonString(), TestContext.Current.CancellationToken);
        return await HelmCli.RenderAsync([RepositoryPaths.CiValues(ciValues), file]);
    }

    /// <summary>
    /// The configuration the container builds: the ConfigMap's file through <c>--config</c> and the container's literal
    /// variables in the place of the process environment (the binary's own <see cref="ConfigurationSetup"/> order).
    /// </summary>
    private ConfigurationManager LoadAsTheContainerDoes(RenderedChart chart)
    {
        var container = chart.CollectorContainer();
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        var configFile = Path.Combine(directory, $"flowcollector-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, chart.ConfigJson());
        args[args.IndexOf("--config") + 1] = configFile;
        var environment = (container["env"]?.AsArray() ?? [])
            .Where(e => e!["value"] is not null)
            .ToDictionary(e => ((string)e!["name"]!).Replace("__", ":", StringComparison.Ordinal), e => (string?)e!["value"], StringComparer.OrdinalIgnoreCase);
        environment.Remove("FLOWCOLLECTOR_SECRETS_DIR");

        var configuration = new ConfigurationManager();
        ConfigurationSetup.Apply(configuration, CommandLine.Parse(args), "Production", _ => null);
        // The test process's environment is not the pod's: the pod's variables take its place in the order.
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var at = sources.Select((s, i) => (s, i)).Single(p => p.s is EnvironmentVariablesConfigurationSource).i;
        sources[at] = new MemoryConfigurationSource { InitialData = environment };
        return configuration;
    }
}
