using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Everything known about one deployment, folded from its <c>Deployment*</c> events. Every fold is commutative
/// and idempotent (minimums, sets, ordinal minimums, the highest comparison), so duplicates and any arrival
/// order give the same facts.
/// </summary>
public sealed class DeploymentFacts
{
    private readonly HashSet<string> includedShas = new(StringComparer.Ordinal);

    // What the engine worked out for a deployment its source could not compare (see RepositoryFlow.InferChangeSets):
    // replaced wholesale on every inference, so it never depends on the order events arrived in.
    private IReadOnlySet<string> inferredShas = EmptyShas;
    private static readonly IReadOnlySet<string> EmptyShas = new HashSet<string>(StringComparer.Ordinal);

    public DeploymentFacts(RepositoryRef repository, string deploymentId)
    {
        Repository = repository;
        DeploymentId = deploymentId;
    }

    public RepositoryRef Repository { get; }

    public string DeploymentId { get; }

    /// <summary>The environment as the source reported it (several reports that disagree: the ordinally first).</summary>
    public string? Environment { get; private set; }

    /// <summary>What stands in for a deployment (e.g. <c>release</c>), null for a real one (several reports that disagree: the ordinally first).</summary>
    public string? Fallback { get; private set; }

    /// <summary>The deployed commit (several reports that disagree: the ordinally first).</summary>
    public string? Sha { get; private set; }

    /// <summary>The deployment's page, from its own status events (several that disagree: the ordinally first).</summary>
    public string? Url { get; private set; }

    /// <summary>The pipeline run that performed it, when the source can tell (several reports that disagree: the ordinally first).</summary>
    public string? RunId { get; private set; }

    /// <summary>The stage of <see cref="RunId"/> that deployed, when the source reports stages (several that disagree: the ordinally first).</summary>
    public string? Stage { get; private set; }

    /// <summary>
    /// Every report so far was provisional (<see cref="FlowEvent.Provisional"/>): a stand-in from a run still in progress,
    /// replaced by the real deployment of the same run and stage once that is known.
    /// </summary>
    public bool IsProvisional => sawProvisional && !sawDefinitive;

    private bool sawProvisional;
    private bool sawDefinitive;

    /// <summary>Created / queued: the earliest report.</summary>
    public DateTimeOffset? Queued { get; private set; }

    /// <summary>The first <c>in_progress</c> status.</summary>
    public DateTimeOffset? Started { get; private set; }

    /// <summary>The first final status (<c>success</c>, <c>failure</c>, <c>error</c>); later statuses (<c>inactive</c>) never move it.</summary>
    public DateTimeOffset? Finished { get; private set; }

    /// <summary>The result of the earliest final status; two at the same instant keep the ordinally first.</summary>
    public string? Result { get; private set; }

    public DeploymentComparison Comparison { get; private set; }

    /// <summary>The change set as the source computed it (see <see cref="FlowEventKind.DeploymentIncludes"/>).</summary>
    public IReadOnlyCollection<string> IncludedShas => includedShas;

    /// <summary>
    /// SHAs of tracked changes the engine found this deployment to carry although its source could not compare it with a
    /// baseline (<see cref="DeploymentComparison.Unknown"/>: the first deployment seen in its environment). Empty otherwise.
    /// </summary>
    public IReadOnlySet<string> InferredShas => inferredShas;

    public bool Succeeded => Finished is not null && string.Equals(Result, "success", StringComparison.Ordinal);

    /// <summary>An older SHA than the environment's previous successful deployment was deployed.</summary>
    public bool IsRollback => Comparison == DeploymentComparison.Behind;

    /// <summary>The SHA of the environment's previous successful deployment was deployed again.</summary>
    public bool IsRedeploy => Comparison == DeploymentComparison.Identical;

    /// <summary>Rollbacks and redeploys bring nothing new: no change is attributed to them.</summary>
    public bool AddsChanges => !IsRollback && !IsRedeploy;

    /// <summary>
    /// When the deployment started working: its first <c>in_progress</c> status or, for a finished deployment that
    /// never reported one, its creation (or, lacking that too, its end). Null while it is only queued: a deployment
    /// waiting for an approval has not started, and the stage before it has not ended.
    /// </summary>
    public DateTimeOffset? EffectiveStart => Started ?? (Finished is null ? null : Queued ?? Finished);

    /// <summary>The latest moment known about it; a deployment that ended before a change merged cannot carry it.</summary>
    public DateTimeOffset? LastKnown => Finished ?? Started ?? Queued;

    /// <summary>Started → finished, or queued → finished when it never reported a start; null until finished. Never negative.</summary>
    public TimeSpan? Duration => Finished is { } f && (Started ?? Queued) is { } s ? NonNegative(f - s) : null;

    /// <summary>Queued → started when both are known. Never negative.</summary>
    public TimeSpan? QueueTime => Queued is { } q && Started is { } s ? NonNegative(s - q) : null;

