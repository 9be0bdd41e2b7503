using System.Globalization;
using System.Text.Json;
using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Turns one <see cref="AdoPullRequestSnapshot"/> into the normalised events of its change. Azure DevOps keeps the
/// history of a pull request in its threads: system threads record votes (<c>VoteUpdate</c>), reviewer changes
/// (<c>ReviewersUpdate</c>) and draft toggles (<c>IsDraftUpdate</c>); text comments are people talking.
/// </summary>
internal sealed class AdoPullRequestEventMapper
{
    internal const string ThreadType = "CodeReviewThreadType";
    internal const string VoteUpdate = "VoteUpdate";
    internal const string ReviewersUpdate = "ReviewersUpdate";
    internal const string IsDraftUpdate = "IsDraftUpdate";
    internal const string CreatedDateField = "System.CreatedDate";
    internal const string ActivatedDateField = "Microsoft.VSTS.Common.ActivatedDate";

    private readonly RepositoryRef repository;
    private readonly AzureDevOpsBots bots;

    public AdoPullRequestEventMapper(RepositoryRef repository, AzureDevOpsBots bots)
    {
        this.repository = repository;
        this.bots = bots;
    }

    /// <summary>Azure DevOps' vote values: 10 approved, 5 approved with suggestions, 0 no vote (reset), -5 waiting for author, -10 rejected.</summary>
    public static ReviewState? ToReviewState(int vote) => vote switch
    {
        >= 5 => ReviewState.Approved,
        <= -5 => ReviewState.ChangesRequested,
        0 => ReviewState.Dismissed,
        _ => null,
    };

    public IEnumerable<FlowEvent> Map(AdoPullRequestSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var pr = snapshot.PullRequest;
        var author = pr.CreatedBy;
        var threads = snapshot.Threads.Where(t => !t.IsDeleted && t.PublishedDate is not null).ToList();

        // Stable order: when several toggles share a timestamp, the thread id (creation order) decides.
        var draftToggles = DraftToggles(threads.Where(t => IsType(t, IsDraftUpdate)).OrderBy(t => t.PublishedDate).ThenBy(t => t.Id).ToList(), pr.IsDraft);
        var openedAsDraft = draftToggles.Count > 0 ? !draftToggles[0].NowDraft : pr.IsDraft;

        yield return Event(snapshot, FlowEventKind.ChangeOpened, pr.CreationDate!.Value, author) with
        {
            IsDraft = openedAsDraft,
            SourceBranch = pr.SourceRefName is { Length: > 0 } source ? (source.StartsWith("refs/heads/", StringComparison.Ordinal) ? source["refs/heads/".Length..] : source) : null,
            Title = string.IsNullOrEmpty(pr.Title) ? null : pr.Title,
            Labels = pr.Labels?.Where(l => l.Active && !string.IsNullOrEmpty(l.Name)).Select(l => l.Name!).ToArray() is { Length: > 0 } labels ? labels : null,
        };

        foreach (var commit in snapshot.Commits)
        {
            if (commit.Author?.Date is { } authored && !string.IsNullOrEmpty(commit.CommitId))
            {
                yield return Event(snapshot, FlowEventKind.CommitAuthored, authored, actor: null) with
                {
                    Actor = commit.Author.Email,
                    ActorIsBot = bots.IsBot(commit.Author),
                    Sha = commit.CommitId,
                };
            }
        }

        foreach (var (toggle, nowDraft) in draftToggles)
        {
            var kind = nowDraft ? FlowEventKind.ConvertedToDraft : FlowEventKind.ReadyForReview;
            yield return Event(snapshot, kind, toggle.PublishedDate!.Value, author);
        }

        foreach (var thread in threads)
        {
            if (IsType(thread, ReviewersUpdate) && Int(thread, "CodeReviewReviewersUpdatedNumAdded") > 0)
            {
                var requester = Text(thread, "CodeReviewReviewersUpdatedByDisplayname") ?? Text(thread, "CodeReviewReviewersUpdatedByDisplayName");
                yield return Event(snapshot, FlowEventKind.ReviewRequested, thread.PublishedDate!.Value, actor: null) with
                {
                    Actor = requester,
                    ActorIsBot = bots.IsBot(uniqueName: null, requester, isContainer: false),
                };
            }
            else if (IsType(thread, VoteUpdate) && Int(thread, "CodeReviewVoteResult") is { } vote && ToReviewState(vote) is { } state)
            {
                // A vote nobody can be named for is left out: counted under a display name it could be the author's own.
                if (Voter(snapshot, thread) is { } voter)
                {
                    yield return Event(snapshot, FlowEventKind.ReviewSubmitted, thread.PublishedDate!.Value, voter) with { ReviewState = state };
                }
            }
            else if (!thread.Properties?.ContainsKey(ThreadType) ?? true)
            {
                foreach (var comment in thread.Comments ?? [])
                {
                    if (!comment.IsDeleted && comment.PublishedDate is { } published && string.Equals(comment.CommentType, "text", StringComparison.OrdinalIgnoreCase))
                    {
                        yield return Event(snapshot, FlowEventKind.ReviewCommented, published, comment.Author);
                    }
                }
            }
        }

        if (string.Equals(pr.Status, "completed", StringComparison.OrdinalIgnoreCase) && pr.ClosedDate is { } merged)
        {
            yield return Event(snapshot, FlowEventKind.ChangeMerged, merged, actor: null) with { Sha = pr.LastMergeCommit?.CommitId };
        }
        else if (string.Equals(pr.Status, "abandoned", StringComparison.OrdinalIgnoreCase) && pr.ClosedDate is { } closed)
        {
            yield return Event(snapshot, FlowEventKind.ChangeClosed, closed, actor: null);
        }

        foreach (var item in snapshot.WorkItems)
        {
            if (Date(item, CreatedDateField) is { } created)
            {
                yield return Event(snapshot, FlowEventKind.WorkItemCreated, created, actor: null);
            }

            if (Date(item, ActivatedDateField) is { } activated)
            {
                yield return Event(snapshot, FlowEventKind.WorkItemActivated, activated, actor: null);
            }
        }
    }

