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
    /// <param name="stream">The configured stages.</param>
    /// <param name="counting">Which reviewers count.</param>
    public static ChangeTimeline Compute(ChangeFacts change, IReadOnlyCollection<PipelineRunFacts> runsOnMergeSha, ValueStreamDefinition stream, ReviewCounting counting) =>
        Compute(change, runsOnMergeSha, [], stream, counting);

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
    /// <param name="stream">The configured stages and environment path.</param>
    /// <param name="counting">Which reviewers count.</param>
    public static ChangeTimeline Compute(
        ChangeFacts change,
        IReadOnlyCollection<PipelineRunFacts> runsOnMergeSha,
        IReadOnlyCollection<DeploymentFacts> deployments,
        ValueStreamDefinition stream,
        ReviewCounting counting)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(runsOnMergeSha);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(counting);

        var start = StreamStart(change, stream);
        if (start is null)
        {
            return new ChangeTimeline(change, null, []);
        }

        var deployed = new ChangeDeployments(deployments.Where(d => d.Contains(change)).ToList());
        var boundaries = new Boundaries(change, runsOnMergeSha, deployed, stream, counting);
        var spans = new List<StageSpan>(stream.Stages.Count);
        var cursor = start.Value;
        foreach (var stage in stream.Stages)
        {
            var end = boundaries.EndOf(stage);
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

        return Arrive(new ChangeTimeline(change, start, spans), deployed, stream);
    }

    /// <summary>Adds the arrival, the per-environment first deployments and the lead times to a timeline.</summary>
    private static ChangeTimeline Arrive(ChangeTimeline timeline, ChangeDeployments deployed, ValueStreamDefinition stream)
    {
        // Environment names as configured (the path's spelling first), so tags match the stage names.
        var environments = stream.EnvironmentPath
            .Concat(stream.ProductionEnvironments.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        var reached = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var environment in environments)
        {
            if (deployed.FirstSuccess(environment) is { } finished)
            {
                reached[environment] = finished;
            }
        }

        // Several production environments: the earliest wins; a tie goes to the ordinally first name.
        var arrival = reached
            .Where(r => stream.ProductionEnvironments.Contains(r.Key))
            .OrderBy(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (KeyValuePair<string, DateTimeOffset>?)r)
            .FirstOrDefault();
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

        private readonly ChangeDeployments deployed;
        private readonly string? firstEnvironment;

        public Boundaries(ChangeFacts change, IReadOnlyCollection<PipelineRunFacts> runs, ChangeDeployments deployed, ValueStreamDefinition stream, ReviewCounting counting)
        {
            this.change = change;
            this.runs = runs;
            this.deployed = deployed;
            this.firstEnvironment = stream.EnvironmentPath.Count > 0 ? stream.EnvironmentPath[0] : null;

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

        public DateTimeOffset? EndOf(StageDefinition stage) => stage.Rule switch
        {
            StageRule.Backlog => this.BacklogEnd(),
            StageRule.Coding => this.CodingEnd(),
            StageRule.Pickup => this.counted.Count == 0 ? null : this.counted.Min(r => r.At),
            StageRule.Review => !this.HasReview || this.change.Merged is null ? null : this.LastApproval ?? this.change.Merged,
            StageRule.Merge => this.change.IsDirect || this.change.Merged is null || (this.HasReview && this.LastApproval is null) ? null : this.change.Merged,
            StageRule.CiQueue => this.change.Merged is null ? null : this.runs.Where(r => r.Started is not null).Select(r => r.Started).Min(),
            StageRule.Ci => this.change.Merged is null ? null : this.CiEnd(),
            // Like CI: the stage before a deployment ends when the first attempt carrying the change started (failed
            // attempts included); the deployment stage ends when the first successful one finished.
            StageRule.ReleaseWait => this.deployed.FirstAttempt(this.firstEnvironment),
            StageRule.Deploy => this.deployed.FirstSuccess(stage.Environment),
            StageRule.PromotionWait => this.deployed.FirstAttempt(stage.Environment),
            _ => null,
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

/// <summary>
/// The deployments that carry one change, by environment: when the first attempt started and when the first
/// successful one finished. Environment names are case-insensitive.
/// </summary>
internal sealed class ChangeDeployments(IReadOnlyList<DeploymentFacts> carrying)
{
    /// <summary>The first deployment to <paramref name="environment"/> carrying the change started (any result, also still running).</summary>
    public DateTimeOffset? FirstAttempt(string? environment) =>
        carrying.Where(d => d.IsIn(environment)).Select(d => d.EffectiveStart).Where(s => s is not null).Min();

    /// <summary>The first successful deployment to <paramref name="environment"/> carrying the change finished.</summary>
    public DateTimeOffset? FirstSuccess(string? environment) =>
        carrying.Where(d => d.IsIn(environment) && d.Succeeded).Select(d => d.Finished).Min();
}

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

    /// <summary>Sum of the process stages (up to the arrival once arrived).</summary>
    public TimeSpan ProcessTime => this.Sum(StageKind.Process);

    /// <summary>Sum of the wait stages (up to the arrival once arrived).</summary>
    public TimeSpan WaitTime => this.Sum(StageKind.Wait);

    /// <summary>
    /// First present stage's start → the arrival, or → the last known stage's end while not arrived. Equal to
    /// process + wait by construction (the spans tile the time and are cut at the arrival).
    /// </summary>
    public TimeSpan FlowTime => this.Spans.Count == 0 ? TimeSpan.Zero : this.Counted(this.Spans[0].Start, this.Spans[^1].End);

    /// <summary>Process time / flow time (0–1); null when the flow time is zero.</summary>
    public double? FlowEfficiency => this.FlowTime > TimeSpan.Zero ? this.ProcessTime / this.FlowTime : null;

    private TimeSpan Sum(StageKind kind)
    {
        var total = TimeSpan.Zero;
        foreach (var span in this.Spans)
        {
            if (span.Stage.Kind == kind)
            {
                total += this.Counted(span.Start, span.End);
            }
        }

        return total;
    }

    /// <summary>The part of [start, end] before the arrival; the spans are contiguous, so these parts add up exactly.</summary>
    private TimeSpan Counted(DateTimeOffset start, DateTimeOffset end)
    {
        var until = this.Arrived is { } arrived && arrived < end ? arrived : end;
        return until > start ? until - start : TimeSpan.Zero;
    }
}
