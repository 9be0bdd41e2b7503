using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Builds the events of one change (pull request 42 by alice) at minute offsets from Monday 09:00 UTC,
/// and folds them the way the engine does: change events into <see cref="ChangeFacts"/>, run events into one
/// <see cref="PipelineRunFacts"/> per run and attempt, keeping the runs on the merge commit, deployment events into
/// one <see cref="DeploymentFacts"/> per deployment.
/// </summary>
internal static class ChangeEvents
{
    public const string ChangeId = "42";
    public const string Author = "alice";
    public const string MergeSha = "m1";

    public static readonly RepositoryRef Repository = new("github", "contoso", "web");
    public static readonly DateTimeOffset Monday9 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static FlowEvent Commit(double minutes, string sha) => At(FlowEventKind.CommitAuthored, minutes) with { Sha = sha, Actor = Author };

    public static FlowEvent Opened(double minutes) => At(FlowEventKind.ChangeOpened, minutes) with { Actor = Author };

    public static FlowEvent OpenedAsDraft(double minutes) => Opened(minutes) with { IsDraft = true };

    public static FlowEvent Ready(double minutes) => At(FlowEventKind.ReadyForReview, minutes) with { Actor = Author };

    public static FlowEvent Review(double minutes, string reviewer, ReviewState state, bool flaggedBot = false) =>
        At(FlowEventKind.ReviewSubmitted, minutes) with { Actor = reviewer, ReviewState = state, ActorIsBot = flaggedBot };

    public static FlowEvent Approved(double minutes, string reviewer) => Review(minutes, reviewer, ReviewState.Approved);

    public static FlowEvent Comment(double minutes, string reviewer, bool flaggedBot = false) =>
        At(FlowEventKind.ReviewCommented, minutes) with { Actor = reviewer, ActorIsBot = flaggedBot };

    public static FlowEvent Merged(double minutes) => At(FlowEventKind.ChangeMerged, minutes) with { Sha = MergeSha };

    public static FlowEvent Closed(double minutes) => At(FlowEventKind.ChangeClosed, minutes);

    public static FlowEvent Pushed(double minutes) => At(FlowEventKind.DirectPush, minutes) with { Sha = MergeSha, Actor = Author };

    public static FlowEvent WorkItemCreated(double minutes) => At(FlowEventKind.WorkItemCreated, minutes);

    public static FlowEvent WorkItemActivated(double minutes) => At(FlowEventKind.WorkItemActivated, minutes);

    public static FlowEvent RunQueued(double minutes, string run = "r1", int attempt = 1, string pipeline = "build") =>
        Run(FlowEventKind.RunQueued, minutes, run, attempt, pipeline);

    public static FlowEvent RunStarted(double minutes, string run = "r1", int attempt = 1, string pipeline = "build") =>
        Run(FlowEventKind.RunStarted, minutes, run, attempt, pipeline);

    public static FlowEvent RunFinished(double minutes, string result, string run = "r1", int attempt = 1, string pipeline = "build") =>
        Run(FlowEventKind.RunFinished, minutes, run, attempt, pipeline) with { Result = result };

    /// <summary>The deployment's start (first in_progress) and end, and one includes event per SHA of its change set.</summary>
    public static FlowEvent[] Deploy(
        string id,
        string environment,
        double? started,
        double? finished,
        string result = "success",
        string sha = MergeSha,
        string[]? includes = null,
        double? queued = null,
        DeploymentComparison comparison = DeploymentComparison.Unknown)
    {
        var events = new List<FlowEvent>();
        if (queued is { } q)
        {
            events.Add(Deployment(FlowEventKind.DeploymentQueued, q, id, environment, sha));
        }

        if (started is { } s)
        {
            events.Add(Deployment(FlowEventKind.DeploymentStarted, s, id, environment, sha));
        }

        if (finished is { } f)
        {
            events.Add(Deployment(FlowEventKind.DeploymentFinished, f, id, environment, sha) with { Result = result, Comparison = comparison });
        }

        events.AddRange((includes ?? []).Select(member => Includes(id, member)));
        return [.. events];
    }

    public static FlowEvent Includes(string id, string sha) =>
        Deployment(FlowEventKind.DeploymentIncludes, 0, id, null, sha) with { Url = null };

    /// <summary>The same events about another change (another pull request number, another merge SHA when given).</summary>
    public static FlowEvent[] OfChange(string changeId, string? mergeSha, params FlowEvent[] events) => [.. events.Select(e => e with
    {
        SubjectId = changeId,
        Url = $"https://github.com/contoso/web/pull/{changeId}",
        Sha = mergeSha is not null && e.Kind is FlowEventKind.ChangeMerged or FlowEventKind.DirectPush ? mergeSha : e.Sha,
    })];

    public static ChangeTimeline Compute(IEnumerable<FlowEvent> events, ValueStreamDefinition? stream = null)
    {
        var (change, runsOnMergeSha, deployments) = FoldAll(events);
        return StageCalculator.Compute(change, runsOnMergeSha, deployments, stream ?? ValueStreamDefinition.Default());
    }