    /// <summary>The target branch without <c>refs/heads/</c>.</summary>
    public static string BranchName(string? refName) =>
        refName is null ? "" : refName.StartsWith("refs/heads/", StringComparison.Ordinal) ? refName["refs/heads/".Length..] : refName;

    /// <summary>
    /// Who cast a vote, by unique name (what comments and the author carry, so the engine can tell an author's own vote),
    /// or null when nobody can be named. Payloads name the voter one of two ways (both read): current service versions
    /// and Microsoft's web UI point <c>CodeReviewVotedByIdentity</c> at a key of the thread's <c>identities</c>; older ones
    /// carry <c>CodeReviewVotedByTfId</c> and <c>CodeReviewVotedByDisplayName</c>.
    /// </summary>
    private static AdoIdentity? Voter(AdoPullRequestSnapshot snapshot, AdoThread thread)
    {
        var named = Text(thread, "CodeReviewVotedByIdentity") is { } key && thread.Identities is { } identities && identities.TryGetValue(key, out var identity)
            ? identity
            : null;
        var id = named?.Id ?? Text(thread, "CodeReviewVotedByTfId");
        var resolved = Resolve(snapshot, id) ?? (named?.UniqueName is not null ? named : null);
        if (resolved is not null)
        {
            return resolved;
        }

        // Only a display name: it is the author's when it is the author's display name; anyone else's cannot be told
        // apart from a namesake, so such a vote does not count as a reviewer's.
        var displayName = named?.DisplayName ?? Text(thread, "CodeReviewVotedByDisplayName");
        var author = snapshot.PullRequest.CreatedBy;
        return displayName is not null && author is not null && string.Equals(displayName, author.DisplayName, StringComparison.OrdinalIgnoreCase) ? author : null;
    }

