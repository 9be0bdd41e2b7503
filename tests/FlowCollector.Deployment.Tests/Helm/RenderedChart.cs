using System.Text.Json.Nodes;

namespace FlowCollector.Deployment.Tests.Helm;

/// <summary>The manifests <c>helm template</c> printed, parsed; lookups fail the test with what was rendered instead.</summary>
internal sealed class RenderedChart(IReadOnlyList<JsonObject> manifests)
{
    public IReadOnlyList<JsonObject> Manifests { get; } = manifests;

    public static RenderedChart Parse(string yaml) => new([.. YamlJson.ParseAll(yaml).Cast<JsonObject>()]);

    public IEnumerable<JsonObject> OfKind(string kind) => this.Manifests.Where(m => (string?)m["kind"] == kind);

    public JsonObject Single(string kind)
    {
        var found = this.OfKind(kind).ToList();
        Assert.True(found.Count == 1, $"expected one {kind}, rendered: {this.Describe()}");
        return found[0];
    }

    public JsonObject? Find(string kind) => this.OfKind(kind).SingleOrDefault();

    /// <summary>The collector's pod spec: the Deployment's, or the CronJob's job template's.</summary>
    public JsonObject CollectorPodSpec() =>
        (this.Find("Deployment")?["spec"]?["template"]?["spec"]
         ?? this.Find("CronJob")?["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
         ?? throw new InvalidOperationException($"neither a Deployment nor a CronJob was rendered: {this.Describe()}")).AsObject();

    public JsonObject CollectorContainer() => this.CollectorPodSpec()["containers"]!.AsArray().Single(c => (string?)c!["name"] == "flowcollector")!.AsObject();

    /// <summary>Every pod spec rendered: the collector's and the <c>helm test</c> pods'.</summary>
    public IEnumerable<JsonObject> AllPodSpecs() =>
        this.OfKind("Pod").Select(p => p["spec"]!.AsObject()).Prepend(this.CollectorPodSpec());

    /// <summary>The configuration file the ConfigMap carries (what the binary reads with --config).</summary>
    /// <summary>The collector's configuration file (the ConfigMap carrying <c>flowcollector.json</c>; others carry Grafana boards).</summary>
    public string ConfigJson() => (string)this.OfKind("ConfigMap").Single(c => c["data"]?["flowcollector.json"] is not null)["data"]!["flowcollector.json"]!;

    public string Describe() => string.Join(", ", this.Manifests.Select(m => $"{m["kind"]}/{m["metadata"]?["name"]}"));
}
