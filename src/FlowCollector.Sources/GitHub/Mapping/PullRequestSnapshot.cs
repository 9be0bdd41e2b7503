namespace FlowCollector.Sources.GitHub.Mapping;

/// <summary>
/// What the source knows about one pull request, independent of how it was fetched (GraphQL by default, REST with
/// <c>Api=Rest</c>): the reader fills it, <see cref="PullRequestEventMapper"/> turns it into events.
/// </summary>
internal sealed record PullRequestSnapshot(
    int Number,
    string HtmlUrl,
    GitHubAccount? Author,
    string BaseRef,
    bool IsDraft,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? MergedAt,
    string? MergeCommitSha,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<CommitSnapshot> Commits,
    IReadOnlyList<ReviewSnapshot> Reviews,
    IReadOnlyList<TimelineSnapshot> Timeline)
{
    /// <summary>The head branch (<c>head.ref</c> / <c>headRefName</c>); null when the reader did not get it.</summary>
    public string? HeadRef { get; init; }

    public string? Title { get; init; }

    /// <summary>The current labels; null when it has none.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>When each issue this pull request closes was created (its demand); null when none were read.</summary>
    public IReadOnlyList<LinkedIssueSnapshot>? LinkedIssues { get; init; }
}

/// <summary>An issue a pull request closes: its number and creation time.</summary>
internal sealed record LinkedIssueSnapshot(int Number, DateTimeOffset CreatedAt);

/// <summary>A user, bot or organisation as GitHub reports it; <see cref="Type"/> is <c>User</c>, <c>Bot</c> or <c>Organization</c> when known.</summary>
internal sealed record GitHubAccount(string Login, string? Type);

/// <summary>A commit of the pull request; <see cref="AuthoredAt"/> is the git author date.</summary>
internal sealed record CommitSnapshot(string Sha, DateTimeOffset AuthoredAt, GitHubAccount? Author);

/// <summary>A review as listed by GitHub; <see cref="State"/> is GitHub's upper-case state, <see cref="SubmittedAt"/> is null while pending.</summary>
internal sealed record ReviewSnapshot(long Id, GitHubAccount? User, string State, DateTimeOffset? SubmittedAt)
{
    /// <summary>
    /// When the reviewer started it — the creation of its first drafted comment, which creates the pending review (GraphQL
    /// <c>PullRequestReview.createdAt</c>); null when the reader cannot tell (REST reviews carry only <c>submitted_at</c>).
    /// </summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>An issue-timeline event; <see cref="Event"/> is GitHub's event name (<c>ready_for_review</c>, …).</summary>
internal sealed record TimelineSnapshot(string Event, DateTimeOffset CreatedAt, GitHubAccount? Actor);
