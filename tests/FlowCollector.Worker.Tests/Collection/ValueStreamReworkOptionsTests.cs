using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Configuration;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary><c>ValueStream:Rework</c>: binding, defaults, switching a rule off, and the start-up messages.</summary>
public sealed class ValueStreamReworkOptionsTests
{
    [Fact]
    public void Without_configuration_the_defaults_apply()
    {
        var rules = Bind([]).ToDefinition().Rework;

        Assert.Equal(["hotfix/*", "hotfix-*", "revert-*"], rules.BranchPatterns);
        Assert.Equal(["Revert \""], rules.TitlePrefixes);
        Assert.True(rules.IsRework(null, null, ["HotFix"]));
    }

    [Fact]
    public void A_configured_list_replaces_its_default_only_and_a_lone_empty_entry_switches_a_rule_off()
    {
        var rules = Bind(new()
        {
            ["ValueStream:Rework:BranchPatterns:0"] = "fix/*",
            ["ValueStream:Rework:Labels:0"] = "",
        }).ToDefinition().Rework;

        Assert.True(rules.MatchesBranch("FIX/login"));
        Assert.False(rules.MatchesBranch("hotfix/login"));           // replaced, not appended to
        Assert.True(rules.IsRework(null, ["Revert \"x\""], null));     // titles keep their default
        Assert.False(rules.IsRework(null, null, ["hotfix"]));         // labels switched off
    }

    [Theory]
    [InlineData("ValueStream:Rework:BranchPatterns:0", "refs/heads/hotfix/*", "ValueStream:Rework:BranchPatterns:0 is 'refs/heads/hotfix/*': give the branch name without refs/heads/ (e.g. hotfix/*).")]
    [InlineData("ValueStream:Rework:BranchPatterns:0", "*", "ValueStream:Rework:BranchPatterns:0 is '*': a pattern of only wildcards makes every change rework; name the branch prefix (e.g. hotfix/*).")]
    [InlineData("ValueStream:Rework:Labels:0", "hotfix ", "ValueStream:Rework:Labels:0 is 'hotfix ': remove the spaces around it.")]
    public void Mistakes_fail_at_start_up_naming_the_key_and_the_fix(string key, string value, string message)
    {
        var result = new ValueStreamOptionsValidator().Validate(null, Bind(new() { [key] = value }));

        Assert.True(result.Failed);
        Assert.Equal(message, Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("*", "ValueStream:CiWorkflows:0 is '*': name the CI workflow or pipeline (e.g. CI or build-*); a pattern of only wildcards is the default, leave the list empty instead.")]
    [InlineData(" ", "ValueStream:CiWorkflows:0 is ' ': name the CI workflow or pipeline (e.g. CI or build-*); a pattern of only wildcards is the default, leave the list empty instead.")]
    public void Ci_workflows_must_name_something(string pattern, string message)
    {
        var result = new ValueStreamOptionsValidator().Validate(null, Bind(new() { ["ValueStream:CiWorkflows:0"] = pattern }));

        Assert.Equal(message, Assert.Single(result.Failures!));
    }

    [Fact]
    public void Ci_workflows_reach_the_stream_definition()
    {
        var ci = Bind(new() { ["ValueStream:CiWorkflows:0"] = "build-*", ["ValueStream:CiWorkflows:1"] = "CI" }).ToDefinition().Ci;

        Assert.Equal(["build-*", "CI"], ci.Patterns);
    }

    [Fact]
    public void A_title_prefix_may_end_in_a_space()
    {
        var result = new ValueStreamOptionsValidator().Validate(null, Bind(new() { ["ValueStream:Rework:TitlePrefixes:0"] = "HOTFIX " }));

        Assert.False(result.Failed);
    }

    private static ValueStreamOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new ValueStreamOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ValueStreamOptions.SectionName).Bind(options);
        return options;
    }
}
