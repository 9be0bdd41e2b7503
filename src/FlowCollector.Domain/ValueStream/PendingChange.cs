using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// A merged change the caller keeps between runs. <see cref="Events"/> replayed into the next run's
/// <see cref="RepositoryFlow"/> reproduce its timeline; they are plain <see cref="FlowEvent"/> records, so they can
/// be stored as JSON. <see cref="Merged"/> lets the caller cap how long an undeployed change is kept.
/// </summary>
public sealed record PendingChange(string ChangeId, DateTimeOffset Merged, DateTimeOffset? Arrived, IReadOnlyList<FlowEvent> Events);
