using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>The chart's README.md is generated from README.md.gotmpl, Chart.yaml and values.yaml (helm-docs format) and is current.</summary>
public sealed class ChartReadmeTests
{
    [Fact]
    public void The_README_is_generated_from_the_values_and_is_current()
    {
        var readme = Path.Combine(RepositoryPaths.Chart, "README.md");
        var generated = ChartReadme.Generate(RepositoryPaths.Chart);
        if (Environment.GetEnvironmentVariable("FLOWCOLLECTOR_UPDATE_README") == "1")
        {
            File.WriteAllText(readme, generated);
        }

        Assert.True(File.ReadAllText(readme) == generated, "helm/flowcollector/README.md is not what values.yaml and README.md.gotmpl give: run build/generate-chart-readme.sh");
    }

    [Fact]
    public void Every_value_is_documented_in_a_section()
    {
        var rows = ChartReadme.Rows(File.ReadAllLines(RepositoryPaths.ChartValues), ChartValues.Defaults());

        Assert.Empty(rows.Where(r => r.Description.Length == 0 || r.Section.Length == 0).Select(r => r.Key));
        Assert.Contains(rows, r => r.Key == "image.repository" && r.Default == "`\"\"`" && r.Section == "Workload");
        Assert.Contains(rows, r => r.Key == "secrets.influxdbToken.existingSecret");
        Assert.DoesNotContain(rows, r => r.Key.StartsWith("resources.", StringComparison.Ordinal) || r.Key.StartsWith("networkPolicy.dnsTo.", StringComparison.Ordinal));
    }
}
