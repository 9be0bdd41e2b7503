using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>One attempt of one pipeline run, folded from its queued / started / finished events.</summary>
public sealed class PipelineRunFacts
{
    public PipelineRunFacts(RepositoryRef repository, string runId, int attempt)
    {
        this.Repository = repository;
        this.RunId = runId;
        this.Attempt = attempt;
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

    public bool Succeeded => this.Finished is not null && string.Equals(this.Result, "success", StringComparison.Ordinal);

    /// <summary>Events that reproduce these facts when folded again (the Worker persists them with a pending change).</summary>
    public IReadOnlyList<FlowEvent> ToEvents()
    {
        var events = new List<FlowEvent>(3);
        if (this.Queued is { } queued)
        {
            events.Add(this.Event(FlowEventKind.RunQueued, queued));
        }

        if (this.Started is { } started)
        {
            events.Add(this.Event(FlowEventKind.RunStarted, started));
        }

        if (this.Finished is { } finished)
        {
            events.Add(this.Event(FlowEventKind.RunFinished, finished) with { Result = this.Result });
        }

        return events;
    }

    private FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
    {
        Kind = kind,
        Repository = this.Repository,
        SubjectId = this.RunId,
        OccurredAt = at,
        Attempt = this.Attempt,
        Pipeline = this.Pipeline,
        Sha = this.Sha,
        Url = this.Url,
    };

    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        this.Pipeline ??= e.Pipeline;
        this.Sha ??= e.Sha;
        this.Url ??= e.Url;
        switch (e.Kind)
        {
            case FlowEventKind.RunQueued:
                this.Queued = this.Queued is { } q && q <= e.OccurredAt ? q : e.OccurredAt;
                break;
            case FlowEventKind.RunStarted:
                this.Started = this.Started is { } s && s <= e.OccurredAt ? s : e.OccurredAt;
                break;
            case FlowEventKind.RunFinished:
                // A finished attempt is final; the earliest report wins so duplicates cannot move it. Two reports of
                // the same instant keep the ordinally first result, so arrival order never decides the outcome.
                if (this.Finished is null
                    || e.OccurredAt < this.Finished
                    || (e.OccurredAt == this.Finished && string.CompareOrdinal(e.Result, this.Result) < 0))
                {
                    this.Finished = e.OccurredAt;
                    this.Result = e.Result;
                }

                break;
            default:
                break;
        }
    }
}
