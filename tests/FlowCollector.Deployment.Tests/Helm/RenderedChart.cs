using System.Text.Json.Nodes;

namespace FlowCollector.Deployment.Tests.Helm;

/// <summary>The manifests <c>helm template</c> printed, parsed; lookups fail the test with what was rendered instead.</summary>
internal sealed class RenderedChart(IReadOnlyList<JsonObject> manifests)
{
    public IReadOnlyList<JsonObject> Manifests { get; } = manifests;

    public static RenderedChart Parse(string yaml) => new([.. YamlJson.ParseAll(yaml).Cast<JsonObject>()]);

    public IEnumerable<JsonObject> OfKind(string kind) => Manifests.Where(m => (string?)m["kind"] == kind);

    public JsonObject Single(string kind)
    {
        var found = OfKind(kind).ToList();
        Assert.True(found.Count == 1, $"expected one {kind}, rendered: {Describe()}");
        return found[0];
    }

    public JsonObject? Find(string kind) => OfKind(kind).SingleOrDefault();

    /// <summary>The collector's pod spec: the Deployment's, or the CronJob's job template's.</summary>
    public JsonObject CollectorPodSpec() =>
        (Find("Deployment")?["spec"]?["template"]?["spec"]
         ?? Find("CronJob")?["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
         ?? throw new InvalidOperationException($"neither a Deployment nor a CronJob was rendered: {Describe()}")).AsObject();

    public JsonObject CollectorContainer() => CollectorPodSpec()["containers"]!.AsArray().Single(c => (string?)c!["name"] == "flowcollector")!.AsObject();

    /// <summary>Every pod spec rendered: the collector's and the <c>helm test</c> pods'.</summary>
    public IEnumerable<JsonObject> AllPodSpecs() =>
        OfKind("Pod").Select(p => p["spec"]!.AsObject()).Prepend(CollectorPodSpec());

    /// <summary>The configuration file the ConfigMap carries (what the binary reads with --config).</summary>
    /// <summary>The collector's configuration file (the ConfigMap carrying <c>flowcollector.json</c>; others carry Grafana boards).</summary>
    public string ConfigJson() => (string)OfKind("ConfigMap").Single(c => c["data"]?["flowcollector.json"] is not null)["data"]!["flowcollector.json"]!;

    public string Describe() => string.Join(", ", Manifests.Select(m => $"{m["kind"]}/{m["metadata"]?["name"]}"));
}
