using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>What <c>helm template</c> renders for each example values file, parsed and checked field by field.</summary>
public sealed partial class RenderedManifestTests
{
    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task Every_pod_runs_non_root_read_only_without_capabilities(string valuesFile)
    {
        var chart = await HelmCli.RenderAsync(ChartCases.Get(valuesFile).ValuesFiles);

        foreach (var pod in chart.AllPodSpecs())
        {
            var podContext = pod["securityContext"];
            foreach (var container in pod["containers"]!.AsArray().Select(c => c!.AsObject()))
            {
                var where = $"{valuesFile}: container {container["name"]}";
                var context = container["securityContext"];
                Assert.True(Effective(podContext, context, "runAsNonRoot")?.GetValue<bool>() == true, $"{where}: runAsNonRoot");
                Assert.True(context?["readOnlyRootFilesystem"]?.GetValue<bool>() == true, $"{where}: readOnlyRootFilesystem");
                Assert.True(context?["allowPrivilegeEscalation"]?.GetValue<bool>() == false, $"{where}: allowPrivilegeEscalation");
                Assert.Contains("ALL", context?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c) ?? [], StringComparer.Ordinal);
                Assert.Equal("RuntimeDefault", (string?)Effective(podContext, context, "seccompProfile")?["type"]);
                var user = Effective(podContext, context, "runAsUser")?.GetValue<long>();
                Assert.True(user is null or > 0, $"{where}: runAsUser {user}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task The_collector_has_resources_a_writable_state_volume_and_tmp(string valuesFile)
    {
        var chart = await HelmCli.RenderAsync(ChartCases.Get(valuesFile).ValuesFiles);
        var container = chart.CollectorContainer();
        var config = JsonNode.Parse(chart.ConfigJson())!;

        Assert.False(string.IsNullOrEmpty((string?)container["resources"]?["requests"]?["cpu"]), "cpu request");
        Assert.False(string.IsNullOrEmpty((string?)container["resources"]?["requests"]?["memory"]), "memory request");
        Assert.False(string.IsNullOrEmpty((string?)container["resources"]?["limits"]?["memory"]), "memory limit");

        // The root filesystem is read-only, so every path the binary writes must sit on a writable mount.
        var writable = WritableMounts(chart.CollectorPodSpec(), container);
        Assert.Contains("/tmp", writable);
        foreach (var path in new[] { (string)config["State"]!["SqlitePath"]!, (string)config["Sinks"]!["File"]!["Path"]! })
        {
            Assert.True(writable.Any(m => path.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal)), $"{path} is not on a writable volume (writable: {string.Join(", ", writable)})");
        }
    }

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task The_mode_decides_command_probes_and_what_is_exposed(string valuesFile)
    {
        var @case = ChartCases.Get(valuesFile);
        var chart = await HelmCli.RenderAsync(@case.ValuesFiles);
        var container = chart.CollectorContainer();
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();

        Assert.Equal(["--config", "/etc/flowcollector/flowcollector.json"], args.Skip(1));
        if (@case.Mode == "deployment")
        {
            Assert.Equal("run", args[0]);
            Assert.Equal("/healthz", (string?)container["livenessProbe"]?["httpGet"]?["path"]);
            Assert.Equal("/readyz", (string?)container["readinessProbe"]?["httpGet"]?["path"]);
            Assert.Equal("http", (string?)container["livenessProbe"]?["httpGet"]?["port"]);
            var port = container["ports"]!.AsArray().Single()!;
            Assert.Equal(("http", 8080L), ((string?)port["name"], port["containerPort"]!.GetValue<long>()));
            // One SQLite writer: Recreate. A shared PostgreSQL store and a clustered scheduler: replicas roll.
            var shared = valuesFile.StartsWith("postgresql", StringComparison.Ordinal);
            Assert.Equal(shared ? "RollingUpdate" : "Recreate", (string?)chart.Single("Deployment")["spec"]!["strategy"]!["type"]);
            Assert.True(chart.Single("Deployment")["spec"]!["replicas"]!.GetValue<long>() <= (shared ? 3 : 1));
            Assert.Equal("http", (string?)chart.Single("Service")["spec"]!["ports"]![0]!["targetPort"]);
            AssertSelects(chart.Single("Service")["spec"]!["selector"]!, chart, "Service");
            AssertSelects(chart.Single("PodDisruptionBudget")["spec"]!["selector"]!["matchLabels"]!, chart, "PodDisruptionBudget");
            Assert.Null(chart.Find("CronJob"));
        }
        else
        {
            Assert.Equal("once", args[0]);
            Assert.Null(container["livenessProbe"]);
            Assert.Null(container["readinessProbe"]);
            Assert.Equal("Never", (string?)chart.CollectorPodSpec()["restartPolicy"]);
            Assert.Equal("Forbid", (string?)chart.Single("CronJob")["spec"]!["concurrencyPolicy"]);
            Assert.Null(chart.Find("Deployment"));
            Assert.Null(chart.Find("Service"));
            Assert.Null(chart.Find("PodDisruptionBudget"));
        }
    }

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task A_helm_test_hook_checks_the_release(string valuesFile)
    {
        var @case = ChartCases.Get(valuesFile);
        var chart = await HelmCli.RenderAsync(@case.ValuesFiles);

        var test = chart.OfKind("Pod").Single(p => (string?)p["metadata"]!["annotations"]?["helm.sh/hook"] == "test");
        var container = test["spec"]!["containers"]![0]!;
        if (@case.Mode == "deployment")
        {
            var script = string.Join(' ', container["command"]!.AsArray().Select(c => (string?)c));
            Assert.Contains($"http://{HelmCli.ReleaseName}-flowcollector:8080/readyz", script, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("validate", (string?)container["args"]![0]);
            Assert.Equal(SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer()), SecretReferences(test["spec"]!.AsObject(), container.AsObject()));
        }
    }

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task Credentials_come_only_from_the_existing_secret(string valuesFile)
    {
        var @case = ChartCases.Get(valuesFile);
        var chart = await HelmCli.RenderAsync(@case.ValuesFiles);
        var pod = chart.CollectorPodSpec();
        var container = chart.CollectorContainer();

        Assert.Empty(chart.OfKind("Secret"));
        var references = SecretReferences(pod, container);
        Assert.Equal(@case.SecretKeysByVariable.OrderBy(p => p.Key, StringComparer.Ordinal), references.Select(r => KeyValuePair.Create(r.Variable, r.Key)));
        Assert.All(references, r => Assert.Equal(@case.SecretOf(r.Variable), r.SecretName));
        Assert.All(references, r => Assert.Equal(@case.MountAs, r.Via));
        if (@case.MountAs == "files" && references.Count > 0)
        {
            var dir = container["env"]!.AsArray().Single(e => (string?)e!["name"] == "FLOWCOLLECTOR_SECRETS_DIR")!["value"];
            Assert.Equal("/var/run/secrets/flowcollector", (string?)dir);
        }

        // No credential in a literal env value either.
        foreach (var env in container["env"]?.AsArray() ?? [])
        {
            Assert.False(Credential().IsMatch((string)env!["name"]!) && env["value"] is not null, $"env {env["name"]} has a literal value");
        }
    }

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task No_ConfigMap_holds_a_secret_key_or_a_token_looking_string(string valuesFile)
    {
        var chart = await HelmCli.RenderAsync(ChartCases.Get(valuesFile).ValuesFiles);
        var configMaps = chart.OfKind("ConfigMap").ToList();
        Assert.NotEmpty(configMaps);

        foreach (var configMap in configMaps)
        {
            var text = configMap.ToJsonString();
            Assert.False(TokenLooking().IsMatch(text), $"ConfigMap {configMap["metadata"]!["name"]} contains a token-looking string: {TokenLooking().Match(text).Value}");
        }

        var config = JsonNode.Parse(chart.ConfigJson())!;
        var keys = KeyPaths(config, "").ToList();
        Assert.Contains("Sources:GitHub:Repositories", keys);
        Assert.DoesNotContain(keys, k => Credential().IsMatch(k.Split(':')[^1]));
    }

    [Fact]
    public async Task Grafana_sidecar_ConfigMaps_carry_every_board_and_the_alert_rules_exactly_as_in_grafana()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("grafana-values.yaml")]);
        var boards = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "grafana", "dashboards"), "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, boards.Count);

        var dashboardMaps = chart.OfKind("ConfigMap").Where(c => (string?)c["metadata"]!["labels"]?["grafana_dashboard"] == "1").ToList();
        Assert.Equal(boards.Count, dashboardMaps.Count);
        foreach (var board in boards)
        {
            var name = Path.GetFileName(board);
            var map = Assert.Single(dashboardMaps, m => m["data"]?[name] is not null);
            Assert.Equal(File.ReadAllText(board).TrimEnd('\n'), (string?)map["data"]![name]);
            Assert.Equal("Delivery flow", (string?)map["metadata"]!["annotations"]!["grafana_folder"]);
            Assert.Null(map["metadata"]!["labels"]!["grafana_alert"]);
        }

        var rules = Assert.Single(chart.OfKind("ConfigMap"), c => (string?)c["metadata"]!["labels"]?["grafana_alert"] == "1");
        var rulesFile = Path.Combine(RepositoryPaths.Root, "grafana", "provisioning", "alerting", "flowcollector-alert-rules.yaml");
        Assert.Equal(File.ReadAllText(rulesFile).TrimEnd('\n'), (string?)rules["data"]!["flowcollector-alert-rules.yaml"]);

        // Off by default: a plain install renders no Grafana ConfigMaps.
        var plain = await HelmCli.RenderAsync([RepositoryPaths.CiValues("default-values.yaml")]);
        Assert.Single(plain.OfKind("ConfigMap"));
    }

    [Fact]
    public async Task ServiceMonitor_and_NetworkPolicy_cover_metrics_dns_and_the_configured_endpoints_only()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("monitoring-values.yaml")]);

        var monitor = chart.Single("ServiceMonitor");
        Assert.Equal("kube-prometheus-stack", (string?)monitor["metadata"]!["labels"]!["release"]);
        Assert.Equal(("http", "/metrics"), ((string?)monitor["spec"]!["endpoints"]![0]!["port"], (string?)monitor["spec"]!["endpoints"]![0]!["path"]));
        var serviceLabels = chart.Single("Service")["metadata"]!["labels"]!.AsObject();
        Assert.All(monitor["spec"]!["selector"]!["matchLabels"]!.AsObject(), l => Assert.Equal((string?)l.Value, (string?)serviceLabels[l.Key]));

        var policy = chart.Single("NetworkPolicy")["spec"]!;
        Assert.Equal(["Ingress", "Egress"], policy["policyTypes"]!.AsArray().Select(t => (string?)t));
        var egressPorts = policy["egress"]!.AsArray().SelectMany(rule => rule!["ports"]!.AsArray()).Select(p => p!["port"]!.GetValue<long>()).Order();
        Assert.Equal([53L, 53L, 443L, 4317L, 8086L], egressPorts);
        Assert.All(policy["egress"]!.AsArray().Where(r => r!["ports"]![0]!["port"]!.GetValue<long>() == 8086), r => Assert.NotNull(r!["to"]));
        var ingress = Assert.Single(policy["ingress"]!.AsArray())!;
        Assert.Equal("http", (string?)ingress["ports"]![0]!["port"]);
        var podLabels = chart.CollectorPodSpec().Parent!["metadata"]!["labels"]!.AsObject();
        Assert.All(policy["podSelector"]!["matchLabels"]!.AsObject(), l => Assert.Equal((string?)l.Value, (string?)podLabels[l.Key]));
    }

    [Fact]
    public async Task Organisations_and_projects_alone_get_their_egress_like_repositories()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("organizations-values.yaml")]);

        // DNS, then GitHub (its peers) and Azure DevOps (any destination on the organisation URL's port).
        var egress = chart.Single("NetworkPolicy")["spec"]!["egress"]!.AsArray();
        Assert.Equal([53L, 443L, 443L], egress.Select(rule => rule!["ports"]![0]!["port"]!.GetValue<long>()));
        Assert.Equal("0.0.0.0/0", (string?)egress[1]!["to"]![0]!["ipBlock"]!["cidr"]);
        Assert.Null(egress[2]!["to"]);
    }

    [Fact]
    public async Task Projects_alone_with_workload_identity_label_the_pod_for_the_webhook()
    {
        var overlay = Path.Combine(Directory.CreateTempSubdirectory("flowcollector-chart-identity-").FullName, "entra.yaml");
        await File.WriteAllTextAsync(overlay, "config:\n  azureDevOps:\n    authentication: EntraId\n    entraId: {credential: WorkloadIdentity}\n", TestContext.Current.CancellationToken);
        try
        {
            var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("organizations-values.yaml"), overlay]);

            var labels = chart.CollectorPodSpec().Parent!["metadata"]!["labels"]!;
            Assert.Equal("true", (string?)labels["azure.workload.identity/use"]);
            Assert.DoesNotContain("Sources__AzureDevOps__Pat", SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer()).Select(r => r.Variable));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(overlay)!, recursive: true);
        }
    }

    internal sealed record SecretReference(string Variable, string SecretName, string Key, string Via);

    /// <summary>Where each configuration variable's credential comes from: an env <c>secretKeyRef</c> or a mounted secret file.</summary>
    internal static List<SecretReference> SecretReferences(JsonObject pod, JsonObject container)
    {
        var references = new List<SecretReference>();
        foreach (var env in container["env"]?.AsArray() ?? [])
        {
            if (env!["valueFrom"]?["secretKeyRef"] is { } reference)
            {
                references.Add(new((string)env["name"]!, (string)reference["name"]!, (string)reference["key"]!, "env"));
            }
        }

        var mounted = (container["volumeMounts"]?.AsArray() ?? []).Select(m => (string?)m!["name"]).ToHashSet();
        foreach (var volume in pod["volumes"]?.AsArray() ?? [])
        {
            if (!mounted.Contains((string?)volume!["name"]))
            {
                continue;
            }

            if (volume["secret"] is { } secret)
            {
                foreach (var item in secret["items"]!.AsArray())
                {
                    references.Add(new((string)item!["path"]!, (string)secret["secretName"]!, (string)item["key"]!, "files"));
                }
            }

            // Keys of several Secrets projected into one folder.
            foreach (var source in volume["projected"]?["sources"]?.AsArray() ?? [])
            {
                if (source!["secret"] is { } projected)
                {
                    foreach (var item in projected["items"]!.AsArray())
                    {
                        references.Add(new((string)item!["path"]!, (string)projected["name"]!, (string)item["key"]!, "files"));
                    }
                }
            }
        }

        return [.. references.OrderBy(r => r.Variable, StringComparer.Ordinal)];
    }

    private static List<string> WritableMounts(JsonObject pod, JsonObject container)
    {
        var writableVolumes = (pod["volumes"]?.AsArray() ?? [])
            .Where(v => v!["emptyDir"] is not null || v["persistentVolumeClaim"] is not null)
            .Select(v => (string?)v!["name"])
            .ToHashSet();
        return [.. (container["volumeMounts"]?.AsArray() ?? [])
            .Where(m => writableVolumes.Contains((string?)m!["name"]) && m["readOnly"]?.GetValue<bool>() != true)
            .Select(m => (string)m!["mountPath"]!)];
    }

    private static void AssertSelects(JsonNode selector, RenderedChart chart, string what)
    {
        var podLabels = chart.CollectorPodSpec().Parent!["metadata"]!["labels"]!.AsObject();
        Assert.All(selector.AsObject(), l => Assert.True((string?)podLabels[l.Key] == (string?)l.Value, $"{what} selects {l.Key}={l.Value}, the pods have {podLabels[l.Key]}"));
    }

    private static JsonNode? Effective(JsonNode? pod, JsonNode? container, string key) => container?[key] ?? pod?[key];

    private static IEnumerable<string> KeyPaths(JsonNode? node, string prefix) => node switch
    {
        JsonObject o => o.SelectMany(p => KeyPaths(p.Value, prefix.Length == 0 ? p.Key : $"{prefix}:{p.Key}").Prepend(prefix.Length == 0 ? p.Key : $"{prefix}:{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => KeyPaths(item, $"{prefix}:{i}")),
        _ => [],
    };

    // GitHub tokens (classic, fine-grained, app, OAuth), JWT-looking values, and InfluxDB's 86-character base64 tokens.
    [GeneratedRegex(@"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|[A-Za-z0-9_-]{80,}==)|-----BEGIN [A-Z ]*PRIVATE KEY-----")]
    private static partial Regex TokenLooking();

    [GeneratedRegex("(?i)(token|password|secret|apikey|api_key|privatekey)$")]
    private static partial Regex Credential();
}