    public static (ChangeFacts Change, IReadOnlyCollection<PipelineRunFacts> RunsOnMergeSha) Fold(IEnumerable<FlowEvent> events)
    {
        var (change, runs, _) = FoldAll(events);
        return (change, runs);
    }

    /// <summary>Folds change 42's events, its runs on the merge commit, and every deployment (attribution is left to the calculator).</summary>
    public static (ChangeFacts Change, IReadOnlyCollection<PipelineRunFacts> RunsOnMergeSha, IReadOnlyCollection<DeploymentFacts> Deployments) FoldAll(IEnumerable<FlowEvent> events)
    {
        var change = new ChangeFacts(Repository, ChangeId);
        var runs = new Dictionary<(string RunId, int Attempt), PipelineRunFacts>();
        var deployments = new Dictionary<string, DeploymentFacts>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished)
            {
                var key = (e.SubjectId, Math.Max(1, e.Attempt));
                if (!runs.TryGetValue(key, out var run))
                {
                    run = new PipelineRunFacts(e.Repository, e.SubjectId, key.Item2);
                    runs.Add(key, run);
                }

                run.Apply(e);
            }
            else if (e.Kind is FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished or FlowEventKind.DeploymentIncludes)
            {
                if (!deployments.TryGetValue(e.SubjectId, out var deployment))
                {
                    deployment = new DeploymentFacts(e.Repository, e.SubjectId);
                    deployments.Add(e.SubjectId, deployment);
                }

                deployment.Apply(e);
            }
            else if (e.SubjectId == ChangeId)
            {
                change.Apply(e);
            }
        }

        var onMergeSha = runs.Values.Where(r => change.MergeSha is not null && string.Equals(r.Sha, change.MergeSha, StringComparison.Ordinal)).ToList();
        return (change, onMergeSha, deployments.Values);
    }

    /// <summary>Folds the events the way the Worker does: one <see cref="RepositoryFlow"/> for the repository.</summary>
    public static RepositoryFlow Flow(IEnumerable<FlowEvent> events, ValueStreamDefinition? stream = null)
    {
        var flow = new RepositoryFlow(Repository, stream ?? ValueStreamDefinition.Default());
        flow.Apply(events);
        return flow;
    }

    /// <summary>The same stream, with <c>ValueStream:CommentsEndPickup</c> set to <paramref name="commentsEndPickup"/>.</summary>
    public static ValueStreamDefinition WithCommentsEndPickup(ValueStreamDefinition stream, bool commentsEndPickup) =>
        new(stream.Stages, stream.EnvironmentPath, [.. stream.ProductionEnvironments]) { Rework = stream.Rework, Ci = stream.Ci, CommentsEndPickup = commentsEndPickup };

    /// <summary>Change 42's timeline from a repository flow (null when it did not merge).</summary>
    public static ChangeTimeline? TimelineOf42(RepositoryFlow flow) =>
        flow.MergedTimelines().SingleOrDefault(t => t.Change.ChangeId == ChangeId);

    /// <summary>Every fact of a change as text, so two folds can be compared whole.</summary>
    public static string Facts(ChangeFacts c) =>
        $"author={c.Author} url={c.Url} direct={c.IsDirect} first_commit={c.FirstCommitAuthored:O} commits={string.Join(",", c.CommitShas.Order(StringComparer.Ordinal))} "
        + $"opened={c.Opened:O} draft={c.OpenedAsDraft} ready={c.FirstReadyForReview:O} merged={c.Merged:O} sha={c.MergeSha} closed={c.Closed:O} "
        + $"branch={c.SourceBranch} titles={string.Join("|", c.Titles.Order(StringComparer.Ordinal))} labels={string.Join(",", c.Labels.Order(StringComparer.Ordinal))} "
        + $"work_item={c.WorkItemCreated:O}/{c.WorkItemActivated:O} reviews={string.Join(";", c.Reviews.OrderBy(r => r.At).ThenBy(r => r.Reviewer, StringComparer.Ordinal).ThenBy(r => r.State).ThenBy(r => r.IsBot))}";

    private static FlowEvent At(FlowEventKind kind, double minutes) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = ChangeId,
        OccurredAt = Monday9.AddMinutes(minutes),
        Url = "https://github.com/contoso/web/pull/42",
    };

    private static FlowEvent Deployment(FlowEventKind kind, double minutes, string id, string? environment, string? sha) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = id,
        OccurredAt = Monday9.AddMinutes(minutes),
        Environment = environment,
        Sha = sha,
        Url = $"https://github.com/contoso/web/deployments/{id}",
    };

    private static FlowEvent Run(FlowEventKind kind, double minutes, string run, int attempt, string pipeline) =>
        At(kind, minutes) with { SubjectId = run, Attempt = attempt, Pipeline = pipeline, Sha = MergeSha, Actor = null };
}
