using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Worker.Health;

namespace FlowCollector.Worker.Collection;

/// <summary>One repository (or project) to collect, with the source that reads it and that source's schedule.</summary>
public sealed record CollectionTarget(RepositoryRef Repository, IFlowEventSource Source, SourceScheduleOptions Schedule)
{
    public string Key => Repository.Key;
}

/// <summary>
/// Every target to collect. Starts as the repositories configured by name; <see cref="RefreshAsync"/> adds those
/// found by listing organisations and projects, and is called again every discovery interval so repositories created,
/// archived or excluded later join or leave the schedule. A source whose listing fails keeps the targets it had: an
/// API outage must not unschedule a whole organisation.
/// </summary>
public sealed class CollectionTargets
{
    private readonly List<(IFlowEventSource Source, SourceScheduleOptions Schedule)> sources;
    private readonly Lock gate = new();
    private Dictionary<string, IReadOnlyList<CollectionTarget>> bySource;
    private IReadOnlyList<CollectionTarget> all;

    private readonly TargetHealthRegistry? health;
    private readonly TimeProvider time;

    public CollectionTargets(IEnumerable<IFlowEventSource> sources, IConfiguration configuration)
        : this(sources, configuration, null, TimeProvider.System)
    {
    }

    /// <summary>With <paramref name="health"/>, a listing failing for longer than <c>Health:MaxFailureDuration</c> makes the replica unready, like a failing target (<c>discovery:{source}</c>).</summary>
    public CollectionTargets(IEnumerable<IFlowEventSource> sources, IConfiguration configuration, TargetHealthRegistry? health, TimeProvider time)
    {
        this.health = health;
        this.time = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(configuration);
        this.sources = sources
            .Select(s => (s, configuration.GetSection($"Sources:{s.Source}").Get<SourceScheduleOptions>() ?? new SourceScheduleOptions()))
            .ToList();
        bySource = this.sources.ToDictionary(
            s => s.Source.Source,
            s => (IReadOnlyList<CollectionTarget>)s.Source.ConfiguredRepositories.Select(r => new CollectionTarget(r, s.Source, s.Schedule)).ToList(),
            StringComparer.Ordinal);
        all = Flatten(this.sources, bySource);
    }

    /// <summary>The current targets, source by source in registration order, each source's in its discovery order.</summary>
    public IReadOnlyList<CollectionTarget> All
    {
        get
        {
            lock (gate)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// The target with this key. A key not in <see cref="All"/> but of a known source is resolved from the key itself:
    /// in a cluster another replica may have discovered (and scheduled) a repository before this one refreshed.
    /// </summary>
    public CollectionTarget? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var known = All.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.Ordinal));
        if (known is not null)
        {
            return known;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var slash = key.LastIndexOf('/');
        if (colon <= 0 || slash <= colon + 1 || slash == key.Length - 1)
        {
            return null;
        }

        var sourceName = key[..colon];
        var (source, schedule) = sources.FirstOrDefault(s => string.Equals(s.Source.Source, sourceName, StringComparison.Ordinal));
        return source is null ? null : new CollectionTarget(new RepositoryRef(sourceName, key[(colon + 1)..slash], key[(slash + 1)..]), source, schedule);
    }

    /// <summary>Asks every source for its repositories now; returns what each found or why it could not.</summary>
    public async Task<IReadOnlyList<DiscoveryResult>> RefreshAsync(CancellationToken cancellationToken)
    {
        var results = new List<DiscoveryResult>(sources.Count);
        var found = new Dictionary<string, IReadOnlyList<CollectionTarget>>(StringComparer.Ordinal);
        foreach (var (source, schedule) in sources)
        {
            try
            {
                var repositories = await source.DiscoverRepositoriesAsync(cancellationToken);
                found[source.Source] = repositories.Select(r => new CollectionTarget(r, source, schedule)).ToList();
                results.Add(new DiscoveryResult(source.Source, repositories.Count, source.ConfiguredRepositories.Count, null));
                health?.Succeeded(DiscoveryKey(source), time.GetUtcNow());
            }
            catch (SourceException e)
            {
                results.Add(new DiscoveryResult(source.Source, null, source.ConfiguredRepositories.Count, e.Message));
                health?.Failed(DiscoveryKey(source), time.GetUtcNow(), e.Message);
            }
        }

        lock (gate)
        {
            var next = new Dictionary<string, IReadOnlyList<CollectionTarget>>(bySource, StringComparer.Ordinal);
            foreach (var (name, targets) in found)
            {
                next[name] = targets;
            }

            bySource = next;
            all = Flatten(sources, next);
        }

        return results;
    }

    private static string DiscoveryKey(IFlowEventSource source) => "discovery:" + source.Source;

    private static List<CollectionTarget> Flatten(
        IEnumerable<(IFlowEventSource Source, SourceScheduleOptions Schedule)> sources, Dictionary<string, IReadOnlyList<CollectionTarget>> bySource)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<CollectionTarget>();
        foreach (var (source, _) in sources)
        {
            foreach (var target in bySource.GetValueOrDefault(source.Source) ?? [])
            {
                if (seen.Add(target.Key))
                {
                    result.Add(target);
                }
            }
        }

        return result;
    }
}

/// <summary>What one source's discovery found.</summary>
/// <param name="Source">The source name.</param>
/// <param name="Found">Repositories to collect, null when the listing failed.</param>
/// <param name="Configured">Of those, configured by name.</param>
/// <param name="Error">Why the listing failed (no secrets); the source keeps its previous targets.</param>
public sealed record DiscoveryResult(string Source, int? Found, int Configured, string? Error)
{
    public bool Ok => Error is null;
}
