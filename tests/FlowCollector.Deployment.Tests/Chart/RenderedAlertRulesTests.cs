using System.Text.Json.Nodes;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// The chart renders grafana/'s alert rules with grafana.alerts' values — thresholds, minimum samples, staleness
/// factor, windows, the collector's team label, the runbook location — in place, not from a forked copy: with the
/// defaults the file is byte for byte grafana/'s (RenderedManifestTests), with ci/grafana-alerts-values.yaml every knob
/// carries the value set there.
/// </summary>
public sealed class RenderedAlertRulesTests
{
    [Fact]
    public async Task Every_knob_of_the_values_reaches_its_rule()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("grafana-alerts-values.yaml")]);
        var map = Assert.Single(chart.OfKind("ConfigMap"), c => (string?)c["metadata"]!["labels"]?["grafana_alert"] == "1");
        var text = (string)map["data"]!["flowcollector-alert-rules.yaml"]!;
        var rules = YamlJson.Parse(text)["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).ToDictionary(r => (string)r!["uid"]!, r => r!, StringComparer.Ordinal);

        double Threshold(string uid, string refId) => Number(rules[uid]["data"]!.AsArray().Single(d => (string?)d!["refId"] == refId)!["model"]!["conditions"]![0]!["evaluator"]!["params"]![0]!);

        Assert.Equal(2, Threshold("flowcollector-wait-rising", "F"));
        Assert.Equal(29, Threshold("flowcollector-wait-rising", "G")); // minSamples 30: more than 29 changes
        Assert.Equal(7200, Threshold("flowcollector-wait-rising", "H"));
        Assert.Equal(43200, Threshold("flowcollector-pickup-slo", "C"));
        Assert.Equal(1209600, Threshold("flowcollector-merged-not-deployed", "C")); // 14 days, not 1.2096e+06
        Assert.Equal(0.2, Threshold("flowcollector-change-failure-rate", "C"));
        Assert.Equal(4, Threshold("flowcollector-change-failure-rate", "G"));
        Assert.Equal(0.25, Threshold("flowcollector-constraint-moved", "C"));
        Assert.Equal(0.1, Threshold("flowcollector-constraint-share-grew", "C"));
        Assert.Equal(4.5, Threshold("flowcollector-target-stale", "C"));
        Assert.Equal(500, Threshold("flowcollector-rate-limit-low", "C"));
        Assert.Equal(21600, Number(rules["flowcollector-collector-silent"]["data"]![0]!["relativeTimeRange"]!["from"]!));
        Assert.Contains("\"stage\" !~ /^(backlog|demand)$/", text, StringComparison.Ordinal);
        Assert.Equal(4, text.Split("\"changes\" >= 8").Length - 1); // both constraint rules, two queries each
        Assert.DoesNotContain("flowcollector.invalid", text, StringComparison.Ordinal);
        Assert.All(rules.Values, r => Assert.StartsWith("https://github.com/contoso/flowcollector/blob/v0.1.0/docs/runbooks.md#", (string)r["annotations"]!["runbook_url"]!, StringComparison.Ordinal));
        Assert.All(rules.Values, r => Assert.Equal(
            (string?)r["labels"]!["category"] == "collector" ? "platform" : null,
            (string?)r["labels"]!["team"]));
    }

    private static double Number(JsonNode node) => double.Parse(node.ToString(), System.Globalization.CultureInfo.InvariantCulture);
}
