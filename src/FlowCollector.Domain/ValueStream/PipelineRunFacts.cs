using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// One attempt of one pipeline run, folded from its queued / started / finished events and the stage events inside it
/// (stages, jobs, checkpoints: <see cref="FlowEventKind.StageStarted"/>). Every fold is commutative and idempotent.
/// </summary>
public sealed class PipelineRunFacts
{
    // Allocated only for runs whose source reports stages (Azure DevOps timelines).
    private Dictionary<string, StageRecord>? stages;

    public PipelineRunFacts(RepositoryRef repository, string runId, int attempt)
    {
        Repository = repository;
        RunId = runId;
        Attempt = attempt;
    }

    public RepositoryRef Repository { get; }

    public string RunId { get; }

    public int Attempt { get; }

    public string? Pipeline { get; private set; }

    public string? Sha { get; private set; }

    public string? Url { get; private set; }

    public DateTimeOffset? Queued { get; private set; }

    public DateTimeOffset? Started { get; private set; }

    public DateTimeOffset? Finished { get; private set; }

    public string? Result { get; private set; }

    public bool Succeeded => Finished is not null && string.Equals(Result, "success", StringComparison.Ordinal);

    /// <summary>
    /// The whole run drives a deployment (GitHub: a deployment's status links to it): it is a deployment run, not CI,
    /// unless <see cref="CiPipelines"/> names its pipeline.
    /// </summary>
    public bool Deploys { get; private set; }

    /// <summary>Records that the run drives a deployment (a deployment naming it was seen); sticky, so folding stays order-independent.</summary>
    public void MarkDeploys() => Deploys = true;

    /// <summary>
    /// The CI part of the run (docs/metrics.md, "CI"): when the source reported deploying stages, the stages that started
    /// before (or with) the first of them — it ends when the last of those finished and succeeded only if all of them did; when
    /// none started before it, the run has no CI part. Without deploying stages: the whole run, unless it
    /// <see cref="Deploys"/> (then none).
    /// </summary>
    public CiPart? Ci => CiPart(wholeRunDeploys: Deploys);

    /// <summary>As <see cref="Ci"/>, but a run that deploys as a whole still counts whole (its pipeline was named as CI).</summary>
    public CiPart? CiIgnoringRunDeploys => CiPart(wholeRunDeploys: false);

    private CiPart? CiPart(bool wholeRunDeploys)
    {
        DateTimeOffset? firstDeploy = null;
        if (stages is not null)
        {
            foreach (var (name, record) in stages)
            {
                if (record.Deploys && IsStage(name) && record.Started is { } s && (firstDeploy is null || s < firstDeploy))
                {
                    firstDeploy = s;
                }
            }
        }

        if (firstDeploy is not { } cut)
        {
            return wholeRunDeploys ? null : new CiPart(Started, Finished, Succeeded);
        }

        // A stage re-run keeps its name and the timeline shows its latest attempt, so a stage is one record here.
        var any = false;
        var allFinished = true;
        var allSucceeded = true;
        DateTimeOffset? end = null;
        foreach (var (name, record) in stages!)
        {
            // A stage that started at the same instant counts as before it (sequential stages at whole-second clocks tie).
            if (record.Deploys || !IsStage(name) || record.Started is not { } s || s > cut)
            {
                continue;
            }

            any = true;
            if (record.Finished is not { } f)
            {
                allFinished = false;
                continue;
            }

            end = end is { } e && e >= f ? e : f;
            allSucceeded &= string.Equals(record.Result, "success", StringComparison.Ordinal);
        }

        return any ? new CiPart(Started, allFinished ? end : null, allFinished && allSucceeded) : null;
    }

    /// <summary>Stage records are named by the stage alone; jobs and checkpoints inside it carry a <c>/</c>.</summary>
    private static bool IsStage(string name) => !name.Contains('/', StringComparison.Ordinal);

    /// <summary>True when the source reported stages inside the run, so its time can be split into wait and process.</summary>
    public bool HasStages => stages is not null;

    /// <summary>The stages, jobs and checkpoints reported inside the run, by name.</summary>
    public IReadOnlyDictionary<string, StageRecord> Stages => (IReadOnlyDictionary<string, StageRecord>?)stages ?? NoStages;

    private static readonly Dictionary<string, StageRecord> NoStages = [];

    /// <summary>Started → finished, or queued → finished when it never started; null until finished. Never negative.</summary>
    public TimeSpan? Duration => Finished is { } f && (Started ?? Queued) is { } s ? NonNegative(f - s) : null;

    /// <summary>
    /// Time inside <see cref="Duration"/> spent waiting: the union of the records the source marked as waiting (Azure
    /// DevOps: approvals and checks; overlapping ones count once), each clipped to the run, one still open at the run's
    /// end up to it.
    /// Null until finished or when the source reported no stages.
    /// </summary>
    public TimeSpan? WaitTime
    {
        get
        {
            if (stages is null || Finished is not { } end || (Started ?? Queued) is not { } start || end <= start)
            {
                return stages is null || Duration is null ? null : TimeSpan.Zero;
            }

            var waits = new List<(DateTimeOffset From, DateTimeOffset To)>();
            foreach (var record in stages.Values)
            {
                if (record.IsWait && record.Started is { } from)
                {
                    var to = record.Finished is { } f && f < end ? f : end;
                    from = from > start ? from : start;
                    if (to > from)
                    {
                        waits.Add((from, to));
                    }
                }
            }

            waits.Sort((a, b) => a.From.CompareTo(b.From));
            var total = TimeSpan.Zero;
            DateTimeOffset? coveredTo = null;
            foreach (var (from, to) in waits)
            {
                var begin = coveredTo is { } c && c > from ? c : from;
                if (to > begin)
                {
                    total += to - begin;
                    coveredTo = to;
                }
            }

            return total;
        }
    }

