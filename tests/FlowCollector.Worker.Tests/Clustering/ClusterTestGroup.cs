namespace FlowCollector.Worker.Tests.Clustering;

/// <summary>The cluster tests run one after another: each starts several collector processes, and two such tests at once on a 2-core machine would blur the timings they assert.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterTestGroup
{
    public const string Name = "PostgreSQL cluster";
}
