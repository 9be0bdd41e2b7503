namespace FlowCollector.Domain.Events;

/// <summary>
/// A repository in a system of record. <see cref="Owner"/> is the GitHub owner or the Azure DevOps
/// organisation/project; together with <see cref="Source"/> it is the unit the collector schedules.
/// </summary>
public sealed record RepositoryRef(string Source, string Owner, string Name)
{
    /// <summary><c>owner/name</c>, as users write it in configuration and as the <c>repo</c> tag carries it.</summary>
    public string FullName => $"{Owner}/{Name}";

    /// <summary>A stable key for state and scheduling: <c>source:owner/name</c>.</summary>
    public string Key => $"{Source}:{Owner}/{Name}";

    public override string ToString() => Key;
}
