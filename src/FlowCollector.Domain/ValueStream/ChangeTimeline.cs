using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The stage spans of one change, with the totals derived from them. Once the change has <see cref="Arrived"/>,
/// the totals count only the time up to the arrival: stages after it (a second production environment later in the
/// path) are still spans, but belong to that environment's lead time, not to the change's flow time.
/// </summary>
public sealed record ChangeTimeline(ChangeFacts Change, DateTimeOffset? Start, IReadOnlyList<StageSpan> Spans)
{
    private static readonly IReadOnlyDictionary<string, DateTimeOffset> NoDeployments = new Dictionary<string, DateTimeOffset>();
    private static readonly IReadOnlyDictionary<string, TimeSpan> NoLeadTimes = new Dictionary<string, TimeSpan>();

    /// <summary>When the change arrived: its first successful deployment to any production environment finished.</summary>
    public DateTimeOffset? Arrived { get; init; }

    /// <summary>The production environment it arrived in (as configured), or null.</summary>
    public string? ArrivalEnvironment { get; init; }

    /// <summary>Lead time for changes (DORA): first commit authored → <see cref="Arrived"/>; never negative. Null until arrived.</summary>
    public TimeSpan? LeadTime { get; init; }

    /// <summary>Per environment of the path (and production environment): when the first successful deployment carrying the change finished.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Deployed { get; init; } = NoDeployments;

    /// <summary>Per environment in <see cref="Deployed"/>: first commit authored → that deployment finished; never negative.</summary>
    public IReadOnlyDictionary<string, TimeSpan> EnvironmentLeadTimes { get; init; } = NoLeadTimes;

    /// <summary>
    /// When the change reached the last environment of the path: no later stage can appear, so a caller may drop it
    /// from its working set (see <see cref="RepositoryFlow.PendingChanges"/>).
    /// </summary>
    public DateTimeOffset? Completed { get; init; }

    /// <summary>The change is an unplanned fix by the stream's <see cref="ValueStreamDefinition.Rework"/> rules.</summary>
    public bool IsRework { get; init; }

    /// <summary>Sum of the process stages (up to the arrival once arrived).</summary>
    public TimeSpan ProcessTime => Sum(StageKind.Process);

    /// <summary>Sum of the wait stages (up to the arrival once arrived).</summary>
    public TimeSpan WaitTime => Sum(StageKind.Wait);

    /// <summary>
    /// First present stage's start → the arrival, or → the last known stage's end while not arrived. Equal to
    /// process + wait by construction (the spans tile the time and are cut at the arrival).
    /// </summary>
    public TimeSpan FlowTime => Spans.Count == 0 ? TimeSpan.Zero : Counted(Spans[0].Start, Spans[^1].End);

    /// <summary>Process time / flow time (0–1); null when the flow time is zero.</summary>
    public double? FlowEfficiency => FlowTime > TimeSpan.Zero ? ProcessTime / FlowTime : null;

    private TimeSpan Sum(StageKind kind)
    {
        var total = TimeSpan.Zero;
        foreach (var span in Spans)
        {
            if (span.Stage.Kind == kind)
            {
                total += Counted(span.Start, span.End);
            }
        }

        return total;
    }

    /// <summary>The part of <paramref name="span"/> up to the arrival (all of it before): what flow time counts of it.</summary>
    public TimeSpan CountedTime(StageSpan span) => Counted(span.Start, span.End);

    /// <summary>The part of [start, end] before the arrival; the spans are contiguous, so these parts add up exactly.</summary>
    private TimeSpan Counted(DateTimeOffset start, DateTimeOffset end)
    {
        var until = Arrived is { } arrived && arrived < end ? arrived : end;
        return until > start ? until - start : TimeSpan.Zero;
    }
}