    /// <summary>The identity with <paramref name="id"/> among the reviewers, the author or the commenters (dashes or not), or null.</summary>
    private static AdoIdentity? Resolve(AdoPullRequestSnapshot snapshot, string? id)
    {
        if (id is null)
        {
            return null;
        }

        var pr = snapshot.PullRequest;
        bool Same(string? other) => other is not null && string.Equals(Normalise(other), Normalise(id), StringComparison.OrdinalIgnoreCase);

        if (pr.Reviewers?.FirstOrDefault(r => Same(r.Id)) is { } reviewer)
        {
            return new AdoIdentity { Id = reviewer.Id, UniqueName = reviewer.UniqueName, DisplayName = reviewer.DisplayName, IsContainer = reviewer.IsContainer };
        }

        if (Same(pr.CreatedBy?.Id))
        {
            return pr.CreatedBy!;
        }

        return snapshot.Threads.SelectMany(t => t.Comments ?? []).Select(c => c.Author).FirstOrDefault(a => Same(a?.Id));
    }

    /// <summary>
    /// Each draft toggle with the state it set. <c>CodeReviewIsDraftNowSet</c> comes as a string (<c>"True"</c>/<c>"False"</c>,
    /// <c>"1"</c>/<c>"0"</c>) or a JSON boolean. A toggle without the flag is told by its place: toggles alternate, so the
    /// first flagged one (or, with none, the pull request's current <c>isDraft</c> after all of them) fixes the rest —
    /// which makes the first toggle of a pull request created as a draft its publication, as the web UI shows it.
    /// </summary>
    private static List<(AdoThread Thread, bool NowDraft)> DraftToggles(List<AdoThread> toggles, bool isDraftNow)
    {
        var flagged = toggles.FindIndex(t => DraftNowSet(t) is not null);

        // The state toggle i set, if the pull request was created as a draft: published at even places, draft at odd ones.
        bool SetWhenCreatedAsDraft(int i) => i % 2 == 1;
        var createdAsDraft = flagged >= 0
            ? DraftNowSet(toggles[flagged]) == SetWhenCreatedAsDraft(flagged)
            : isDraftNow == (toggles.Count % 2 == 0);
        return toggles.Select((t, i) => (t, DraftNowSet(t) ?? (createdAsDraft ? SetWhenCreatedAsDraft(i) : !SetWhenCreatedAsDraft(i)))).ToList();
    }

    // Thread properties write identity ids with or without dashes.
    private static string Normalise(string id) => id.Replace("-", "", StringComparison.Ordinal);

    private static bool IsType(AdoThread thread, string type) =>
        Text(thread, ThreadType) is { } value
        && (string.Equals(value, type, StringComparison.OrdinalIgnoreCase) || string.Equals(value, type + "d", StringComparison.OrdinalIgnoreCase));

    private static bool? DraftNowSet(AdoThread thread) =>
        Text(thread, "CodeReviewIsDraftNowSet")?.ToUpperInvariant() switch
        {
            "TRUE" or "1" => true,
            "FALSE" or "0" => false,
            _ => null,
        };

    private static string? Text(AdoThread thread, string property) =>
        thread.Properties is { } properties && properties.TryGetValue(property, out var value) ? value?.Text : null;

    private static int? Int(AdoThread thread, string property) =>
        int.TryParse(Text(thread, property), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static DateTimeOffset? Date(AdoWorkItem item, string field) =>
        item.Fields is { } fields && fields.TryGetValue(field, out var value) && value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
        && at.Year > 1
            ? at
            : null;

    private FlowEvent Event(AdoPullRequestSnapshot snapshot, FlowEventKind kind, DateTimeOffset at, AdoIdentity? actor) => new()
    {
        Kind = kind,
        Repository = repository,
        SubjectId = snapshot.PullRequest.PullRequestId.ToString(CultureInfo.InvariantCulture),
        OccurredAt = at.ToUniversalTime(),
        Actor = actor is null ? null : actor.UniqueName ?? actor.DisplayName,
        ActorIsBot = bots.IsBot(actor),
        Url = snapshot.WebUrl,
        TargetBranch = BranchName(snapshot.PullRequest.TargetRefName),
    };
}
