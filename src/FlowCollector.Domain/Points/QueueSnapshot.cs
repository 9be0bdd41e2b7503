using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>
/// One repository's waiting-now counts as its last run saw them, kept so that <see cref="QueueRollupPoints"/> can sum
/// every repository of an organisation without reading their <c>stage_queue</c> points back.
/// </summary>
/// <param name="Source">The repository's source (<c>github</c>, <c>azuredevops</c>).</param>
/// <param name="Org">Its organisation (the <c>org</c> tag).</param>
/// <param name="Team">Its team (the <c>team</c> tag), or null.</param>
/// <param name="Taken">When the run took the snapshot.</param>
/// <param name="IntervalSeconds">How long the repository waits between runs, s: how soon a newer snapshot is due.</param>
/// <param name="Queues">Every wait stage of its stream but <c>backlog</c>, empty ones included.</param>
public sealed record QueueSnapshot(string Source, string Org, string? Team, DateTimeOffset Taken, double IntervalSeconds, IReadOnlyList<QueueCount> Queues)
{
    /// <summary>The snapshot of a run: the same stages and counts as its <c>stage_queue</c> points.</summary>
    public static QueueSnapshot Of(RepositoryRef repository, string? team, ValueStreamDefinition stream, IReadOnlyList<WaitingItem> waiting, DateTimeOffset now, double intervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(waiting);
        var queues = stream.Stages
            .Where(StageQueuePoints.IsQueue)
            .Select(stage =>
            {
                var items = waiting.Where(w => w.Stage == stage).ToList();
                return new QueueCount(stage.Name, items.Count, items.Count == 0 ? null : items.Min(w => w.Since));
            })
            .ToList();
        return new QueueSnapshot(repository.Source, repository.Owner, team, now, intervalSeconds, queues);
    }
}

/// <summary>One wait stage of a <see cref="QueueSnapshot"/>.</summary>
/// <param name="Stage">The stage's name, as on its <c>stage_queue</c> points.</param>
/// <param name="Count">Changes waiting in it.</param>
/// <param name="OldestSince">Since when the longest-waiting one waits (null when none waits).</param>
public sealed record QueueCount(string Stage, long Count, DateTimeOffset? OldestSince);
