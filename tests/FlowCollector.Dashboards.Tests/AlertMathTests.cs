using System.Text.Json.Nodes;
using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>Hand-worked cases of the server-side expressions, following Grafana's reduce, math (label union) and threshold.</summary>
public sealed class AlertMathTests
{
    private static Dictionary<string, string> L(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static AlertNumber N(double value, params string[] labels) => new(L(labels), value);

    [Fact]
    public void Math_joins_equal_label_sets_and_drops_unmatched_ones()
    {
        var variables = new Dictionary<string, IReadOnlyList<AlertNumber>>
        {
            ["C"] = [N(6, "repo=web", "stage=pickup"), N(2, "repo=web", "stage=merge"), N(9, "repo=api", "stage=pickup")],
            ["D"] = [N(3, "repo=web", "stage=pickup"), N(4, "repo=web", "stage=merge")],
        };

        var result = AlertMath.Evaluate("$C / $D", variables);

        Assert.Equal([("merge", 0.5), ("pickup", 2.0)], result.Select(n => (n.Labels["stage"], n.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal));
    }

    [Fact]
    public void Math_joins_a_subset_of_labels_and_keeps_the_more_specific_ones()
    {
        var variables = new Dictionary<string, IReadOnlyList<AlertNumber>>
        {
            ["A"] = [N(10, "repo=web", "stage=pickup"), N(20, "repo=api", "stage=pickup")],
            ["B"] = [N(5, "repo=web")],
        };

        var result = Assert.Single(AlertMath.Evaluate("$A - $B * 2", variables));

        Assert.Equal(0, result.Value);
        Assert.Equal(L("repo=web", "stage=pickup"), result.Labels);
    }

    [Theory]
    [InlineData("$A > 1.5 && $A < 3", 1)]
    [InlineData("$A > 1.5 && $A < 2", 0)]
    [InlineData("-$A + 4", 2)]
    [InlineData("($A + 1) * 2 >= 6", 1)]
    [InlineData("$A == 2 || $A != 2", 1)]
    public void Math_has_the_usual_precedence_and_comparisons_give_1_or_0(string expression, double expected)
    {
        var variables = new Dictionary<string, IReadOnlyList<AlertNumber>> { ["A"] = [N(2)] };

        Assert.Equal(expected, Assert.Single(AlertMath.Evaluate(expression, variables)).Value);
    }

    [Fact]
    public void Single_items_with_different_labels_are_combined_without_labels_and_empty_sides_give_no_data()
    {
        var variables = new Dictionary<string, IReadOnlyList<AlertNumber>> { ["A"] = [N(6, "repo=web")], ["B"] = [N(3, "stage=pickup")], ["E"] = [] };

        Assert.Equal(2, Assert.Single(AlertMath.Evaluate("$A / $B", variables)).Value);
        Assert.Empty(AlertMath.Evaluate("$A / $E", variables));
    }

    [Fact]
    public void Reduce_modes_and_threshold_follow_Grafana()
    {
        var frame = new InfluxFrame("m", "v", L("repo=web"), [(1, 4), (2, null), (3, 8)]);

        Assert.True(double.IsNaN(Assert.Single(AlertEvaluator.Reduce([frame], "last", "")).Value)); // strict: a null poisons the series
        Assert.Equal(8, Assert.Single(AlertEvaluator.Reduce([frame], "last", "dropNN")).Value);
        Assert.Equal(4, Assert.Single(AlertEvaluator.Reduce([frame], "mean", "replaceNN", 0)).Value);
        Assert.Equal(3, Assert.Single(AlertEvaluator.Reduce([frame], "count", "")).Value);
        Assert.Empty(AlertEvaluator.Reduce([], "last", "dropNN"));

        var evaluator = JsonNode.Parse("""{"type":"gt","params":[5]}""")!.AsObject();
        Assert.Equal([0.0, 1.0, 0.0], AlertEvaluator.Threshold([N(5), N(5.1), N(double.NaN)], evaluator).Select(n => n.Value));
        var range = JsonNode.Parse("""{"type":"outside_range","params":[1, 3]}""")!.AsObject();
        Assert.Equal([1.0, 0.0, 1.0], AlertEvaluator.Threshold([N(0), N(2), N(4)], range).Select(n => n.Value));
    }
}
