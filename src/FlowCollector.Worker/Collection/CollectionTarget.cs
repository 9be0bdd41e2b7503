using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;

namespace FlowCollector.Worker.Collection;

/// <summary>One repository (or project) to collect, with the source that reads it and that source's schedule.</summary>
public sealed record CollectionTarget(RepositoryRef Repository, IFlowEventSource Source, SourceScheduleOptions Schedule)
{
    public string Key => this.Repository.Key;
}

/// <summary>Every configured target, built once at start-up from the registered sources.</summary>
public sealed class CollectionTargets
{
    public CollectionTargets(IEnumerable<IFlowEventSource> sources, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(configuration);
        var targets = new List<CollectionTarget>();
        foreach (var source in sources)
        {
            var schedule = configuration.GetSection($"Sources:{source.Source}").Get<SourceScheduleOptions>() ?? new SourceScheduleOptions();
            targets.AddRange(source.ConfiguredRepositories.Select(r => new CollectionTarget(r, source, schedule)));
        }

        this.All = targets;
    }

    public IReadOnlyList<CollectionTarget> All { get; }

    public CollectionTarget? Find(string key) => this.All.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.Ordinal));
}
