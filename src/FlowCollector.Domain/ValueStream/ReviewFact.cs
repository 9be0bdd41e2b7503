using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>A review or a single review comment. <see cref="State"/> is <see cref="ReviewState.None"/> for a comment.</summary>
public readonly record struct ReviewFact(string Reviewer, bool IsBot, ReviewState State, DateTimeOffset At);
