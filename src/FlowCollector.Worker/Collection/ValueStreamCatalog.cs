using FlowCollector.Domain.Events;
using FlowCollector.Domain.Matching;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Picks each repository's value stream (docs/configuration.md, "ValueStream"): the first <c>ValueStream:Streams</c> entry
/// whose patterns match it, else the one stream of <c>ValueStream:Environments</c> when configured, else the path learnt
/// from its deployments, else the spec's default (<c>production</c> only).
/// </summary>
public sealed class ValueStreamCatalog
{
    private readonly List<(int Index, IReadOnlyList<Glob> Patterns, ValueStreamDefinition Definition)> streams;
    private readonly StreamAssignment? configured;
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<string>, ValueStreamDefinition> build;

    private ValueStreamCatalog(
        List<(int, IReadOnlyList<Glob>, ValueStreamDefinition)> streams,
        StreamAssignment? configured,
        EnvironmentLearning learning,
        Func<IReadOnlyList<string>, IReadOnlyList<string>, ValueStreamDefinition> build)
    {
        this.streams = streams;
        this.configured = configured;
        Learning = learning;
        this.build = build;
    }

    /// <summary>How paths are learnt for the repositories without an explicit stream.</summary>
    public EnvironmentLearning Learning { get; }

    /// <summary>True when no repository learns its path: one configured stream applies to all.</summary>
    public bool LearnsNothing => configured is not null;

    /// <summary>One stream for every repository (tests, and callers that configure the definition directly).</summary>
    public static ValueStreamCatalog OneForAll(ValueStreamDefinition definition) =>
        new([], new StreamAssignment(definition, StreamOrigin.Configured, "configured (ValueStream:Environments)"), EnvironmentLearning.Default, (path, production) => ValueStreamDefinition.Default(path, production));

    public static ValueStreamCatalog From(ValueStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var streams = options.Streams
            .Select((s, i) => (i, (IReadOnlyList<Glob>)[.. s.Match.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => new Glob(p.Trim()))], options.Build(s.Environments, s.ProductionEnvironments, s.Stages)))
            .ToList();
        var configured = options.HasGlobalStream
            ? new StreamAssignment(options.ToDefinition(), StreamOrigin.Configured, "configured (ValueStream:Environments)")
            : null;
        return new ValueStreamCatalog(streams, configured, options.ToLearning(), (path, production) => options.Build(path, production, []));
    }

    /// <summary>The configured stream of <paramref name="repository"/>, or null when its path is to be learnt.</summary>
    public StreamAssignment? Explicit(RepositoryRef repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        foreach (var (index, patterns, definition) in streams)
        {
            if (patterns.Any(p => TeamDirectory.Matches(p, repository)))
            {
                return new StreamAssignment(definition, StreamOrigin.Stream, $"configured (ValueStream:Streams:{index})");
            }
        }

        return configured;
    }

    /// <summary>The stream of a learnt path; the spec's default (<c>production</c> only) when nothing was learnt yet.</summary>
    public StreamAssignment Learnt(LearntEnvironmentPath? path) => path is null
        ? new StreamAssignment(build([], []), StreamOrigin.Default, "default: no deployment seen yet")
        : new StreamAssignment(build(path.Environments, path.Production), StreamOrigin.Learnt, "learnt from its deployments");

    /// <summary>
    /// The stream of a repository nothing is known about (a run that failed before choosing one): the stream configured
    /// for every repository, else the spec's default.
    /// </summary>
    public StreamAssignment Fallback => configured ?? Learnt(null);

    /// <summary>The stream of <paramref name="repository"/> given what was learnt about it (ignored when a stream is configured).</summary>
    public StreamAssignment Resolve(RepositoryRef repository, LearntEnvironmentPath? learnt) => Explicit(repository) ?? Learnt(learnt);

    /// <summary>
    /// The <c>ValueStream:Streams</c> patterns that match none of <paramref name="repositories"/> (a typo, or a repository
    /// not configured or discovered): <c>(key, pattern)</c>, for a warning.
    /// </summary>
    public IReadOnlyList<(string Key, string Pattern)> PatternsMatchingNone(IReadOnlyCollection<RepositoryRef> repositories)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        return [.. streams
            .SelectMany(s => s.Patterns.Select((p, i) => (Key: $"ValueStream:Streams:{s.Index}:Match:{i}", Glob: p)))
            .Where(p => !repositories.Any(r => TeamDirectory.Matches(p.Glob, r)))
            .Select(p => (p.Key, p.Glob.Pattern))];
    }
}