    /// <summary>Whether <paramref name="environment"/> names this deployment's environment (environment names are case-insensitive).</summary>
    public bool IsIn(string? environment) =>
        environment is not null && string.Equals(Environment, environment, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether this deployment carries <paramref name="change"/> (docs/metrics.md, "Deployments"): it adds changes,
    /// the change reached the trunk, the deployment did not end before that, and its change set — which always
    /// includes the deployed SHA itself — holds the change's merge commit (merge and squash merges) or one of the
    /// change's own commits (rebase merges).
    /// </summary>
    public bool Contains(ChangeFacts change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!AddsChanges || change.Merged is not { } merged || LastKnown is not { } last || last < merged)
        {
            return false;
        }

        if (change.MergeSha is { } mergeSha && Carries(mergeSha))
        {
            return true;
        }

        return change.CommitShas.Any(Carries);
    }

    /// <summary>Whether the change set (or the deployed SHA itself) holds <paramref name="sha"/>.</summary>
    public bool Carries(string sha) =>
        includedShas.Contains(sha) || string.Equals(Sha, sha, StringComparison.Ordinal) || inferredShas.Contains(sha);

    /// <summary>Replaces <see cref="InferredShas"/> (the engine's, never a source's).</summary>
    internal void Infer(IReadOnlySet<string>? shas) => inferredShas = shas ?? EmptyShas;

    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Environment = OrdinalMin(Environment, e.Environment);
        Fallback = OrdinalMin(Fallback, e.Fallback);
        RunId = OrdinalMin(RunId, e.RunId);
        Stage = OrdinalMin(Stage, e.Stage);
        sawProvisional |= e.Provisional;
        sawDefinitive |= !e.Provisional;
        if (e.Comparison > Comparison)
        {
            Comparison = e.Comparison;
        }

        if (e.Kind is not FlowEventKind.DeploymentIncludes)
        {
            // An includes event's link (if a source sets one) is the commit's page, not the deployment's.
            Url = OrdinalMin(Url, e.Url);
        }

        switch (e.Kind)
        {
            case FlowEventKind.DeploymentQueued:
                Sha = OrdinalMin(Sha, e.Sha);
                Queued = Min(Queued, e.OccurredAt);
                break;
            case FlowEventKind.DeploymentStarted:
                Sha = OrdinalMin(Sha, e.Sha);
                Started = Min(Started, e.OccurredAt);
                break;
            case FlowEventKind.DeploymentFinished:
                Sha = OrdinalMin(Sha, e.Sha);
                if (Finished is null
                    || e.OccurredAt < Finished
                    || (e.OccurredAt == Finished && string.CompareOrdinal(e.Result, Result) < 0))
                {
                    Finished = e.OccurredAt;
                    Result = e.Result;
                }

                break;
            case FlowEventKind.DeploymentIncludes:
                // The SHA of an includes event is a member of the change set, not the deployed commit.
                if (e.Sha is not null)
                {
                    includedShas.Add(e.Sha);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Events that reproduce these facts when folded again (into a fresh <see cref="DeploymentFacts"/> or together
    /// with more events of the same deployment). <paramref name="keepIncluded"/> limits the change set to the SHAs
    /// a caller needs (a pending change's own), so persisting a deployment does not persist its whole history.
    /// </summary>
    public IReadOnlyList<FlowEvent> ToEvents(Func<string, bool>? keepIncluded = null)
    {
        var anchor = Queued ?? Started ?? Finished;
        var events = new List<FlowEvent>();
        if (Queued is { } queued)
        {
            events.Add(Event(FlowEventKind.DeploymentQueued, queued));
        }

        if (Started is { } started)
        {
            events.Add(Event(FlowEventKind.DeploymentStarted, started));
        }

        if (Finished is { } finished)
        {
            events.Add(Event(FlowEventKind.DeploymentFinished, finished) with { Result = Result });
        }

        if (events.Count == 0 && (Environment is not null || Comparison != DeploymentComparison.Unknown))
        {
            // Only includes were seen: carry environment and comparison on an includes event, which moves no time.
            events.Add(Event(FlowEventKind.DeploymentIncludes, DateTimeOffset.UnixEpoch) with { Sha = null, Url = null });
        }

        // Inferred SHAs are stored as reported ones: a replayed deployment keeps the changes it was found to carry even
        // after the change that anchored the inference has left the working set.
        foreach (var sha in includedShas.Union(inferredShas, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (keepIncluded is null || keepIncluded(sha))
            {
                events.Add(Event(FlowEventKind.DeploymentIncludes, anchor ?? DateTimeOffset.UnixEpoch) with { Sha = sha, Url = null });
            }
        }

        return events;
    }

    private FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = DeploymentId,
        OccurredAt = at,
        Environment = Environment,
        Sha = Sha,
        Url = Url,
        Comparison = Comparison,
        Fallback = Fallback,
        RunId = RunId,
        Stage = Stage,
        Provisional = IsProvisional,
    };

    private static TimeSpan NonNegative(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;

    private static string? OrdinalMin(string? current, string? candidate) =>
        candidate is null || (current is not null && string.CompareOrdinal(current, candidate) <= 0) ? current : candidate;

    private static DateTimeOffset Min(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;
}
