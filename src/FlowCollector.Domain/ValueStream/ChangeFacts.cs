using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Everything known about one change, folded from its events. Every fold is commutative and
/// idempotent (minimums, sets), so events that arrive late, out of order or twice give the same facts.
/// </summary>
public sealed class ChangeFacts
{
    private readonly HashSet<string> commitShas = new(StringComparer.Ordinal);
    private readonly HashSet<ReviewFact> reviews = [];

    public ChangeFacts(RepositoryRef repository, string changeId)
    {
        this.Repository = repository;
        this.ChangeId = changeId;
    }

    public RepositoryRef Repository { get; }

    /// <summary>The pull request number (or id); for a direct change, its head SHA.</summary>
    public string ChangeId { get; }

    public bool IsDirect { get; private set; }

    public string? Author { get; private set; }

    public string? Url { get; private set; }

    public DateTimeOffset? FirstCommitAuthored { get; private set; }

    public int CommitCount => this.commitShas.Count;

    public DateTimeOffset? Opened { get; private set; }

    public bool OpenedAsDraft { get; private set; }

    public DateTimeOffset? FirstReadyForReview { get; private set; }

    public DateTimeOffset? Merged { get; private set; }

    public string? MergeSha { get; private set; }

    public DateTimeOffset? Closed { get; private set; }

    public DateTimeOffset? WorkItemCreated { get; private set; }

    public DateTimeOffset? WorkItemActivated { get; private set; }

    /// <summary>Reviews and single review comments, by anyone; counting rules are applied by the calculator.</summary>
    public IReadOnlyCollection<ReviewFact> Reviews => this.reviews;

    /// <summary>Folds one event about this change into the facts. Events about other subjects are ignored.</summary>
    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        this.Url ??= e.Url;
        switch (e.Kind)
        {
            case FlowEventKind.CommitAuthored:
                this.FirstCommitAuthored = Min(this.FirstCommitAuthored, e.OccurredAt);
                if (e.Sha is not null)
                {
                    this.commitShas.Add(e.Sha);
                }

                break;
            case FlowEventKind.ChangeOpened:
                // Several "opened" facts (a re-read, a reopen) keep the first; the draft flag belongs to that first one.
                if (this.Opened is null || e.OccurredAt < this.Opened)
                {
                    this.Opened = e.OccurredAt;
                    this.OpenedAsDraft = e.IsDraft;
                }

                this.Author ??= e.Actor;
                break;
            case FlowEventKind.ReadyForReview:
                this.FirstReadyForReview = Min(this.FirstReadyForReview, e.OccurredAt);
                break;
            case FlowEventKind.ReviewSubmitted:
            case FlowEventKind.ReviewCommented:
                this.reviews.Add(new ReviewFact(e.Actor ?? "", e.ActorIsBot, e.Kind == FlowEventKind.ReviewCommented ? ReviewState.None : e.ReviewState, e.OccurredAt));
                break;
            case FlowEventKind.ChangeMerged:
                if (this.Merged is null || e.OccurredAt < this.Merged)
                {
                    this.Merged = e.OccurredAt;
                    this.MergeSha = e.Sha ?? this.MergeSha;
                }

                break;
            case FlowEventKind.DirectPush:
                this.IsDirect = true;
                this.Author ??= e.Actor;
                if (this.Merged is null || e.OccurredAt < this.Merged)
                {
                    this.Merged = e.OccurredAt;
                    this.MergeSha = e.Sha ?? this.MergeSha;
                }

                break;
            case FlowEventKind.ChangeClosed:
                this.Closed = Min(this.Closed, e.OccurredAt);
                break;
            case FlowEventKind.WorkItemCreated:
                this.WorkItemCreated = Min(this.WorkItemCreated, e.OccurredAt);
                break;
            case FlowEventKind.WorkItemActivated:
                this.WorkItemActivated = Min(this.WorkItemActivated, e.OccurredAt);
                break;
            default:
                break;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;
}

/// <summary>A review or a single review comment. <see cref="State"/> is <see cref="ReviewState.None"/> for a comment.</summary>
public readonly record struct ReviewFact(string Reviewer, bool IsBot, ReviewState State, DateTimeOffset At);
