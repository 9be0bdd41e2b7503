using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Builds the events of one change (pull request 42 by alice) at minute offsets from Monday 09:00 UTC,
/// and folds them the way the engine does: change events into <see cref="ChangeFacts"/>, run events into one
/// <see cref="PipelineRunFacts"/> per run and attempt, keeping the runs on the merge commit.
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

    public static FlowEvent Comment(double minutes, string reviewer) => At(FlowEventKind.ReviewCommented, minutes) with { Actor = reviewer };

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

    public static ChangeTimeline Compute(IEnumerable<FlowEvent> events, ReviewCounting counting, ValueStreamDefinition? stream = null)
    {
        var (change, runsOnMergeSha) = Fold(events);
        return StageCalculator.Compute(change, runsOnMergeSha, stream ?? ValueStreamDefinition.Default(), counting);
    }

    public static (ChangeFacts Change, IReadOnlyCollection<PipelineRunFacts> RunsOnMergeSha) Fold(IEnumerable<FlowEvent> events)
    {
        var change = new ChangeFacts(Repository, ChangeId);
        var runs = new Dictionary<(string RunId, int Attempt), PipelineRunFacts>();
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
            else
            {
                change.Apply(e);
            }
        }

        var onMergeSha = runs.Values.Where(r => change.MergeSha is not null && string.Equals(r.Sha, change.MergeSha, StringComparison.Ordinal)).ToList();
        return (change, onMergeSha);
    }

    private static FlowEvent At(FlowEventKind kind, double minutes) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = ChangeId,
        OccurredAt = Monday9.AddMinutes(minutes),
        Url = "https://github.com/contoso/web/pull/42",
    };

    private static FlowEvent Run(FlowEventKind kind, double minutes, string run, int attempt, string pipeline) =>
        At(kind, minutes) with { SubjectId = run, Attempt = attempt, Pipeline = pipeline, Sha = MergeSha, Actor = null };
}
