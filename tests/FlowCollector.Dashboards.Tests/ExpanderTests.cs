using FlowCollector.Dashboards.Tests.Grafana;

namespace FlowCollector.Dashboards.Tests;

/// <summary>Hand-worked interpolations, as Grafana's InfluxDB data source and InfluxQL backend produce them.</summary>
public sealed class ExpanderTests
{
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(30);

    public static TheoryData<string, string[], bool, string> Variables => new()
    {
        { "\"repo\" =~ /^$repo$/", ["web"], true, "\"repo\" =~ /^web$/" },
        { "\"repo\" =~ /^$repo$/", ["web", "api"], true, "\"repo\" =~ /^(web|api)$/" },
        { "\"repo\" =~ /^${repo}$/", ["my.app", "x(y)"], true, @"""repo"" =~ /^(my\.app|x\(y\))$/" },
        { "\"repo\" =~ /^${repo:regex}$/", ["a/b"], true, @"""repo"" =~ /^a\/b$/" },
        { "\"repo\" = '${repo:raw}'", ["web"], true, "\"repo\" = 'web'" },
        { "\"repo\" = '$repo'", ["my.app"], false, "\"repo\" = 'my.app'" },
        { "\"repo\" =~ /^[[repo]]$/", ["web", "api"], true, "\"repo\" =~ /^(web|api)$/" },
        { "\"n\" = $repo", ["42"], true, "\"n\" = 42" },
    };

    [Theory]
    [MemberData(nameof(Variables))]
    public void Formats_variables_like_the_InfluxDB_data_source(string query, string[] values, bool multi, string expected)
    {
        var expander = new GrafanaQueryExpander(From, To, [new VariableValue("repo", values, multi)]);

        Assert.Equal(expected, expander.Expand(query));
    }

    [Fact]
    public void Expands_the_time_macros_like_the_InfluxQL_backend()
    {
        var expander = new GrafanaQueryExpander(From, To);

        Assert.Equal(
            "WHERE time >= 1767225600000ms and time <= 1769817600000ms AND time >= 1767225600000ms and time <= 1769817600000ms GROUP BY time(1d) LIMIT 86400000 2592000",
            expander.Expand("WHERE $timeFilter AND $__timeFilter GROUP BY time($__interval) LIMIT $__interval_ms $__range_s", TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(null, "1h")] // 30 d / 1000 points = 43 min → the next nice step
    [InlineData("1m", "1h")]
    [InlineData("1d", "1d")]
    [InlineData("7d", "7d")]
    public void Computes_the_interval_from_the_range_and_the_panels_minimum(string? minimum, string expected)
    {
        var expander = new GrafanaQueryExpander(From, To);

        Assert.Equal(expected, GrafanaQueryExpander.FormatDuration(expander.Interval(minimum)));
    }

    [Fact]
    public void An_unknown_variable_is_an_error_not_a_silent_literal()
    {
        var expander = new GrafanaQueryExpander(From, To, [new VariableValue("repo", ["web"], true)]);

        var error = Assert.Throws<InvalidOperationException>(() => expander.Expand("\"team\" =~ /^$team$/"));
        Assert.Contains("$team", error.Message, StringComparison.Ordinal);
    }
}
