using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Turns the facts of one change into stage spans that tile its time (docs/metrics.md, "Stages"):
/// the first present stage starts at its own start event, every later present stage starts where the
/// previous one ended, and an absent stage is simply not there (its time falls to the next present stage).
/// Pure: no clock, no I/O.
/// </summary>
public static class StageCalculator
{
    /// <summary>
    /// Computes the spans of every stage whose end is known. Stages whose end is not known yet (a change
    /// not yet deployed) are left out and appear on a later run, when their end event arrives.
    /// </summary>
    /// <param name="change">The change's facts.</param>
    /// <param name="runsOnMergeSha">Pipeline attempts that ran on the change's merge commit (may be empty).</param>
    /// <param name="stream">The configured stages.</param>
    /// <param name="counting">Which reviewers count.</param>
    public static ChangeTimeline Compute(ChangeFacts change, IReadOnlyCollection<PipelineRunFacts> runsOnMergeSha, ValueStreamDefinition stream, ReviewCounting counting)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(runsOnMergeSha);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(counting);

        var start = StreamStart(change, stream);
        if (start is null)
        {
            return new ChangeTimeline(change, null, []);
        }

        var boundaries = new Boundaries(change, runsOnMergeSha, counting);
        var spans = new List<StageSpan>(stream.Stages.Count);
        var cursor = start.Value;
        foreach (var stage in stream.Stages)
        {
            var end = boundaries.EndOf(stage.Rule);
            if (end is null)
            {
                continue;
            }

            // A stage cannot end before the stream has reached it: skew is clamped to zero and the
            // cursor never moves backwards, so the spans still add up to the flow time exactly.
            var clamped = end.Value < cursor;
            var stageEnd = clamped ? cursor : end.Value;
            spans.Add(new StageSpan(stage, cursor, stageEnd, clamped));
            cursor = stageEnd;
        }

        return new ChangeTimeline(change, start, spans);
    }

    /// <summary>
    /// When work on the change started: its first commit or, when the source reported no commits, its opening
    /// or landing. The stream's start and the end of <c>backlog</c> both use it, so they cannot disagree.
    /// </summary>
    private static DateTimeOffset? WorkStarted(ChangeFacts change) =>
        change.FirstCommitAuthored ?? change.Opened ?? change.Merged;

    private static DateTimeOffset? StreamStart(ChangeFacts change, ValueStreamDefinition stream)
    {
        var codingStart = WorkStarted(change);
        var hasBacklog = change.WorkItemCreated is not null && stream.Stages.Any(s => s.Rule == StageRule.Backlog);
        if (hasBacklog)
        {
            return codingStart is { } c && c < change.WorkItemCreated!.Value ? c : change.WorkItemCreated;
        }

        return codingStart;
    }

    /// <summary>The end event of each rule for one change, or null where the stage is absent.</summary>
    private sealed class Boundaries
    {
        private readonly ChangeFacts change;
        private readonly IReadOnlyCollection<PipelineRunFacts> runs;
        private readonly List<ReviewFact> counted;

        public Boundaries(ChangeFacts change, IReadOnlyCollection<PipelineRunFacts> runs, ReviewCounting counting)
        {
            this.change = change;
            this.runs = runs;

            // Reviews by the author or by bots never count; nor do reviews after the merge (they cannot have held
            // it up), nor feedback on a draft before it was marked ready: that happened during coding, and the
            // change was not yet waiting for anyone.
            var ready = this.CodingEnd();
            this.counted = change.IsDirect
                ? []
                : change.Reviews
                    .Where(r => !counting.IsBot(r.Reviewer, r.IsBot)
                                && !string.Equals(r.Reviewer, change.Author, StringComparison.OrdinalIgnoreCase)
                                && (change.Merged is null || r.At <= change.Merged.Value)
                                && (!change.OpenedAsDraft || ready is null || r.At >= ready.Value)
                                && (counting.CommentsEndPickup || r.State != ReviewState.None))
                    .ToList();
        }

        private bool HasReview => this.counted.Any(r => r.State != ReviewState.None);

        private DateTimeOffset? LastApproval => this.counted
            .Where(r => r.State == ReviewState.Approved)
            .Select(r => (DateTimeOffset?)r.At)
            .Max();

        public DateTimeOffset? EndOf(StageRule rule) => rule switch
        {
            StageRule.Backlog => this.BacklogEnd(),
            StageRule.Coding => this.CodingEnd(),
            StageRule.Pickup => this.counted.Count == 0 ? null : this.counted.Min(r => r.At),
            StageRule.Review => !this.HasReview || this.change.Merged is null ? null : this.LastApproval ?? this.change.Merged,
            StageRule.Merge => this.change.IsDirect || this.change.Merged is null || (this.HasReview && this.LastApproval is null) ? null : this.change.Merged,
            StageRule.CiQueue => this.change.Merged is null ? null : this.runs.Where(r => r.Started is not null).Select(r => r.Started).Min(),
            StageRule.Ci => this.change.Merged is null ? null : this.CiEnd(),
            _ => null, // deployment stages need change-set attribution (engine issue #3)
        };

        private DateTimeOffset? BacklogEnd()
        {
            if (this.change.WorkItemCreated is null)
            {
                return null;
            }

            var firstCommit = WorkStarted(this.change);
            var activated = this.change.WorkItemActivated;
            return (activated, firstCommit) switch
            {
                ({ } a, { } c) => a < c ? a : c,
                ({ } a, null) => a,
                (null, { } c) => c,
                _ => null,
            };
        }

        private DateTimeOffset? CodingEnd()
        {
            if (this.change.IsDirect)
            {
                return this.change.Merged;
            }

            if (this.change.OpenedAsDraft)
            {
                // A draft that was merged without ever being marked ready ends coding at the merge.
                return this.change.FirstReadyForReview ?? this.change.Merged;
            }

            return this.change.Opened;
        }

        private DateTimeOffset? CiEnd()
        {
            // Every pipeline on the merge commit has to be green; each one's first successful attempt counts.
            var byPipeline = this.runs
                .GroupBy(r => r.Pipeline ?? "", StringComparer.Ordinal)
                .Select(g => g.Where(r => r.Succeeded).Select(r => r.Finished).Min())
                .ToList();
            return byPipeline.Count == 0 || byPipeline.Any(f => f is null) ? null : byPipeline.Max();
        }
    }
}

/// <summary>The stage spans of one change, with the totals derived from them.</summary>
public sealed record ChangeTimeline(ChangeFacts Change, DateTimeOffset? Start, IReadOnlyList<StageSpan> Spans)
{
    public TimeSpan ProcessTime => Sum(StageKind.Process);

    public TimeSpan WaitTime => Sum(StageKind.Wait);

    /// <summary>First present stage's start → last known stage's end; equal to process + wait by construction.</summary>
    public TimeSpan FlowTime => this.Spans.Count == 0 ? TimeSpan.Zero : this.Spans[^1].End - this.Spans[0].Start;

    private TimeSpan Sum(StageKind kind)
    {
        var total = TimeSpan.Zero;
        foreach (var span in this.Spans)
        {
            if (span.Stage.Kind == kind)
            {
                total += span.Duration;
            }
        }

        return total;
    }
}
