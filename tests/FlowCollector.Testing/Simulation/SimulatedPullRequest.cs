using System.Globalization;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// One pull request of a <see cref="SimulatedRepository"/>. The fluent methods record what happened to it; they
/// may be called in any order (times decide), and also while a simulator serves the model. All times are kept in
/// whole seconds, UTC, as GitHub serves them. <see cref="UpdatedAt"/> is the latest of everything recorded.
/// </summary>
public sealed class SimulatedPullRequest
{
    private readonly List<SimulatedCommit> commits = [];
    private readonly List<SimulatedReview> reviews = [];
    private readonly List<SimulatedTimelineEvent> timeline = [];
    private readonly List<(string Name, DateTimeOffset At)> labels = [];
    private DateTimeOffset? touchedAt;

    internal SimulatedPullRequest(SimulatedRepository repository, int number, long id, SimulatedUser author, DateTimeOffset createdAt, bool openedAsDraft, string baseBranch, string title)
    {
        Repository = repository;
        Number = number;
        Id = id;
        Author = author;
        CreatedAt = createdAt;
        OpenedAsDraft = openedAsDraft;
        BaseBranch = baseBranch;
        Title = title;
        HeadBranch = $"{author.Login.Replace("[bot]", "", StringComparison.Ordinal)}/change-{number.ToString(CultureInfo.InvariantCulture)}";
    }

    public SimulatedRepository Repository { get; }

    public int Number { get; }

    /// <summary>GitHub's numeric pull request id.</summary>
    public long Id { get; }

    public SimulatedUser Author { get; }

    public string Title { get; }

    /// <summary>The target branch (<c>base.ref</c>).</summary>
    public string BaseBranch { get; }

    /// <summary>The source branch (<c>head.ref</c>): <c>{author}/change-{number}</c> unless <see cref="FromBranch"/> named one.</summary>
    public string HeadBranch { get; private set; }

    /// <summary>The labels now (GitHub's <c>labels</c>), in the order they were added.</summary>
    /// <summary>Issues this pull request closes (GraphQL <c>closingIssuesReferences</c>); add before the simulator serves it.</summary>
    public List<SimulatedIssue> Closes { get; } = [];

    public IReadOnlyList<string> Labels
    {
        get
        {
            lock (Gate)
            {
                return [.. labels.OrderBy(l => l.At).Select(l => l.Name)];
            }
        }
    }

    /// <summary>When each label was added (GraphQL's <c>LabeledEvent</c>s), in time order.</summary>
    public IReadOnlyList<(string Name, DateTimeOffset At)> LabelEvents
    {
        get
        {
            lock (Gate)
            {
                return [.. labels.OrderBy(l => l.At)];
            }
        }
    }

    public DateTimeOffset CreatedAt { get; }

    public bool OpenedAsDraft { get; }

    /// <summary>How the generator meant this pull request to go (e.g. <c>review-rounds</c>); null for hand-made ones.</summary>
    public string? Scenario { get; internal set; }

    /// <summary>The draft flag now: the opening flag, toggled by ready/convert events in time order.</summary>
    public bool IsDraft
    {
        get
        {
            lock (Gate)
            {
                var draft = OpenedAsDraft;
                foreach (var e in timeline.Where(e => e.Kind is SimulatedTimelineKind.ReadyForReview or SimulatedTimelineKind.ConvertToDraft).OrderBy(e => e.At))
                {
                    draft = e.Kind == SimulatedTimelineKind.ConvertToDraft;
                }

                return draft;
            }
        }
    }

    public DateTimeOffset? MergedAt { get; private set; }

    /// <summary>The merge commit on the base branch; null until merged.</summary>
    public string? MergeCommitSha { get; private set; }

    public SimulatedUser? MergedBy { get; private set; }

    /// <summary>When it was closed (equal to <see cref="MergedAt"/> for a merge); null while open.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    public bool IsMerged => MergedAt is not null;

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public string State => ClosedAt is null ? "open" : "closed";

    public string HtmlUrl => $"https://github.com/{Repository.FullName}/pull/{Number.ToString(CultureInfo.InvariantCulture)}";

    public IReadOnlyList<SimulatedCommit> Commits
    {
        get
        {
            lock (Gate)
            {
                return [.. commits.OrderBy(c => c.AuthoredAt)];
            }
        }
    }

    public IReadOnlyList<SimulatedReview> Reviews
    {
        get
        {
            lock (Gate)
            {
                return [.. reviews];
            }
        }
    }

    /// <summary>The explicit timeline events (draft toggles, review requests) in time order.</summary>
    public IReadOnlyList<SimulatedTimelineEvent> TimelineEvents
    {
        get
        {
            lock (Gate)
            {
                return [.. timeline.OrderBy(e => e.At)];
            }
        }
    }

