namespace FlowCollector.Testing.Simulation;

/// <summary>A GitHub account as the simulator serves it: <c>type</c> is <c>Bot</c> for bots, <c>User</c> otherwise.</summary>
/// <param name="Login">The login, e.g. <c>alice</c> or <c>dependabot[bot]</c>.</param>
/// <param name="IsBot">Served as <c>"type": "Bot"</c>.</param>
public sealed record SimulatedUser(string Login, bool IsBot)
{
    /// <summary>A user whose bot flag follows GitHub's convention: logins ending in <c>[bot]</c> are bots.</summary>
    public static SimulatedUser Named(string login, bool? isBot = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(login);
        return new(login, isBot ?? login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>GitHub's account type: <c>Bot</c> or <c>User</c>.</summary>
    public string Type => IsBot ? "Bot" : "User";

    /// <summary>A stable numeric id derived from the login.</summary>
    public long Id => SimulatedIds.StableNumber(Login);
}

/// <summary>A commit of a pull request.</summary>
/// <param name="Sha">40 hex digits.</param>
/// <param name="AuthoredAt">The git author date (what lead time starts from).</param>
/// <param name="CommittedAt">The git committer date (a rebase moves it; never earlier than the author date here).</param>
/// <param name="Author">Who wrote it.</param>
/// <param name="Message">The commit message.</param>
public sealed record SimulatedCommit(string Sha, DateTimeOffset AuthoredAt, DateTimeOffset CommittedAt, SimulatedUser Author, string Message);

/// <summary>What a review said, with GitHub's wire names (<c>APPROVED</c>, …).</summary>
public enum SimulatedReviewState
{
    /// <summary><c>APPROVED</c>.</summary>
    Approved,

    /// <summary><c>CHANGES_REQUESTED</c>.</summary>
    ChangesRequested,

    /// <summary><c>COMMENTED</c>.</summary>
    Commented,

    /// <summary><c>DISMISSED</c>: an earlier review that was dismissed.</summary>
    Dismissed,

    /// <summary><c>PENDING</c>: started, not submitted (no <c>submitted_at</c>, not on the timeline).</summary>
    Pending,
}

/// <summary>A review of a pull request.</summary>
/// <param name="Id">GitHub's review id (unique in the simulated organisation).</param>
/// <param name="Reviewer">Who reviewed; may be the pull request's author (a self-review) or a bot.</param>
/// <param name="State">The verdict.</param>
/// <param name="SubmittedAt">When it was submitted; null for <see cref="SimulatedReviewState.Pending"/>.</param>
/// <param name="CommitId">The head commit the review was made on.</param>
public sealed record SimulatedReview(long Id, SimulatedUser Reviewer, SimulatedReviewState State, DateTimeOffset? SubmittedAt, string CommitId)
{
    /// <summary>The state as GitHub spells it in the reviews list.</summary>
    public string WireState => State switch
    {
        SimulatedReviewState.Approved => "APPROVED",
        SimulatedReviewState.ChangesRequested => "CHANGES_REQUESTED",
        SimulatedReviewState.Commented => "COMMENTED",
        SimulatedReviewState.Dismissed => "DISMISSED",
        _ => "PENDING",
    };

    /// <summary>
    /// When the reviewer drafted the review's first comment, which created the pending review (GraphQL
    /// <c>PullRequestReview.createdAt</c>); the submission when the review was submitted without drafting.
    /// </summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>The kinds of explicit issue-timeline events the model records (commits, reviews, merge and close are derived).</summary>
public enum SimulatedTimelineKind
{
    /// <summary><c>ready_for_review</c>: a draft was marked ready.</summary>
    ReadyForReview,

    /// <summary><c>convert_to_draft</c>: a ready pull request went back to draft.</summary>
    ConvertToDraft,

    /// <summary><c>review_requested</c>.</summary>
    ReviewRequested,
}

/// <summary>An explicit timeline event.</summary>
/// <param name="Id">GitHub's event id.</param>
/// <param name="Kind">What happened.</param>
/// <param name="At">When (<c>created_at</c>).</param>
/// <param name="Actor">Who did it.</param>
/// <param name="RequestedReviewer">For <see cref="SimulatedTimelineKind.ReviewRequested"/>: who was asked.</param>
public sealed record SimulatedTimelineEvent(long Id, SimulatedTimelineKind Kind, DateTimeOffset At, SimulatedUser Actor, SimulatedUser? RequestedReviewer)
{
    /// <summary>The <c>event</c> name on the wire.</summary>
    public string WireName => Kind switch
    {
        SimulatedTimelineKind.ReadyForReview => "ready_for_review",
        SimulatedTimelineKind.ConvertToDraft => "convert_to_draft",
        _ => "review_requested",
    };
}
