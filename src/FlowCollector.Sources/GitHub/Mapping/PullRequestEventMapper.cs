using System.Globalization;
using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.GitHub.Mapping;

/// <summary>Turns one <see cref="PullRequestSnapshot"/> into the normalised events of its change.</summary>
internal sealed class PullRequestEventMapper
{
    internal const string ReadyForReviewEvent = "ready_for_review";
    internal const string ConvertToDraftEvent = "convert_to_draft";
    internal const string ReviewRequestedEvent = "review_requested";

    private readonly RepositoryRef repository;
    private readonly GitHubBots bots;

    public PullRequestEventMapper(RepositoryRef repository, GitHubBots bots)
    {
        this.repository = repository;
        this.bots = bots;
    }

    public IEnumerable<FlowEvent> Map(PullRequestSnapshot pr)
    {
        ArgumentNullException.ThrowIfNull(pr);

        // Stable order: when several draft toggles share a second, the API's order is the truth.
        var draftToggles = pr.Timeline
            .Select((e, index) => (e, index))
            .Where(t => t.e.Event is ReadyForReviewEvent or ConvertToDraftEvent)
            .OrderBy(t => t.e.CreatedAt)
            .ThenBy(t => t.index)
            .Select(t => t.e)
            .ToList();

        // What the change is (for the rework rules) rides on the opening only: one carrier is enough for the fold.
        yield return Event(pr, FlowEventKind.ChangeOpened, pr.CreatedAt, pr.Author) with
        {
            IsDraft = OpenedAsDraft(pr, draftToggles),
            SourceBranch = string.IsNullOrEmpty(pr.HeadRef) ? null : pr.HeadRef,
            Title = string.IsNullOrEmpty(pr.Title) ? null : pr.Title,
            Labels = pr.Labels is { Count: > 0 } labels ? labels : null,
        };

        foreach (var commit in pr.Commits)
        {
            yield return Event(pr, FlowEventKind.CommitAuthored, commit.AuthoredAt, commit.Author) with { Sha = commit.Sha };
        }

        foreach (var e in pr.Timeline)
        {
            var kind = e.Event switch
            {
                ReadyForReviewEvent => FlowEventKind.ReadyForReview,
                ConvertToDraftEvent => FlowEventKind.ConvertedToDraft,
                ReviewRequestedEvent => FlowEventKind.ReviewRequested,
                _ => (FlowEventKind?)null,
            };
            if (kind is { } k)
            {
                yield return Event(pr, k, e.CreatedAt, e.Actor);
            }
        }

        foreach (var review in pr.Reviews)
        {
            if (review.SubmittedAt is { } submitted && ToReviewState(review.State) is { } state)
            {
                // The reviewer's comments were drafted in a pending review before it was submitted: the review's start is
                // when they began (ValueStream:CommentsEndPickup lets it end pickup). A review still pending is seen only by
                // its own author's token, so it is left out — what a reader sees must not depend on whose token reads.
                if (review.StartedAt is { } started && started < submitted)
                {
                    yield return Event(pr, FlowEventKind.ReviewCommented, started, review.User);
                }

                yield return Event(pr, FlowEventKind.ReviewSubmitted, submitted, review.User) with { ReviewState = state };
            }
        }

        // The issues it closes are its demand: the earliest one's creation starts the backlog stage. GitHub issues have
        // no "activated" time; work starts at the first commit.
        foreach (var issue in pr.LinkedIssues ?? [])
        {
            yield return Event(pr, FlowEventKind.WorkItemCreated, issue.CreatedAt, actor: null);
        }

        if (pr.MergedAt is { } merged)
        {
            yield return Event(pr, FlowEventKind.ChangeMerged, merged, actor: null) with { Sha = pr.MergeCommitSha };
        }
        else if (pr.ClosedAt is { } closed)
        {
            yield return Event(pr, FlowEventKind.ChangeClosed, closed, actor: null);
        }
    }

    /// <summary>
    /// GitHub keeps only the current draft flag. The first draft toggle tells how the pull request started:
    /// "ready for review" first means it was opened as a draft; "convert to draft" first means it was not.
    /// Without toggles the current flag is the opening one.
    /// </summary>
    private static bool OpenedAsDraft(PullRequestSnapshot pr, List<TimelineSnapshot> draftToggles) =>
        draftToggles.Count > 0 ? draftToggles[0].Event == ReadyForReviewEvent : pr.IsDraft;

    /// <summary>PENDING (not yet submitted) and unknown states yield no event.</summary>
    private static ReviewState? ToReviewState(string state) => state.ToUpperInvariant() switch
    {
        "APPROVED" => ReviewState.Approved,
        "CHANGES_REQUESTED" => ReviewState.ChangesRequested,
        "COMMENTED" => ReviewState.Commented,
        "DISMISSED" => ReviewState.Dismissed,
        _ => null,
    };

    private FlowEvent Event(PullRequestSnapshot pr, FlowEventKind kind, DateTimeOffset at, GitHubAccount? actor) => new()
    {
        Kind = kind,
        Repository = repository,
        SubjectId = pr.Number.ToString(CultureInfo.InvariantCulture),
        OccurredAt = at.ToUniversalTime(),
        Actor = actor?.Login,
        ActorIsBot = bots.IsBot(actor),
        Url = pr.HtmlUrl,
        TargetBranch = pr.BaseRef,
    };
}