    /// <summary>The latest of creation, commits (committer date), timeline events, submitted reviews, merge, close and <see cref="Touch"/>.</summary>
    public DateTimeOffset UpdatedAt
    {
        get
        {
            lock (Gate)
            {
                var latest = CreatedAt;
                foreach (var c in commits)
                {
                    latest = Max(latest, c.CommittedAt);
                }

                foreach (var e in timeline)
                {
                    latest = Max(latest, e.At);
                }

                foreach (var r in reviews)
                {
                    latest = r.SubmittedAt is { } s ? Max(latest, s) : latest;
                }

                latest = ClosedAt is { } closed ? Max(latest, closed) : latest;
                return touchedAt is { } touched ? Max(latest, touched) : latest;
            }
        }
    }

    /// <summary>The head commit (the last authored), or a derived SHA when there are no commits.</summary>
    public string HeadSha
    {
        get
        {
            lock (Gate)
            {
                return commits.Count == 0
                    ? SimulatedIds.Sha($"{Repository.FullName}#{Number}/head")
                    : commits.MaxBy(c => c.AuthoredAt)!.Sha;
            }
        }
    }

    private Lock Gate => Repository.GitHub.Gate;

    /// <summary>Adds a commit authored at <paramref name="authoredAt"/> (by the author unless <paramref name="author"/> is given).</summary>
    /// <param name="authoredAt">The git author date.</param>
    /// <param name="sha">40 hex digits; null for a derived one.</param>
    /// <param name="author">Login of the commit author; null for the pull request's author.</param>
    /// <param name="committedAt">The git committer date (e.g. later after a rebase); null for the author date.</param>
    public SimulatedPullRequest Commit(DateTimeOffset authoredAt, string? sha = null, string? author = null, DateTimeOffset? committedAt = null)
    {
        lock (Gate)
        {
            var index = commits.Count + 1;
            var authored = SimulatedIds.Second(authoredAt);
            var committed = committedAt is { } c ? SimulatedIds.Second(c) : authored;
            commits.Add(new SimulatedCommit(
                sha ?? SimulatedIds.Sha($"{Repository.FullName}#{Number}/commit/{index}"),
                authored,
                committed < authored ? authored : committed,
                author is null ? Author : SimulatedUser.Named(author),
                $"Commit {index} of #{Number}"));
            return this;
        }
    }

    /// <summary>Names the head branch (e.g. <c>hotfix/login</c>).</summary>
    public SimulatedPullRequest FromBranch(string branch)
    {
        lock (Gate)
        {
            HeadBranch = branch;
            return this;
        }
    }

    /// <summary>Adds a label (by the author) at <paramref name="at"/>.</summary>
    public SimulatedPullRequest Label(string name, DateTimeOffset at)
    {
        lock (Gate)
        {
            labels.Add((name, SimulatedIds.Second(at)));
            return this;
        }
    }

    /// <summary>Marks a draft ready for review (timeline <c>ready_for_review</c>, by the author unless <paramref name="actor"/> is given).</summary>
    public SimulatedPullRequest MarkReadyForReview(DateTimeOffset at, string? actor = null) =>
        AddTimeline(SimulatedTimelineKind.ReadyForReview, at, actor, requestedReviewer: null);

    /// <summary>Turns the pull request back into a draft (timeline <c>convert_to_draft</c>).</summary>
    public SimulatedPullRequest ConvertToDraft(DateTimeOffset at, string? actor = null) =>
        AddTimeline(SimulatedTimelineKind.ConvertToDraft, at, actor, requestedReviewer: null);

    /// <summary>Asks <paramref name="reviewer"/> for a review (timeline <c>review_requested</c>; listed in <c>requested_reviewers</c> until they review).</summary>
    public SimulatedPullRequest RequestReview(string reviewer, DateTimeOffset at, string? requester = null) =>
        AddTimeline(SimulatedTimelineKind.ReviewRequested, at, requester, SimulatedUser.Named(reviewer));

    /// <summary>Records a submitted review. A review by <see cref="Author"/> is a self-review.</summary>
    /// <param name="reviewer">The reviewer's login; a login ending in <c>[bot]</c> is a bot unless <paramref name="reviewerIsBot"/> says otherwise.</param>
    /// <param name="state">The verdict; use <see cref="PendingReview"/> for an unsubmitted one.</param>
    /// <param name="submittedAt">submitted_at.</param>
    /// <param name="reviewerIsBot">Overrides the bot flag (served as <c>"type": "Bot"</c>).</param>
    /// <param name="firstCommentAt">
    /// When the reviewer drafted the first comment of this review (a pending review, submitted later); GitHub creates the
    /// review then, so GraphQL serves it as the review's <c>createdAt</c>. Null: submitted without drafting.
    /// </param>
    public SimulatedPullRequest Review(string reviewer, SimulatedReviewState state, DateTimeOffset submittedAt, bool? reviewerIsBot = null, DateTimeOffset? firstCommentAt = null)
    {
        if (state == SimulatedReviewState.Pending)
        {
            throw new ArgumentException("A pending review has no submission time; use PendingReview.", nameof(state));
        }

        if (firstCommentAt > submittedAt)
        {
            throw new ArgumentException("A review's comments are drafted before it is submitted.", nameof(firstCommentAt));
        }

        return AddReview(SimulatedUser.Named(reviewer, reviewerIsBot), state, SimulatedIds.Second(submittedAt), firstCommentAt is { } f ? SimulatedIds.Second(f) : null);
    }

