using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

public sealed class ChartLintTests
{
    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task Helm_lint_strict_passes(string valuesFile)
    {
        List<string> arguments = ["lint", "--strict", RepositoryPaths.Chart];
        foreach (var file in ChartCases.Get(valuesFile).ValuesFiles)
        {
            arguments.AddRange(["--values", file]);
        }

        var result = await HelmCli.RunAsync([.. arguments]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("0 chart(s) failed", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_example_values_file_is_a_chart_case()
    {
        var covered = ChartCases.All.Select(c => c.ValuesFile).Where(f => f != ChartCase.ChartDefaults).Order(StringComparer.Ordinal);

        Assert.Equal(RepositoryPaths.CiValuesFiles, covered);
    }
}
