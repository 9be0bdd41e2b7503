using System.Reflection;
using FlowCollector.Domain.Events;
using FlowCollector.Sinks.InfluxDb;
using FlowCollector.Sources.GitHub;
using FlowCollector.State;

namespace FlowCollector.Worker.Tests.Architecture;

/// <summary>
/// The layering docs/architecture.md describes, enforced: sources → events → value-stream engine (pure domain, no
/// I/O) → sinks, hosting at the edge. The domain uses nothing of ours; sources and sinks know only the domain, not each
/// other, the state store nor the worker; the state store (its own assembly) knows only the domain; no two folders use
/// each other.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Lazy<NamespaceGraph> Source = new(() => NamespaceGraph.Of(Path.Combine(RepositoryRoot.Path, "src")));

    [Fact]
    public void The_domain_assembly_references_no_other_assembly_of_ours()
    {
        Assert.Empty(OurReferences(typeof(FlowEvent).Assembly));
    }

    [Fact]
    public void Sources_and_sinks_assemblies_reference_only_the_domain()
    {
        Assert.Equal(["FlowCollector.Domain"], OurReferences(typeof(GitHubSourceOptions).Assembly));
        Assert.Equal(["FlowCollector.Domain"], OurReferences(typeof(InfluxDbSinkOptions).Assembly));
    }

    [Fact]
    public void The_state_assembly_references_only_the_domain_and_no_scheduler_or_web_framework()
    {
        var state = typeof(StateOptions).Assembly;

        Assert.Equal(["FlowCollector.Domain"], OurReferences(state));
        // The Quartz tables are DDL text the store migrates; Quartz itself, like hosting, belongs to the worker.
        Assert.DoesNotContain(state.GetReferencedAssemblies(), a => a.Name!.StartsWith("Quartz", StringComparison.Ordinal) || a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Domain_namespaces_use_only_domain_namespaces()
    {
        Assert.Empty(Source.Value.Violations("FlowCollector.Domain", ns => NamespaceGraph.Within(ns, "FlowCollector.Domain")));
    }

    [Fact]
    public void Sources_use_neither_sinks_nor_state_nor_the_worker_and_sinks_neither_sources_nor_state_nor_the_worker()
    {
        Assert.Empty(Source.Value.Violations("FlowCollector.Sources", ns => !NamespaceGraph.Within(ns, "FlowCollector.Sinks") && !NamespaceGraph.Within(ns, "FlowCollector.State") && !NamespaceGraph.Within(ns, "FlowCollector.Worker")));
        Assert.Empty(Source.Value.Violations("FlowCollector.Sinks", ns => !NamespaceGraph.Within(ns, "FlowCollector.Sources") && !NamespaceGraph.Within(ns, "FlowCollector.State") && !NamespaceGraph.Within(ns, "FlowCollector.Worker")));
    }

    [Fact]
    public void The_state_store_uses_only_the_domain()
    {
        Assert.Empty(Source.Value.Violations("FlowCollector.State", ns => NamespaceGraph.Within(ns, "FlowCollector.Domain") || NamespaceGraph.Within(ns, "FlowCollector.State")));
    }

    [Fact]
    public void No_two_folders_use_each_other()
    {
        // Names several folders share (section names, the HTTP client name) live in a leaf namespace each uses one way,
        // e.g. FlowCollector.Sources.GitHub.Shared, never in the root that uses every folder.
        Assert.Empty(Source.Value.MutualDependencies());
    }

    [Fact]
    public void The_scan_sees_the_collector_hand_a_read_to_the_domain()
    {
        // Guards the guard: a scan that found nothing would pass every rule above.
        Assert.Contains("FlowCollector.Domain.Reads", Source.Value.Edges["FlowCollector.Worker.Collection"].Keys);
        Assert.Contains("FlowCollector.Domain.Events", Source.Value.Edges["FlowCollector.Domain.ValueStream"].Keys);
    }

    [Fact]
    public void A_domain_file_naming_a_worker_type_is_reported_even_without_a_using()
    {
        var graph = NamespaceGraph.Of(
        [
            ("Worker/Collector.cs", "namespace FlowCollector.Worker.Collection;\n\npublic sealed class Collector { }\n"),
            ("Domain/Points.cs", "// Collector in a comment is no use\nnamespace FlowCollector.Domain.Points;\n\npublic static class P { public static object X = new Collector(); public const string S = \"Collector\"; }\n"),
            ("Domain/Events.cs", "namespace FlowCollector.Domain.Events;\n\n/// <see cref=\"Collector\"/>\npublic sealed class E { }\n"),
        ]);

        var violation = Assert.Single(graph.Violations("FlowCollector.Domain", ns => NamespaceGraph.Within(ns, "FlowCollector.Domain")));
        Assert.StartsWith("FlowCollector.Domain.Points → FlowCollector.Worker.Collection (Domain/Points.cs: Collector)", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_folders_using_each_other_are_reported()
    {
        var graph = NamespaceGraph.Of(
        [
            ("A.cs", "namespace FlowCollector.Worker.Cli;\n\npublic sealed class CliThing { public object X = new HostThing(); }\n"),
            ("B.cs", "using FlowCollector.Worker.Cli;\n\nnamespace FlowCollector.Worker.Hosting;\n\npublic sealed class HostThing { }\n"),
        ]);

        Assert.Equal(["FlowCollector.Worker.Cli ↔ FlowCollector.Worker.Hosting"], graph.MutualDependencies());
    }

    private static string[] OurReferences(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("FlowCollector", StringComparison.OrdinalIgnoreCase) || string.Equals(n, "flowcollector", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
}
