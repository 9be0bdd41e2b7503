using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>The collector's telemetry names the pod it runs in: the chart passes the downward API's names to the binary.</summary>
public sealed class TelemetryEnvironmentTests
{
    [Theory]
    [InlineData("default-values.yaml")]
    [InlineData("postgresql-cnpg-values.yaml")]
    public async Task Pod_namespace_and_node_names_come_from_the_downward_API(string values)
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues(values)]);
        var env = chart.CollectorContainer()["env"]!.AsArray();

        // The binary turns them into the k8s.pod.name, k8s.namespace.name and k8s.node.name resource attributes.
        foreach (var (name, field) in new[] { ("K8S_POD_NAME", "metadata.name"), ("K8S_NAMESPACE_NAME", "metadata.namespace"), ("K8S_NODE_NAME", "spec.nodeName") })
        {
            var variable = Assert.Single(env, e => (string?)e!["name"] == name)!;
            Assert.Equal(field, (string?)variable["valueFrom"]!["fieldRef"]!["fieldPath"]);
        }
    }
}