    /// <summary><see cref="Duration"/> − <see cref="WaitTime"/>: the time the run worked. Null when <see cref="WaitTime"/> is.</summary>
    public TimeSpan? ProcessTime => Duration is { } d && WaitTime is { } w ? d - w : null;

    /// <summary>Events that reproduce these facts when folded again (the Worker persists them with a pending change).</summary>
    public IReadOnlyList<FlowEvent> ToEvents()
    {
        var events = new List<FlowEvent>(3);
        if (Queued is { } queued)
        {
            events.Add(Event(FlowEventKind.RunQueued, queued) with { Deploys = Deploys });
        }

        if (Started is { } started)
        {
            events.Add(Event(FlowEventKind.RunStarted, started) with { Deploys = Deploys });
        }

        if (Finished is { } finished)
        {
            events.Add(Event(FlowEventKind.RunFinished, finished) with { Result = Result, Deploys = Deploys });
        }

        foreach (var (name, record) in Stages.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var kind = record.IsWait ? StageKind.Wait : StageKind.Process;
            if (record.Started is { } stageStarted)
            {
                events.Add(Event(FlowEventKind.StageStarted, stageStarted) with { Stage = name, StageKind = kind, Deploys = record.Deploys });
            }

            if (record.Finished is { } stageFinished)
            {
                events.Add(Event(FlowEventKind.StageFinished, stageFinished) with { Stage = name, StageKind = kind, Result = record.Result, Deploys = record.Deploys });
            }
        }

        return events;
    }

    private FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = RunId,
        OccurredAt = at,
        Attempt = Attempt,
        Pipeline = Pipeline,
        Sha = Sha,
        Url = Url,
    };

    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Pipeline ??= e.Pipeline;
        Sha ??= e.Sha;
        Url ??= e.Url;
        if (e.Deploys && e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished)
        {
            Deploys = true;
        }

        switch (e.Kind)
        {
            case FlowEventKind.RunQueued:
                Queued = Queued is { } q && q <= e.OccurredAt ? q : e.OccurredAt;
                break;
            case FlowEventKind.RunStarted:
                Started = Started is { } s && s <= e.OccurredAt ? s : e.OccurredAt;
                break;
            case FlowEventKind.RunFinished:
                // A finished attempt is final; the earliest report wins so duplicates cannot move it. Two reports of
                // the same instant keep the ordinally first result, so arrival order never decides the outcome.
                if (Finished is null
                    || e.OccurredAt < Finished
                    || (e.OccurredAt == Finished && string.CompareOrdinal(e.Result, Result) < 0))
                {
                    Finished = e.OccurredAt;
                    Result = e.Result;
                }

                break;
            case FlowEventKind.StageStarted:
            case FlowEventKind.StageFinished:
                stages ??= new Dictionary<string, StageRecord>(StringComparer.Ordinal);
                var name = e.Stage ?? "";
                stages[name] = (stages.TryGetValue(name, out var record) ? record : default).Apply(e);
                break;
            default:
                break;
        }
    }

    private static TimeSpan NonNegative(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}

/// <summary>
/// A stage, job or checkpoint inside a run: first start, first finish (ties: the ordinally first result), whether it is
/// waiting, and whether it deploys.
/// </summary>
public readonly record struct StageRecord(DateTimeOffset? Started, DateTimeOffset? Finished, string? Result, bool IsWait)
{
    /// <summary>The stage deploys (see <see cref="FlowEvent.Deploys"/>); CI is what ran before the first such stage.</summary>
    public bool Deploys { get; init; }

    /// <summary>The record with <paramref name="e"/> folded in (a record reported as waiting or deploying once stays so).</summary>
    public StageRecord Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var isWait = IsWait || e.StageKind == StageKind.Wait;
        var deploys = Deploys || e.Deploys;
        if (e.Kind == FlowEventKind.StageStarted)
        {
            return this with { Started = Started is { } s && s <= e.OccurredAt ? s : e.OccurredAt, IsWait = isWait, Deploys = deploys };
        }

        var earlier = Finished is null
            || e.OccurredAt < Finished
            || (e.OccurredAt == Finished && string.CompareOrdinal(e.Result, Result) < 0);
        return earlier
            ? this with { Finished = e.OccurredAt, Result = e.Result, IsWait = isWait, Deploys = deploys }
            : this with { IsWait = isWait, Deploys = deploys };
    }
}

/// <summary>
/// The CI part of one run attempt: when the run started, when its CI stages (or the whole run) finished — null while
/// running — and whether they all succeeded.
/// </summary>
public readonly record struct CiPart(DateTimeOffset? Started, DateTimeOffset? Finished, bool Succeeded);
