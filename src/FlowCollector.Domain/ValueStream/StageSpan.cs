namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The time one change spent in one present stage. <see cref="Start"/> is where the previous present
/// stage ended; <see cref="End"/> the stage's own end event. <see cref="Clamped"/> marks a span whose
/// end event came before its start (clock skew, reordered systems): its duration is 0, never negative.
/// </summary>
public readonly record struct StageSpan(StageDefinition Stage, DateTimeOffset Start, DateTimeOffset End, bool Clamped)
{
    public TimeSpan Duration => this.End - this.Start;
}
