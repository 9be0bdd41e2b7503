using FlowCollector.Worker.Hosting;

namespace FlowCollector.Worker.Tests.Cli;

/// <summary>
/// docs/configuration.md cannot drift from the options classes: every key the binary binds (found by reflection,
/// <see cref="ConfigurationKeys"/>) is named there, or in docs/azure-devops.md for <c>Sources:AzureDevOps</c>, which
/// configuration.md hands its keys to. The resilience sections bind Microsoft's own options and are documented as a
/// whole (they are left out). The other half, every such key settable from the Helm chart, is SettableKeysTests in
/// FlowCollector.Deployment.Tests.
/// </summary>
public sealed class ConfigurationDocsTests
{
    [Fact]
    public void Every_bound_key_is_documented()
    {
        var root = RepositoryRoot.Path;
        var configuration = File.ReadAllText(Path.Combine(root, "docs", "configuration.md"));
        var azureDevOps = File.ReadAllText(Path.Combine(root, "docs", "azure-devops.md"));

        var undocumented = ConfigurationKeys.Leaves
            .Where(l => !l.Segments.Contains("Resilience", StringComparer.Ordinal))
            .Where(l => !IsNamed(l, l.Key.StartsWith("Sources:AzureDevOps:", StringComparison.Ordinal) ? configuration + azureDevOps : configuration))
            .Select(l => l.Key)
            .ToList();

        Assert.True(undocumented.Count == 0, "Not in docs/configuration.md (a table row, text naming it in backticks, or a JSON entry): " + string.Join(", ", undocumented));
    }

    [Fact]
    public void The_walk_finds_keys_of_every_section_so_the_check_above_checks_something()
    {
        // 12 bound sections (ConfigurationKeys.Roots), each with at least one key outside the resilience options.
        var sections = ConfigurationKeys.Leaves.Select(l => string.Join(':', l.Segments.Take(l.Segments[0] is "Sources" or "Sinks" ? 2 : 1))).ToHashSet();
        Assert.Superset(new HashSet<string> { "Sources:GitHub", "Sources:AzureDevOps", "Sinks:InfluxDb", "Sinks:File", "State", "Collection", "Health", "ValueStream" }, sections);
        Assert.Contains(ConfigurationKeys.Leaves, l => l.Key == "Sources:AzureDevOps:StageEnvironments:*");
    }

    /// <summary>
    /// The key's own name (its last segment that is no list index or dictionary key) appears in backticks, alone or as the
    /// end of a longer key (<c>`Projects:{i}:Include`</c>, <c>`ValueStream:Streams:{i}:Match`</c>), or as a key of a
    /// documented JSON entry (<c>{ "Kind": "Process|Wait" }</c>).
    /// </summary>
    private static bool IsNamed(ConfigurationKeys.Leaf leaf, string docs)
    {
        var name = leaf.Segments.Last(s => s != "*");
        return docs.Contains($"`{name}`", StringComparison.Ordinal)
            || docs.Contains($":{name}`", StringComparison.Ordinal)
            || docs.Contains($":{name}:", StringComparison.Ordinal)
            || docs.Contains($"`{name}:", StringComparison.Ordinal)
            || docs.Contains($"\"{name}\":", StringComparison.Ordinal);
    }
}
