using System.Text.Json;
using FlowCollector.Domain.Events;
using FlowCollector.Sources.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Pull request payloads → events, as tables of hand-worked cases.</summary>
public sealed class AdoPullRequestEventMapperTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly RepositoryRef Repo = new("azuredevops", "contoso/Web", "checkout");
    private static readonly AdoIdentity Alice = new() { Id = "d6245f20-2af8-44f4-9451-8107cb2767db", UniqueName = "alice@contoso.com", DisplayName = "Alice" };
    private static readonly AdoIdentity Bob = new() { Id = "2428198a-5304-4a9c-aeb7-88d60d57acfd", UniqueName = "bob@contoso.com", DisplayName = "Bob" };

    public static TheoryData<int, ReviewState?> Votes => new()
    {
        { 10, ReviewState.Approved },
        { 5, ReviewState.Approved },      // approved with suggestions
        { 0, ReviewState.Dismissed },     // vote reset
        { -5, ReviewState.ChangesRequested }, // waiting for author
        { -10, ReviewState.ChangesRequested }, // rejected
        { 3, null },                      // not a vote Azure DevOps writes
    };

    [Theory]
    [MemberData(nameof(Votes))]
    public void Votes_map_to_review_states(int vote, ReviewState? expected) =>
        Assert.Equal(expected, AdoPullRequestEventMapper.ToReviewState(vote));

    // Each row: the draft flag now, the toggles (true = converted to draft) in time order → opened as draft, and the kinds of the toggle events.
    public static TheoryData<string, bool, bool[], bool, FlowEventKind[]> DraftCases => new()
    {
        { "never a draft", false, [], false, [] },
        { "still a draft, never toggled", true, [], true, [] },
        { "opened as draft, published", false, [false], true, [FlowEventKind.ReadyForReview] },
        { "published, back to draft, published again", false, [true, false], false, [FlowEventKind.ConvertedToDraft, FlowEventKind.ReadyForReview] },
        { "opened as draft, published, back to draft", true, [false, true], true, [FlowEventKind.ReadyForReview, FlowEventKind.ConvertedToDraft] },
    };

    [Theory]
    [MemberData(nameof(DraftCases))]
    public void The_first_draft_toggle_tells_how_the_pull_request_was_opened(string scenario, bool isDraftNow, bool[] toggles, bool openedAsDraft, FlowEventKind[] toggleKinds)
    {
        var threads = toggles.Select((nowDraft, i) => Thread(i + 1, T0.AddHours(i + 1), ("CodeReviewThreadType", "IsDraftUpdate"), ("CodeReviewIsDraftNowSet", nowDraft ? "True" : "False"))).ToList();

        var events = Map(Pr(isDraft: isDraftNow), threads: threads);

        Assert.True(openedAsDraft == Assert.Single(events, e => e.Kind == FlowEventKind.ChangeOpened).IsDraft, scenario);
        Assert.Equal(toggleKinds, events.Where(e => e.Kind is FlowEventKind.ReadyForReview or FlowEventKind.ConvertedToDraft).Select(e => e.Kind));
    }

    // Each row: the draft flag now, each toggle's CodeReviewIsDraftNowSet as sent (a string, a JSON boolean, or absent) →
    // opened as draft, and the kinds of the toggle events. An absent flag is told by the toggle's place (toggles alternate).
    public static TheoryData<string, bool, object?[], bool, FlowEventKind[]> DraftFlagShapes => new()
    {
        { "a JSON boolean: published", false, [false], true, [FlowEventKind.ReadyForReview] },
        { "JSON booleans: published, back to draft", true, [false, true], true, [FlowEventKind.ReadyForReview, FlowEventKind.ConvertedToDraft] },
        { "\"0\" / \"1\", as the web UI compares them", false, ["1", "0"], false, [FlowEventKind.ConvertedToDraft, FlowEventKind.ReadyForReview] },
        { "no flag, not a draft now: created as a draft, this was its publication", false, [null], true, [FlowEventKind.ReadyForReview] },
        { "no flags, draft now after two toggles: created as a draft", true, [null, null], true, [FlowEventKind.ReadyForReview, FlowEventKind.ConvertedToDraft] },
        { "no flag on the first, the second says draft: the first published it", true, [null, "True"], true, [FlowEventKind.ReadyForReview, FlowEventKind.ConvertedToDraft] },
        { "no flag on the second, the first says draft: the second published it", false, ["True", null], false, [FlowEventKind.ConvertedToDraft, FlowEventKind.ReadyForReview] },
    };

    [Theory]
    [MemberData(nameof(DraftFlagShapes))]
    public void The_draft_flag_is_read_as_string_or_boolean_and_a_missing_one_from_its_place(string scenario, bool isDraftNow, object?[] flags, bool openedAsDraft, FlowEventKind[] toggleKinds)
    {
        var threads = flags.Select((flag, i) =>
        {
            var thread = Thread(i + 1, T0.AddHours(i + 1), ("CodeReviewThreadType", "IsDraftUpdate"));
            if (flag is not null)
            {
                thread.Properties!["CodeReviewIsDraftNowSet"] = new AdoProperty { Value = JsonSerializer.SerializeToElement(flag) };
            }

            return thread;
        }).ToList();

        var events = Map(Pr(isDraft: isDraftNow), threads: threads);

        Assert.True(openedAsDraft == Assert.Single(events, e => e.Kind == FlowEventKind.ChangeOpened).IsDraft, scenario);
        Assert.Equal(toggleKinds, events.Where(e => e.Kind is FlowEventKind.ReadyForReview or FlowEventKind.ConvertedToDraft).Select(e => e.Kind));
    }

    [Fact]
    public void A_vote_names_the_voter_by_unique_name_resolved_from_the_reviewers_even_without_dashes()
    {
        var vote = Thread(7, T0.AddHours(2), ("CodeReviewThreadType", "VoteUpdate"), ("CodeReviewVoteResult", "10"), ("CodeReviewVotedByTfId", Bob.Id!.Replace("-", "", StringComparison.Ordinal)), ("CodeReviewVotedByDisplayName", "Bob"));
        var pr = Pr() with { Reviewers = [new AdoReviewer { Id = Bob.Id, UniqueName = Bob.UniqueName, DisplayName = "Bob", Vote = 10 }] };

        var review = Assert.Single(Map(pr, threads: [vote]), e => e.Kind == FlowEventKind.ReviewSubmitted);

        Assert.Equal(("bob@contoso.com", ReviewState.Approved, T0.AddHours(2), false), (review.Actor, review.ReviewState, review.OccurredAt, review.ActorIsBot));
    }

    // Each row: how the thread names the voter (its properties; "identities" gives the thread's identities map) → who the
    // vote is by (null: left out). Shapes: the REST reference's example (TfId + display name) and what current services and
    // Microsoft's web UI read (CodeReviewVotedByIdentity = a key of the thread's identities, CommentThread.identities in 7.1).
    public static TheoryData<string, (string Name, string Value)[], bool, string?> VoterCases => new()
    {
        { "identity key into the identities map", [("CodeReviewVotedByIdentity", "1"), ("CodeReviewVotedByInitiatorIdentity", "1")], true, "dave@contoso.com" },
        { "identity key of the author (id only in the map): her own vote", [("CodeReviewVotedByIdentity", "3")], true, "alice@contoso.com" },
        { "TfId of a reviewer", [("CodeReviewVotedByTfId", Bob.Id!), ("CodeReviewVotedByDisplayName", "Bob")], false, "bob@contoso.com" },
        { "the author's TfId: her own vote, named so the engine drops it", [("CodeReviewVotedByTfId", Alice.Id!), ("CodeReviewVotedByDisplayName", "Alice")], false, "alice@contoso.com" },
        { "an unknown TfId with the author's display name: hers", [("CodeReviewVotedByTfId", "0b0b0b0b-0000-0000-0000-000000000000"), ("CodeReviewVotedByDisplayName", "Alice")], false, "alice@contoso.com" },
        { "an unknown TfId with another display name: nobody can say who", [("CodeReviewVotedByTfId", "0b0b0b0b-0000-0000-0000-000000000000"), ("CodeReviewVotedByDisplayName", "Release Team")], false, null },
        { "an identity key missing from the map", [("CodeReviewVotedByIdentity", "2")], true, null },
        { "no voter at all", [], false, null },
    };

    [Theory]
    [MemberData(nameof(VoterCases))]
    public void A_vote_counts_only_for_a_voter_who_can_be_named(string scenario, (string Name, string Value)[] voter, bool identities, string? expected)
    {
        var vote = Thread(7, T0.AddHours(2), [("CodeReviewThreadType", "VoteUpdate"), ("CodeReviewVoteResult", "10"), .. voter]) with
        {
            // Dave is no reviewer: his unique name can only come from the map. The author's entry lacks hers: her id tells.
            Identities = identities
                ? new Dictionary<string, AdoIdentity>
                {
                    ["1"] = new() { Id = "5a5a5a5a-0000-0000-0000-000000000001", UniqueName = "dave@contoso.com", DisplayName = "Dave" },
                    ["3"] = new() { Id = Alice.Id, DisplayName = "Alice Example" },
                }
                : null,
        };

        var pr = Pr() with { Reviewers = [new AdoReviewer { Id = Bob.Id, UniqueName = Bob.UniqueName, DisplayName = "Bob", Vote = 10 }] };

        var reviews = Map(pr, threads: [vote]).Where(e => e.Kind == FlowEventKind.ReviewSubmitted).ToList();

        Assert.True(expected == reviews.SingleOrDefault()?.Actor && reviews.Count <= 1, $"{scenario}: {string.Join(", ", reviews.Select(r => r.Actor))}");
    }

    // Each row: the comment's author (display name, unique name, group), its type, deleted flag, configured bot names → (event expected, bot flag).
    public static TheoryData<string, string, string?, bool, string, bool, string[], bool, bool> CommentCases => new()
    {
        { "a reviewer's text comment", "Bob", "bob@contoso.com", false, "text", false, [], true, false },
        { "the author's own reply (the engine ignores it)", "Alice", "alice@contoso.com", false, "text", false, [], true, false },
        { "a deleted comment", "Bob", "bob@contoso.com", false, "text", true, [], false, false },
        { "a system comment", "Bob", "bob@contoso.com", false, "system", false, [], false, false },
        { "the pipeline's build service", "Project Collection Build Service (contoso)", "Build\\b1", false, "text", false, [], true, true },
        { "a group", "[Web]\\Web Team", null, true, "text", false, [], true, true },
        { "a configured bot", "Review Bot", "review-bot@contoso.com", false, "text", false, ["REVIEW-BOT@contoso.com"], true, true },
    };

    [Theory]
    [MemberData(nameof(CommentCases))]
    public void Text_comments_become_review_comments_flagged_when_a_bot_wrote_them(
        string scenario, string displayName, string? uniqueName, bool isGroup, string type, bool deleted, string[] bots, bool expected, bool isBot)
    {
        var author = new AdoIdentity { Id = "x1", DisplayName = displayName, UniqueName = uniqueName, IsContainer = isGroup };
        var thread = new AdoThread
        {
            Id = 3,
            PublishedDate = T0.AddHours(1),
            Comments = [new AdoComment { Id = 1, Author = author, PublishedDate = T0.AddHours(1), CommentType = type, IsDeleted = deleted }],
            Properties = new Dictionary<string, AdoProperty> { ["Microsoft.TeamFoundation.Discussion.SupportsMarkdown"] = Property("1") },
        };

        var comments = Map(Pr(), threads: [thread], bots: bots).Where(e => e.Kind == FlowEventKind.ReviewCommented).ToList();

        Assert.True(expected == (comments.Count == 1), scenario);
        if (expected)
        {
            Assert.Equal((uniqueName ?? displayName, isBot, T0.AddHours(1)), (comments[0].Actor, comments[0].ActorIsBot, comments[0].OccurredAt));
        }
    }

    // Each row: status, closed date → the closing event and its SHA.
    public static TheoryData<string, string, double?, FlowEventKind?> ClosingCases => new()
    {
        { "completed: merged with the merge commit", "completed", 5, FlowEventKind.ChangeMerged },
        { "abandoned: closed unmerged", "abandoned", 6, FlowEventKind.ChangeClosed },
        { "active: neither", "active", null, null },
    };

    [Theory]
    [MemberData(nameof(ClosingCases))]
    public void Completion_merges_and_abandoning_closes(string scenario, string status, double? closedHours, FlowEventKind? expected)
    {
        var pr = Pr() with { Status = status, ClosedDate = closedHours is { } h ? T0.AddHours(h) : null, LastMergeCommit = new AdoCommitRef { CommitId = "39f52d24533cc712fc845ed9fd1b6c06b3942588" } };

        var closing = Map(pr).Where(e => e.Kind is FlowEventKind.ChangeMerged or FlowEventKind.ChangeClosed).ToList();

        Assert.True(expected is null ? closing.Count == 0 : closing.Count == 1 && closing[0].Kind == expected && closing[0].OccurredAt == T0.AddHours(closedHours!.Value), scenario);
        Assert.True(expected != FlowEventKind.ChangeMerged || closing[0].Sha == "39f52d24533cc712fc845ed9fd1b6c06b3942588", scenario);
    }

    [Fact]
    public void Linked_work_items_give_the_demand_times_and_commits_their_author_dates()
    {
        var item = new AdoWorkItem
        {
            Id = 7001,
            Fields = new Dictionary<string, JsonElement>
            {
                ["System.CreatedDate"] = JsonSerializer.SerializeToElement("2025-02-28T09:00:00.123Z"),
                ["Microsoft.VSTS.Common.ActivatedDate"] = JsonSerializer.SerializeToElement("2025-03-01T10:30:00Z"),
            },
        };
        var unactivated = new AdoWorkItem { Id = 7002, Fields = new Dictionary<string, JsonElement> { ["System.CreatedDate"] = JsonSerializer.SerializeToElement("2025-03-02T08:00:00Z") } };
        AdoCommitRef[] commits =
        [
            new() { CommitId = "a1", Author = new AdoGitUserDate { Email = "alice@contoso.com", Date = T0.AddHours(-3) } },
            new() { CommitId = "a2", Author = new AdoGitUserDate { Email = "alice@contoso.com", Date = T0.AddHours(-1) } },
        ];

        var events = Map(Pr(), commits: commits, workItems: [item, unactivated]);

        Assert.Equal(
            [
                (FlowEventKind.WorkItemCreated, new DateTimeOffset(2025, 2, 28, 9, 0, 0, 123, TimeSpan.Zero)),
                (FlowEventKind.WorkItemActivated, new DateTimeOffset(2025, 3, 1, 10, 30, 0, TimeSpan.Zero)),
                (FlowEventKind.WorkItemCreated, new DateTimeOffset(2025, 3, 2, 8, 0, 0, TimeSpan.Zero)),
            ],
            events.Where(e => e.Kind is FlowEventKind.WorkItemCreated or FlowEventKind.WorkItemActivated).Select(e => (e.Kind, e.OccurredAt)));
        Assert.Equal(
            [("a1", T0.AddHours(-3)), ("a2", T0.AddHours(-1))],
            events.Where(e => e.Kind == FlowEventKind.CommitAuthored).Select(e => (e.Sha!, e.OccurredAt)));
    }

    [Fact]
    public void A_reviewer_added_is_a_review_request()
    {
        var added = Thread(4, T0.AddMinutes(5), ("CodeReviewThreadType", "ReviewersUpdate"), ("CodeReviewReviewersUpdatedNumAdded", "1"), ("CodeReviewReviewersUpdatedByDisplayname", "Alice"));
        var removed = Thread(5, T0.AddMinutes(6), ("CodeReviewThreadType", "ReviewersUpdate"), ("CodeReviewReviewersUpdatedNumAdded", "0"), ("CodeReviewReviewersUpdatedNumRemoved", "1"));

        var requests = Map(Pr(), threads: [added, removed]).Where(e => e.Kind == FlowEventKind.ReviewRequested).ToList();

        Assert.Equal(T0.AddMinutes(5), Assert.Single(requests).OccurredAt);
    }

    [Fact]
    public void Votes_commits_and_review_requests_are_flagged_by_Azure_DevOps_own_bot_rule()
    {
        // Configured: release-bot@contoso.com (Sources:AzureDevOps:BotNames). renovate-helper@contoso.com is a person here,
        // whatever the name means on GitHub; "… Build Service (…)" is Azure DevOps' own service identity.
        var releaseBot = new AdoIdentity { Id = "5d7e1f0a-0000-4000-8000-000000000001", UniqueName = "release-bot@contoso.com", DisplayName = "Release Bot" };
        var namesake = new AdoIdentity { Id = "5d7e1f0a-0000-4000-8000-000000000002", UniqueName = "renovate-helper@contoso.com", DisplayName = "Renovate Helper" };
        var pr = Pr() with
        {
            Reviewers = [.. new[] { releaseBot, namesake }.Select(r => new AdoReviewer { Id = r.Id, UniqueName = r.UniqueName, DisplayName = r.DisplayName, Vote = 10 })],
        };
        AdoThread Vote(int id, AdoIdentity voter, double hours) =>
            Thread(id, T0.AddHours(hours), ("CodeReviewThreadType", "VoteUpdate"), ("CodeReviewVoteResult", "10"), ("CodeReviewVotedByTfId", voter.Id!), ("CodeReviewVotedByDisplayName", voter.DisplayName!));
        var requested = Thread(3, T0.AddMinutes(5), ("CodeReviewThreadType", "ReviewersUpdate"), ("CodeReviewReviewersUpdatedNumAdded", "1"), ("CodeReviewReviewersUpdatedByDisplayname", "Project Collection Build Service (contoso)"));
        AdoCommitRef[] commits =
        [
            new() { CommitId = "a1", Author = new AdoGitUserDate { Name = "Release Bot", Email = "release-bot@contoso.com", Date = T0.AddHours(-2) } },
            new() { CommitId = "a2", Author = new AdoGitUserDate { Name = "Alice", Email = "alice@contoso.com", Date = T0.AddHours(-1) } },
        ];

        var events = Map(pr, threads: [Vote(1, releaseBot, 1), Vote(2, namesake, 2), requested], commits: commits, bots: ["release-bot@contoso.com"]);

        Assert.Equal(
            [
                (FlowEventKind.CommitAuthored, "release-bot@contoso.com", true),
                (FlowEventKind.CommitAuthored, "alice@contoso.com", false),
                (FlowEventKind.ChangeOpened, "alice@contoso.com", false),
                (FlowEventKind.ReviewRequested, "Project Collection Build Service (contoso)", true),
                (FlowEventKind.ReviewSubmitted, "release-bot@contoso.com", true),
                (FlowEventKind.ReviewSubmitted, "renovate-helper@contoso.com", false),
            ],
            events.OrderBy(e => e.OccurredAt).Select(e => (e.Kind, e.Actor!, e.ActorIsBot)));
    }

    [Fact]
    public void Every_event_carries_the_pull_request_id_link_and_target_branch()
    {
        var events = Map(Pr() with { TargetRefName = "refs/heads/release/2.x" });

        Assert.All(events, e => Assert.Equal(("42", "https://dev.azure.com/contoso/Web/_git/checkout/pullrequest/42", "release/2.x", Repo), (e.SubjectId, e.Url, e.TargetBranch, e.Repository)));
    }

    private static AdoPullRequest Pr(bool isDraft = false) => new()
    {
        PullRequestId = 42,
        Status = "active",
        CreatedBy = Alice,
        CreationDate = T0,
        IsDraft = isDraft,
        TargetRefName = "refs/heads/main",
    };

    private static AdoProperty Property(string value) => new() { Value = JsonSerializer.SerializeToElement(value) };

    private static AdoThread Thread(int id, DateTimeOffset at, params (string Name, string Value)[] properties) => new()
    {
        Id = id,
        PublishedDate = at,
        Comments = [new AdoComment { Id = 1, Author = new AdoIdentity { Id = "svc", DisplayName = "[DefaultCollection]\\Project Collection Service Accounts", IsContainer = true }, PublishedDate = at, CommentType = "system" }],
        Properties = properties.ToDictionary(p => p.Name, p => Property(p.Value)),
    };

    private static List<FlowEvent> Map(AdoPullRequest pr, IReadOnlyList<AdoThread>? threads = null, IReadOnlyList<AdoCommitRef>? commits = null, IReadOnlyList<AdoWorkItem>? workItems = null, string[]? bots = null) =>
        new AdoPullRequestEventMapper(Repo, new AzureDevOpsBots(bots ?? []))
            .Map(new AdoPullRequestSnapshot(pr, "https://dev.azure.com/contoso/Web/_git/checkout/pullrequest/42", commits ?? [], threads ?? [], workItems ?? []))
            .ToList();
}
