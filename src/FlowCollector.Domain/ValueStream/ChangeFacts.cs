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

    // When the fact each single-valued property was taken from happened: with a tie-break on the value,
    // these make "which report wins" depend on the reports, never on the order they arrive in.
    private DateTimeOffset? authorAt;
    private DateTimeOffset? mergeShaAt;
    private (int Rank, DateTimeOffset At)? urlFrom;

    // What the change says about itself (rework rules read it): one reference, allocated only for changes that report
    // any, so the many changes without keep the fold's per-change cost (docs/performance.md).
    private Description? description;

    public ChangeFacts(RepositoryRef repository, string changeId)
    {
        Repository = repository;
        ChangeId = changeId;
    }

    public RepositoryRef Repository { get; }

    /// <summary>The pull request number (or id); for a direct change, its head SHA.</summary>
    public string ChangeId { get; }

    public bool IsDirect { get; private set; }

    public string? Author { get; private set; }

    public string? Url { get; private set; }

    public DateTimeOffset? FirstCommitAuthored { get; private set; }

    public int CommitCount => commitShas.Count;

    /// <summary>The SHAs of the change's own commits (rebase merges land them on the trunk under these SHAs).</summary>
    public IReadOnlyCollection<string> CommitShas => commitShas;

    public DateTimeOffset? Opened { get; private set; }

    public bool OpenedAsDraft { get; private set; }

    public DateTimeOffset? FirstReadyForReview { get; private set; }

    public DateTimeOffset? Merged { get; private set; }

    public string? MergeSha { get; private set; }

    public DateTimeOffset? Closed { get; private set; }

    public DateTimeOffset? WorkItemCreated { get; private set; }

    public DateTimeOffset? WorkItemActivated { get; private set; }

    /// <summary>The head (source) branch; several reports that disagree: the ordinally first.</summary>
    public string? SourceBranch => description?.SourceBranch;

    /// <summary>Every title reported (a title edited between reads gives two): rework when any of them says so.</summary>
    public IReadOnlyCollection<string> Titles => (IReadOnlyCollection<string>?)description?.Titles ?? [];

    /// <summary>Every label reported.</summary>
    public IReadOnlyCollection<string> Labels => (IReadOnlyCollection<string>?)description?.Labels ?? [];

    /// <summary>True when a branch, title or label was reported (a change without any is never rework).</summary>
    public bool HasDescription => description is not null;

    /// <summary>Reviews and single review comments, by anyone; counting rules are applied by the calculator.</summary>
    public IReadOnlyCollection<ReviewFact> Reviews => reviews;

    /// <summary>Folds one event about this change into the facts. Events about other subjects are ignored.</summary>
    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        OfferUrl(e);
        if (e.SourceBranch is not null || e.Title is not null || e.Labels is { Count: > 0 })
        {
            OfferDescription(e);
        }

        switch (e.Kind)
        {
            case FlowEventKind.CommitAuthored:
                FirstCommitAuthored = Min(FirstCommitAuthored, e.OccurredAt);
                if (e.Sha is not null)
                {
                    commitShas.Add(e.Sha);
                }

                break;
            case FlowEventKind.ChangeOpened:
                // Several "opened" facts (a re-read, a reopen) keep the first; the draft flag belongs to that first one
                // (on a tie, draft wins: it is the state that makes the later ready-for-review event meaningful).
                if (Opened is null || e.OccurredAt < Opened)
                {
                    Opened = e.OccurredAt;
                    OpenedAsDraft = e.IsDraft;
                }
                else if (e.OccurredAt == Opened)
                {
                    OpenedAsDraft |= e.IsDraft;
                }

                OfferAuthor(e);
                break;
            case FlowEventKind.ReadyForReview:
                FirstReadyForReview = Min(FirstReadyForReview, e.OccurredAt);
                break;
            case FlowEventKind.ReviewSubmitted:
            case FlowEventKind.ReviewCommented:
                reviews.Add(new ReviewFact(e.Actor ?? "", e.ActorIsBot, e.Kind == FlowEventKind.ReviewCommented ? ReviewState.None : e.ReviewState, e.OccurredAt));
                break;
            case FlowEventKind.ChangeMerged:
                OfferMerge(e);
                break;
            case FlowEventKind.DirectPush:
                IsDirect = true;
                OfferAuthor(e);
                OfferMerge(e);
                break;
            case FlowEventKind.ChangeClosed:
                Closed = Min(Closed, e.OccurredAt);
                break;
            case FlowEventKind.WorkItemCreated:
                WorkItemCreated = Min(WorkItemCreated, e.OccurredAt);
                break;
            case FlowEventKind.WorkItemActivated:
                WorkItemActivated = Min(WorkItemActivated, e.OccurredAt);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// A short list of events that reproduces these facts exactly when folded again — alone, or together with
    /// more events of the same change (the tie-breaks of author, merge SHA and URL are reproduced too). The Worker
    /// stores it for a change merged but not yet arrived and replays it on the next run, so the working set does
    /// not depend on the source re-reading old pull requests. One event per commit, review and milestone.
    /// </summary>
    public IReadOnlyList<FlowEvent> ToEvents()
    {
        var events = new List<FlowEvent>();
        if (FirstCommitAuthored is { } firstCommit)
        {
            // Only the earliest authoring time matters, so every SHA is carried at that time.
            if (commitShas.Count == 0)
            {
                events.Add(Event(FlowEventKind.CommitAuthored, firstCommit));
            }

            events.AddRange(commitShas.Order(StringComparer.Ordinal).Select(sha => Event(FlowEventKind.CommitAuthored, firstCommit) with { Sha = sha }));
        }

        if (Opened is { } opened)
        {
            events.Add(Event(FlowEventKind.ChangeOpened, opened) with { IsDraft = OpenedAsDraft });
        }

        if (FirstReadyForReview is { } ready)
        {
            events.Add(Event(FlowEventKind.ReadyForReview, ready));
        }

        events.AddRange(reviews
            .OrderBy(r => r.At).ThenBy(r => r.Reviewer, StringComparer.Ordinal).ThenBy(r => r.State).ThenBy(r => r.IsBot)
            .Select(r => Event(r.State == ReviewState.None ? FlowEventKind.ReviewCommented : FlowEventKind.ReviewSubmitted, r.At) with
            {
                Actor = r.Reviewer,
                ActorIsBot = r.IsBot,
                ReviewState = r.State,
            }));

        // A direct push and a merge fold the same way (first time, SHA from the earliest report that names one);
        // the push kind also carries the direct flag.
        var landed = IsDirect ? FlowEventKind.DirectPush : FlowEventKind.ChangeMerged;
        if (Merged is { } merged)
        {
            events.Add(Event(landed, merged) with { Sha = this.mergeShaAt == merged ? MergeSha : null });
        }

        if (MergeSha is { } mergeSha && this.mergeShaAt is { } mergeShaAt && mergeShaAt != Merged)
        {
            events.Add(Event(landed, mergeShaAt) with { Sha = mergeSha });
        }

        if (Closed is { } closed)
        {
            events.Add(Event(FlowEventKind.ChangeClosed, closed));
        }

        if (WorkItemCreated is { } created)
        {
            events.Add(Event(FlowEventKind.WorkItemCreated, created));
        }

        if (WorkItemActivated is { } activated)
        {
            events.Add(Event(FlowEventKind.WorkItemActivated, activated));
        }

        // The author and the URL came from particular reports; each is carried by an event of a kind that yields the
        // same tie-break and moves nothing else: an opening no earlier than the first opening, or a push no earlier
        // than the landing (the author and a rank-0 URL came from one of the two), or a review request for a URL
        // taken from any other event (review requests only offer their URL).
        if (Author is { } author && this.authorAt is { } authorAt)
        {
            events.Add(Event(Opened <= authorAt ? FlowEventKind.ChangeOpened : FlowEventKind.DirectPush, authorAt) with { Actor = author });
        }

        if (Url is { } url && urlFrom is { } from)
        {
            var kind = from.Rank == 1 ? FlowEventKind.ReviewRequested
                : Opened <= from.At ? FlowEventKind.ChangeOpened
                : FlowEventKind.DirectPush;
            events.Add(Event(kind, from.At) with { Url = url });
        }

        AddDescription(events, landed);
        return events;
    }

    /// <summary>
    /// Carries branch, titles and labels on events that move nothing else: another opening at the first opening (or a
    /// landing at the landing, or a review request, which only offers its URL), one per title.
    /// </summary>
    private void AddDescription(List<FlowEvent> events, FlowEventKind landed)
    {
        if (this.description is not { } description)
        {
            return;
        }

        var (kind, at) = Opened is { } opened ? (FlowEventKind.ChangeOpened, opened)
            : Merged is { } merged ? (landed, merged)
            : (FlowEventKind.ReviewRequested, FirstCommitAuthored ?? Closed ?? DateTimeOffset.UnixEpoch);
        var carrier = Event(kind, at) with
        {
            SourceBranch = SourceBranch,
            Labels = description.Labels is null ? null : [.. description.Labels.Order(StringComparer.Ordinal)],
        };
        if (description.Titles is null)
        {
            events.Add(carrier);
            return;
        }

        var first = true;
        foreach (var title in description.Titles.Order(StringComparer.Ordinal))
        {
            events.Add(first ? carrier with { Title = title } : Event(kind, at) with { Title = title });
            first = false;
        }
    }

    private void OfferDescription(FlowEvent e)
    {
        var description = this.description ??= new Description();
        if (e.SourceBranch is { } branch && (description.SourceBranch is null || string.CompareOrdinal(branch, description.SourceBranch) < 0))
        {
            description.SourceBranch = branch;
        }

        if (e.Title is { } title)
        {
            (description.Titles ??= new HashSet<string>(StringComparer.Ordinal)).Add(title);
        }

        if (e.Labels is { Count: > 0 } labels)
        {
            description.Labels ??= new HashSet<string>(StringComparer.Ordinal);
            foreach (var label in labels)
            {
                description.Labels.Add(label);
            }
        }
    }

    private FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = ChangeId,
        OccurredAt = at,
    };

    /// <summary>The author is whoever opened (or pushed) the change first.</summary>
    private void OfferAuthor(FlowEvent e)
    {
        if (e.Actor is not null && Precedes(e.OccurredAt, e.Actor, authorAt, Author))
        {
            Author = e.Actor;
            authorAt = e.OccurredAt;
        }
    }

    /// <summary>The first merge wins; its SHA comes from the earliest report that names one (a report may lack it).</summary>
    private void OfferMerge(FlowEvent e)
    {
        Merged = Min(Merged, e.OccurredAt);
        if (e.Sha is not null && Precedes(e.OccurredAt, e.Sha, mergeShaAt, MergeSha))
        {
            MergeSha = e.Sha;
            mergeShaAt = e.OccurredAt;
        }
    }

    /// <summary>The change's own page (from the opening or the push) is preferred over a review's or a commit's link.</summary>
    private void OfferUrl(FlowEvent e)
    {
        if (e.Url is null)
        {
            return;
        }

        var rank = e.Kind is FlowEventKind.ChangeOpened or FlowEventKind.DirectPush ? 0 : 1;
        var better = urlFrom is not { } current
            || rank < current.Rank
            || (rank == current.Rank && Precedes(e.OccurredAt, e.Url, current.At, Url));
        if (better)
        {
            Url = e.Url;
            urlFrom = (rank, e.OccurredAt);
        }
    }

    private static bool Precedes(DateTimeOffset at, string value, DateTimeOffset? currentAt, string? current) =>
        currentAt is not { } c || at < c || (at == c && string.CompareOrdinal(value, current) < 0);

    private static DateTimeOffset Min(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;

    /// <summary>Head branch (ordinally first report), every title and every label reported.</summary>
    private sealed class Description
    {
        public string? SourceBranch { get; set; }

        public HashSet<string>? Titles { get; set; }

        public HashSet<string>? Labels { get; set; }
    }
}
