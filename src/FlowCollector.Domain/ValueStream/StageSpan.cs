namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The time one change spent in one present stage. <see cref="Start"/> is where the previous present
/// stage ended; <see cref="End"/> the stage's own end event. <see cref="Clamped"/> marks a span whose
/// end event came before its start (clock skew, reordered systems): its duration is 0, never negative.
/// <see cref="Order"/> is the stage's 1-based position in the stream's <see cref="ValueStreamDefinition.Stages"/>
/// (1 = the first configured stage), written as the <c>stage_order</c> field so boards can sort each repository's
/// stages in its own path order (docs/schema.md). Absent stages leave gaps: it is a position in the stream, not a
/// count of present stages. 1-based so that 0 (the default of an unset int) never passes for a real position.
/// </summary>
public readonly record struct StageSpan(StageDefinition Stage, DateTimeOffset Start, DateTimeOffset End, bool Clamped, int Order)
{
    public TimeSpan Duration => End - Start;
}