    /// <summary>Records a started but unsubmitted review (<c>PENDING</c>, no <c>submitted_at</c>); it does not move <see cref="UpdatedAt"/>.</summary>
    /// <param name="reviewer">The reviewer's login.</param>
    /// <param name="firstCommentAt">When its first comment was drafted (its <c>createdAt</c>); null: when the pull request was opened.</param>
    public SimulatedPullRequest PendingReview(string reviewer, DateTimeOffset? firstCommentAt = null) =>
        AddReview(SimulatedUser.Named(reviewer), SimulatedReviewState.Pending, submittedAt: null, firstCommentAt is { } f ? SimulatedIds.Second(f) : null);

    /// <summary>Merges the pull request (also closes it).</summary>
    /// <param name="at">merged_at and closed_at.</param>
    /// <param name="mergeCommitSha">The merge (or squash) commit; null for a derived one.</param>
    /// <param name="mergedBy">Who merged; null for the author.</param>
    public SimulatedPullRequest Merge(DateTimeOffset at, string? mergeCommitSha = null, string? mergedBy = null)
    {
        lock (Gate)
        {
            if (ClosedAt is not null)
            {
                throw new InvalidOperationException($"#{Number} of {Repository.FullName} is already {(IsMerged ? "merged" : "closed")}.");
            }

            MergedAt = ClosedAt = SimulatedIds.Second(at);
            MergeCommitSha = mergeCommitSha ?? SimulatedIds.Sha($"{Repository.FullName}#{Number}/merge");
            MergedBy = mergedBy is null ? Author : SimulatedUser.Named(mergedBy);
            if (string.Equals(BaseBranch, Repository.DefaultBranch, StringComparison.Ordinal))
            {
                Repository.Push(MergeCommitSha, MergedAt.Value);
            }

            return this;
        }
    }

    /// <summary>Closes the pull request without merging it.</summary>
    public SimulatedPullRequest Close(DateTimeOffset at)
    {
        lock (Gate)
        {
            if (ClosedAt is not null)
            {
                throw new InvalidOperationException($"#{Number} of {Repository.FullName} is already {(IsMerged ? "merged" : "closed")}.");
            }

            ClosedAt = SimulatedIds.Second(at);
            return this;
        }
    }

    /// <summary>Moves <see cref="UpdatedAt"/> without another recorded fact (a comment, a label, an edited title).</summary>
    public SimulatedPullRequest Touch(DateTimeOffset at)
    {
        lock (Gate)
        {
            var second = SimulatedIds.Second(at);
            touchedAt = touchedAt is { } t && t > second ? t : second;
            return this;
        }
    }

    /// <summary>Reviewers asked for a review who have not submitted one since (GitHub's <c>requested_reviewers</c>).</summary>
    internal IReadOnlyList<SimulatedUser> PendingReviewRequests()
    {
        var requested = new List<SimulatedUser>();
        foreach (var e in timeline.Where(e => e.Kind == SimulatedTimelineKind.ReviewRequested).OrderBy(e => e.At))
        {
            var reviewedSince = reviews.Any(r => r.SubmittedAt >= e.At && string.Equals(r.Reviewer.Login, e.RequestedReviewer!.Login, StringComparison.OrdinalIgnoreCase));
            if (!reviewedSince && !requested.Exists(u => u.Login == e.RequestedReviewer!.Login))
            {
                requested.Add(e.RequestedReviewer!);
            }
        }

        return requested;
    }

    public override string ToString() => $"{Repository.FullName}#{Number}";

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private SimulatedPullRequest AddTimeline(SimulatedTimelineKind kind, DateTimeOffset at, string? actor, SimulatedUser? requestedReviewer)
    {
        lock (Gate)
        {
            var who = actor is null ? Author : SimulatedUser.Named(actor);
            timeline.Add(new SimulatedTimelineEvent(Repository.GitHub.NextId(), kind, SimulatedIds.Second(at), who, requestedReviewer));
            return this;
        }
    }

    private SimulatedPullRequest AddReview(SimulatedUser reviewer, SimulatedReviewState state, DateTimeOffset? submittedAt, DateTimeOffset? startedAt)
    {
        lock (Gate)
        {
            // The review is made on the head commit at the time it was submitted.
            var head = commits.Where(c => submittedAt is null || c.AuthoredAt <= submittedAt).MaxBy(c => c.AuthoredAt)?.Sha
                ?? SimulatedIds.Sha($"{Repository.FullName}#{Number}/head");
            reviews.Add(new SimulatedReview(Repository.GitHub.NextId(), reviewer, state, submittedAt, head) { StartedAt = startedAt ?? submittedAt ?? CreatedAt });
            return this;
        }
    }
}
