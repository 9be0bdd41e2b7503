using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>An open (not yet merged, not closed) change the caller keeps between runs, so the waiting-now snapshot still sees it when it is not updated.</summary>
public sealed record OpenChange(string ChangeId, DateTimeOffset Opened, IReadOnlyList<FlowEvent> Events);
