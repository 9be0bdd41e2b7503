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
    /// Without deployments the deployment stages are absent and the change has not arrived.
    /// </summary>
    /// <param name="change">The change's facts.</param>
    /// <param name="runsOnMergeSha">Pipeline attempts that ran on the change's merge commit (may be empty).</param>
    /// <param name="stream">The configured stages and their rules.</param>
    public static ChangeTimeline Compute(ChangeFacts change, IReadOnlyCollection<PipelineRunFacts> runsOnMergeSha, ValueStreamDefinition stream) =>
        Compute(change, runsOnMergeSha, [], stream);

    /// <summary>
    /// Computes the spans of every stage whose end is known, including the deployment stages, and the change's
    /// arrival (its first successful deployment to a production environment) with the totals up to it.
    /// </summary>
    /// <param name="change">The change's facts.</param>
    /// <param name="runsOnMergeSha">Pipeline attempts that ran on the change's merge commit (may be empty).</param>
    /// <param name="deployments">
    /// Deployments that may carry the change (any superset: only those that <see cref="DeploymentFacts.Contains"/>
    /// the change count, so a caller may pass every deployment it knows).
    /// </param>
    /// <param name="stream">The configured stages, their rules and the environment path.</param>
    public static ChangeTimeline Compute(
        ChangeFacts change,
        IReadOnlyCollection<PipelineRunFacts> runsOnMergeSha,
        IReadOnlyCollection<DeploymentFacts> deployments,
        ValueStreamDefinition stream)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(runsOnMergeSha);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(stream);

        var start = StreamStart(change, stream);
        if (start is null)
        {
            return new ChangeTimeline(change, null, []) { IsRework = stream.Rework.IsRework(change) };
        }

        var deployed = ChangeDeployments.Carrying(change, deployments);
        var boundaries = new Boundaries(change, runsOnMergeSha, deployed, stream);

        // Two passes (count, then fill an exact array): a change has a handful of the configured stages, and a
        // list sized for all of them would be most of the timeline's allocation.
        var present = 0;
        foreach (var stage in stream.Stages)
        {
            present += boundaries.EndOf(stage) is null ? 0 : 1;
        }

        var spans = new StageSpan[present];
        var filled = 0;
        var cursor = start.Value;
        for (var order = 0; order < stream.Stages.Count; order++)
        {
            var stage = stream.Stages[order];
            var end = boundaries.EndOf(stage);
            if (end is null)
            {
                continue;
            }

            // A stage cannot end before the stream has reached it: skew is clamped to zero and the
            // cursor never moves backwards, so the spans still add up to the flow time exactly.
            var clamped = end.Value < cursor;
            var stageEnd = clamped ? cursor : end.Value;
            spans[filled++] = new StageSpan(stage, cursor, stageEnd, clamped, order + 1);
            cursor = stageEnd;
        }

        return Arrive(new ChangeTimeline(change, start, spans) { IsRework = stream.Rework.IsRework(change) }, deployed, stream);
    }

    /// <summary>Adds the arrival, the per-environment first deployments and the lead times to a timeline.</summary>
    private static ChangeTimeline Arrive(ChangeTimeline timeline, ChangeDeployments deployed, ValueStreamDefinition stream)
    {
        if (deployed.IsEmpty)
        {
            // Not deployed anywhere (most changes of a run): the timeline's defaults already say so.
            return timeline;
        }

        // Environment names as configured (the path's spelling first), so tags match the stage names.
        var reached = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        KeyValuePair<string, DateTimeOffset>? arrival = null;
        foreach (var environment in stream.ReportedEnvironments)
        {
            if (deployed.FirstSuccess(environment) is not { } finished)
            {
                continue;
            }

            reached[environment] = finished;

            // Several production environments: the earliest wins; a tie goes to the ordinally first name.
            if (stream.ProductionEnvironments.Contains(environment)
                && (arrival is not { } best || finished < best.Value || (finished == best.Value && string.CompareOrdinal(environment, best.Key) < 0)))
            {
                arrival = new(environment, finished);
            }
        }

        if (reached.Count == 0)
        {
            return timeline;
        }

        var workStarted = WorkStarted(timeline.Change);
        return timeline with
        {
            Arrived = arrival?.Value,
            ArrivalEnvironment = arrival?.Key,
            LeadTime = arrival is { } a && workStarted is { } w ? NonNegative(a.Value - w) : null,
            Deployed = reached,
            EnvironmentLeadTimes = workStarted is { } ws
                ? reached.ToDictionary(r => r.Key, r => NonNegative(r.Value - ws), StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase),
            Completed = stream.EnvironmentPath.Count > 0 && reached.TryGetValue(stream.EnvironmentPath[^1], out var last) ? last : null,
        };
    }

    private static TimeSpan NonNegative(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;

    /// <summary>
    /// When work on the change started: its first commit or, when the source reported no commits, its opening
    /// or landing. The stream's start and the end of <c>backlog</c> both use it, so they cannot disagree.
    /// </summary>
    private static DateTimeOffset? WorkStarted(ChangeFacts change) =>
        change.FirstCommitAuthored ?? change.Opened ?? change.Merged;

    private static DateTimeOffset? StreamStart(ChangeFacts change, ValueStreamDefinition stream)
    {
        var codingStart = WorkStarted(change);
        var hasBacklog = change.WorkItemCreated is not null && stream.HasBacklog;
        if (hasBacklog)
        {
            return codingStart is { } c && c < change.WorkItemCreated!.Value ? c : change.WorkItemCreated;
        }

        return codingStart;
    }

    /// <summary>The end event of each rule for one change, or null where the stage is absent.</summary>
    private readonly struct Boundaries
    {
        private readonly ChangeFacts change;
        private readonly IReadOnlyCollection<PipelineRunFacts> runs;
        private readonly ChangeDeployments deployed;
        private readonly string? firstEnvironment;
        private readonly CiPipelines ci;

        // Of the reviews that count: whether any is a verdict, the first one's time, the last approval's time.
        private readonly bool hasReview;
        private readonly DateTimeOffset? firstCounted;
        private readonly DateTimeOffset? lastApproval;

        public Boundaries(ChangeFacts change, IReadOnlyCollection<PipelineRunFacts> runs, ChangeDeployments deployed, ValueStreamDefinition stream)
        {
            this.change = change;
            this.runs = runs;
            this.deployed = deployed;
            firstEnvironment = stream.EnvironmentPath.Count > 0 ? stream.EnvironmentPath[0] : null;
            ci = stream.Ci;
            if (change.IsDirect)
            {
                return;
            }

            // Reviews by the author or by bots (as their source flagged them) never count; nor do reviews after the merge (they cannot have held
            // it up), nor feedback on a draft before it was marked ready: that happened during coding, and the
            // change was not yet waiting for anyone.
            var ready = CodingEnd();
            foreach (var r in change.Reviews)
            {
                var counts = !r.IsBot
                    && !string.Equals(r.Reviewer, change.Author, StringComparison.OrdinalIgnoreCase)
                    && (change.Merged is null || r.At <= change.Merged.Value)
                    && (!change.OpenedAsDraft || ready is null || r.At >= ready.Value)
                    && (stream.CommentsEndPickup || r.State != ReviewState.None);
                if (!counts)
                {
                    continue;
                }

                firstCounted = firstCounted is { } first && first <= r.At ? first : r.At;
                hasReview |= r.State != ReviewState.None;
                if (r.State == ReviewState.Approved)
                {
                    lastApproval = lastApproval is { } last && last >= r.At ? last : r.At;
                }
            }
        }

        public DateTimeOffset? EndOf(StageDefinition stage) => stage.Rule switch
        {
            StageRule.Backlog => BacklogEnd(),
            StageRule.Coding => CodingEnd(),
            StageRule.Pickup => firstCounted,
            StageRule.Review => !hasReview || change.Merged is null ? null : lastApproval ?? change.Merged,
            StageRule.Merge => change.IsDirect || change.Merged is null || (hasReview && lastApproval is null) ? null : change.Merged,
            StageRule.CiQueue => change.Merged is null ? null : FirstRunStarted(),
            StageRule.Ci => change.Merged is null ? null : CiEnd(),
            // Like CI: the stage before a deployment ends when the first attempt carrying the change started (failed
            // attempts included); the deployment stage ends when the first successful one finished.
            StageRule.ReleaseWait => deployed.FirstAttempt(firstEnvironment),
            StageRule.Deploy => deployed.FirstSuccess(stage.Environment),
            StageRule.PromotionWait => deployed.FirstAttempt(stage.Environment),
            _ => null,
        };

        private DateTimeOffset? BacklogEnd()
        {
            if (change.WorkItemCreated is null)
            {
                return null;
            }

            var firstCommit = WorkStarted(change);
            var activated = change.WorkItemActivated;
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
            if (change.IsDirect)
            {
                return change.Merged;
            }

            if (change.OpenedAsDraft)
            {
                // A draft that was merged without ever being marked ready ends coding at the merge.
                return change.FirstReadyForReview ?? change.Merged;
            }

            return change.Opened;
        }

        private DateTimeOffset? FirstRunStarted()
        {
            // Deployment runs on the same commit are not CI: their start does not end the wait for CI.
            DateTimeOffset? first = null;
            foreach (var run in runs)
            {
                if (ci.CiPartOf(run) is { Started: { } started } && (first is null || started < first.Value))
                {
                    first = started;
                }
            }

            return first;
        }

        private DateTimeOffset? CiEnd()
        {
            // Every CI pipeline on the merge commit has to be green; each one's first successful attempt counts. Only the
            // CI part of a run counts: a deploying stage or a deployment run failing later did not fail CI.
            if (runs.Count == 0)
            {
                return null;
            }

            // A change meets one or two pipelines: a short list beats grouping into a dictionary.
            var pipelines = new List<(string Pipeline, DateTimeOffset? FirstGreen)>(2);
            foreach (var run in runs)
            {
                if (ci.CiPartOf(run) is not { } part)
                {
                    continue;
                }

                var pipeline = run.Pipeline ?? "";
                var green = part.Succeeded ? part.Finished : null;
                var i = pipelines.FindIndex(p => string.Equals(p.Pipeline, pipeline, StringComparison.Ordinal));
                if (i < 0)
                {
                    pipelines.Add((pipeline, green));
                }
                else if (green is { } g && (pipelines[i].FirstGreen is not { } known || g < known))
                {
                    pipelines[i] = (pipeline, g);
                }
            }

            DateTimeOffset? end = null;
            foreach (var (_, firstGreen) in pipelines)
            {
                if (firstGreen is not { } green)
                {
                    return null;
                }

                end = end is { } e && e >= green ? e : green;
            }

            return end;
        }
    }
}
