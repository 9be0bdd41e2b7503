using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

public sealed partial class ChartLintTests
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

    /// <summary>
    /// Chart.yaml against chart-testing's chart schema (etc/chart_schema.yaml of helm/chart-testing: the keys it knows,
    /// their types, required name/version/apiVersion/description, maintainers with a name), as <c>ct lint</c> checks it.
    /// </summary>
    [Fact]
    public void Chart_yaml_satisfies_chart_testings_schema()
    {
        var chart = (JsonObject)YamlJson.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Chart, "Chart.yaml")));
        string[] strings = ["name", "home", "version", "apiVersion", "description", "icon", "engine", "condition", "tags", "kubeVersion", "type"];
        string[] known = [.. strings, "appVersion", "keywords", "sources", "maintainers", "dependencies", "deprecated", "annotations"];

        Assert.Empty(chart.Select(p => p.Key).Except(known));
        Assert.All(["name", "version", "apiVersion", "description"], key => Assert.False(string.IsNullOrWhiteSpace((string?)chart[key]), key));
        Assert.All(strings.Where(chart.ContainsKey), key => Assert.Equal(System.Text.Json.JsonValueKind.String, chart[key]!.GetValueKind()));
        Assert.Matches(SemVer(), (string)chart["version"]!);
        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.All(chart["keywords"]?.AsArray() ?? [], k => Assert.Equal(System.Text.Json.JsonValueKind.String, k!.GetValueKind()));
        var maintainers = chart["maintainers"]!.AsArray();
        Assert.NotEmpty(maintainers);
        Assert.All(maintainers, m => Assert.False(string.IsNullOrWhiteSpace((string?)m!["name"]), "maintainer without a name"));
        Assert.All(chart["annotations"]?.AsObject() ?? [], a => Assert.Equal(System.Text.Json.JsonValueKind.String, a.Value!.GetValueKind()));
    }

    /// <summary>
    /// The yamllint rules <c>ct lint</c> applies to Chart.yaml and values.yaml (chart-testing's etc/lintconf.yaml):
    /// no trailing spaces or tabs, a newline at the end, a space after <c>#</c>, no spaces inside braces and brackets,
    /// no duplicate keys (YamlDotNet refuses them).
    /// </summary>
    [Theory]
    [InlineData("Chart.yaml")]
    [InlineData("values.yaml")]
    public void Chart_yaml_and_values_yaml_pass_chart_testings_yamllint_rules(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Chart, file));
        var problems = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line != line.TrimEnd() || line.Contains('\t', StringComparison.Ordinal))
            {
                problems.Add($"{i + 1}: trailing space or tab");
            }

            if (CommentWithoutSpace().IsMatch(line))
            {
                problems.Add($"{i + 1}: comment without a space after #");
            }

            if (!line.TrimStart().StartsWith('#') && SpaceInsideBrackets().IsMatch(line))
            {
                problems.Add($"{i + 1}: spaces inside braces or brackets");
            }
        }

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Empty(problems);
        _ = YamlJson.Parse(text);
    }

    [GeneratedRegex(@"(^|\s)#[^\s#!]")]
    private static partial Regex CommentWithoutSpace();

    [GeneratedRegex(@"\{ |[^ ] \}|\[ |[^ ] \]")]
    private static partial Regex SpaceInsideBrackets();

    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
