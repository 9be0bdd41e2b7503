using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// The stages table of docs/metrics.md, one row per rule. Times are minutes after Monday 09:00; every
/// expected duration was worked out by hand from those minutes (so a row reads as the rule it pins down).
/// </summary>
public sealed class StageCalculatorTests
{
    private static readonly ValueStreamDefinition Standard = ValueStreamDefinition.Default();

    // ValueStream:CommentsEndPickup=false: only submitted reviews end pickup.
    private static readonly ValueStreamDefinition ReviewsOnly = WithCommentsEndPickup(Standard, false);

    public static TheoryData<string, FlowEvent[], ValueStreamDefinition, Expected[]> Cases => new()
    {
        // --- coding: ends when the change becomes ready for review ---
        {
            "opened as a draft: coding ends when it is marked ready, not when it is opened",
            [Commit(0, "c1"), OpenedAsDraft(30), Ready(120), Review(150, "bob", ReviewState.Commented), Approved(180, "bob"), Merged(200)],
            Standard,
            [S("coding", 7200), S("pickup", 1800), S("review", 1800), S("merge", 1200)]
        },
        {
            "feedback on a draft before it was ready is part of coding: pickup waits for the first review after ready",
            [Commit(0, "c1"), OpenedAsDraft(30), Comment(60, "bob"), Review(90, "carol", ReviewState.Commented), Ready(120), Approved(180, "bob"), Merged(200)],
            Standard,
            [S("coding", 7200), S("pickup", 3600), S("review", 0), S("merge", 1200)]
        },
        {
            "opened ready (never a draft): coding ends when it is opened",
            [Commit(0, "c1"), Opened(45), Approved(105, "bob"), Merged(125)],
            Standard,
            [S("coding", 2700), S("pickup", 3600), S("review", 0), S("merge", 1200)]
        },
        {
            "merged while still a draft: coding ends at the merge and merge lasts 0",
            [Commit(0, "c1"), OpenedAsDraft(30), Merged(120)],
            Standard,
            [S("coding", 7200), S("merge", 0)]
        },

        // --- who counts as a reviewer ---
        {
            "nobody reviewed: merge runs from ready for review to the merge",
            [Commit(0, "c1"), Opened(60), Merged(180)],
            Standard,
            [S("coding", 3600), S("merge", 7200)]
        },
        {
            "the author's own approval is no review",
            [Commit(0, "c1"), Opened(60), Approved(90, Author), Merged(120)],
            Standard,
            [S("coding", 3600), S("merge", 3600)]
        },
        {
            "the author's approval under a differently cased login is no review either",
            [Commit(0, "c1"), Opened(60), Approved(90, "Alice"), Merged(120)],
            Standard,
            [S("coding", 3600), S("merge", 3600)]
        },
        {
            "an account the source flags as a bot never counts, neither its review nor its comment",
            [Commit(0, "c1"), Opened(60), Comment(65, "codecov[bot]", flaggedBot: true), Review(70, "helper", ReviewState.Approved, flaggedBot: true), Merged(120)],
            Standard,
            [S("coding", 3600), S("merge", 3600)]
        },
        {
            // Who is a bot is the source's call (GitHub's [bot] rule and BotLogins mean nothing on Azure DevOps): an
            // unflagged reviewer counts whatever its name. Pickup 60 → 70, review 0 (the approval), merge 70 → 120.
            "a reviewer the source did not flag counts, whatever its name",
            [Commit(0, "c1"), Opened(60), Approved(70, "renovate[bot]"), Merged(120)],
            Standard,
            [S("coding", 3600), S("pickup", 600), S("review", 0), S("merge", 3000)]
        },

        // --- pickup, review, merge ---
        {
            "several review rounds: pickup ends at the first review, review at the approval",
            [Commit(0, "c1"), Opened(60), Review(120, "bob", ReviewState.ChangesRequested), Commit(150, "c2"), Approved(240, "bob"), Merged(300)],
            Standard,
            [S("coding", 3600), S("pickup", 3600), S("review", 7200), S("merge", 3600)]
        },
        {
            "commits after an approval do not move review's end; the last approval before the merge does",
            [Commit(0, "c1"), Opened(60), Approved(120, "bob"), Commit(150, "c2"), Approved(210, "carol"), Commit(225, "c3"), Merged(240)],
            Standard,
            [S("coding", 3600), S("pickup", 3600), S("review", 5400), S("merge", 1800)]
        },
        {
            "reviewed but never approved: review runs to the merge and merge is absent",
            [Commit(0, "c1"), Opened(60), Review(90, "bob", ReviewState.Commented), Review(150, "bob", ReviewState.ChangesRequested), Merged(200)],
            Standard,
            [S("coding", 3600), S("pickup", 1800), S("review", 6600)]
        },
        {
            "a dismissed review ended pickup but is no approval",
            [Commit(0, "c1"), Opened(60), Review(90, "bob", ReviewState.Dismissed), Merged(150)],
            Standard,
            [S("coding", 3600), S("pickup", 1800), S("review", 3600)]
        },
        {
            "only a review comment: pickup ends at the comment, no review stage, merge follows",
            [Commit(0, "c1"), Opened(60), Comment(100, "bob"), Merged(160)],
            Standard,
            [S("coding", 3600), S("pickup", 2400), S("merge", 3600)]
        },
        {
            "CommentsEndPickup=false: a lone review comment ends nothing, merge runs from ready",
            [Commit(0, "c1"), Opened(60), Comment(100, "bob"), Merged(160)],
            ReviewsOnly,
            [S("coding", 3600), S("merge", 6000)]
        },
        {
            "CommentsEndPickup=false: pickup waits past the comment for the first review",
            [Commit(0, "c1"), Opened(60), Comment(100, "bob"), Approved(130, "bob"), Merged(160)],
            ReviewsOnly,
            [S("coding", 3600), S("pickup", 4200), S("review", 0), S("merge", 1800)]
        },
        {
            "a review whose first comment was drafted at 90 and submitted at 150 (GitHub: its createdAt, then submittedAt): pickup ends at the draft",
            [Commit(0, "c1"), Opened(60), Comment(90, "bob"), Review(150, "bob", ReviewState.ChangesRequested), Approved(200, "bob"), Merged(230)],
            Standard,
            [S("coding", 3600), S("pickup", 1800), S("review", 6600), S("merge", 1800)]
        },
        {
            "CommentsEndPickup=false: the same review ends pickup when it is submitted",
            [Commit(0, "c1"), Opened(60), Comment(90, "bob"), Review(150, "bob", ReviewState.ChangesRequested), Approved(200, "bob"), Merged(230)],
            ReviewsOnly,
            [S("coding", 3600), S("pickup", 5400), S("review", 3000), S("merge", 1800)]
        },
        {
            "a review submitted after the merge is ignored",
            [Commit(0, "c1"), Opened(60), Merged(120), Approved(180, "bob")],
            Standard,
            [S("coding", 3600), S("merge", 3600)]
        },

        // --- CI on the merge commit ---
        {
            "CI ran on the merge commit and succeeded: ci_queue to its start, ci to its finish",
            [Commit(0, "c1"), Opened(60), Merged(120), RunQueued(121), RunStarted(125), RunFinished(140, "success")],
            Standard,
            [S("coding", 3600), S("merge", 3600), S("ci_queue", 300), S("ci", 900)]
        },
        {
            "CI failed and a re-run attempt succeeded: the failed attempt is process time",
            [
                Commit(0, "c1"), Opened(60), Merged(120),
                RunStarted(125), RunFinished(140, "failure"),
                RunQueued(150, attempt: 2), RunStarted(155, attempt: 2), RunFinished(170, "success", attempt: 2),
            ],
            Standard,
            [S("coding", 3600), S("merge", 3600), S("ci_queue", 300), S("ci", 2700)]
        },
        {
            "CI never succeeded: ci is absent, ci_queue is still there",
            [Commit(0, "c1"), Opened(60), Merged(120), RunStarted(125), RunFinished(140, "failure")],
            Standard,
            [S("coding", 3600), S("merge", 3600), S("ci_queue", 300)]
        },
        {
            "CI never ran: the timeline ends at the merge",
            [Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120)],
            Standard,
            [S("coding", 3600), S("pickup", 1800), S("review", 0), S("merge", 1800)]
        },
        {
            "two pipelines: ci_queue ends when the first starts, ci when the last goes green",
            [
                Commit(0, "c1"), Opened(60), Merged(120),
                RunStarted(125, "r1"), RunFinished(140, "success", "r1"),
                RunStarted(122, "r2", pipeline: "lint"), RunFinished(130, "success", "r2", pipeline: "lint"),
            ],
            Standard,
            [S("coding", 3600), S("merge", 3600), S("ci_queue", 120), S("ci", 1080)]
        },
        {
            "two pipelines, one never green: ci is absent",
            [
                Commit(0, "c1"), Opened(60), Merged(120),
                RunStarted(125, "r1"), RunFinished(140, "success", "r1"),
                RunStarted(122, "r2", pipeline: "lint"), RunFinished(130, "failure", "r2", pipeline: "lint"),
            ],
            Standard,
            [S("coding", 3600), S("merge", 3600), S("ci_queue", 120)]
        },

        // --- clock skew: clamped to 0, flagged, the stream never moves backwards ---
        {
            "clock skew: an approval stamped before the opening clamps pickup and review to 0",
            [Commit(0, "c1"), Opened(60), Approved(30, "bob"), Merged(120)],
            Standard,
            [S("coding", 3600), Clamped("pickup"), Clamped("review"), S("merge", 3600)]
        },
        {
            "clock skew: the first commit stamped after the opening clamps coding to 0",
            [Commit(90, "c1"), Opened(60), Merged(120)],
            Standard,
            [Clamped("coding"), S("merge", 1800)]
        },
        {
            "clock skew: a run on the merge commit starting before the merge clamps ci_queue to 0",
            [Commit(0, "c1"), Opened(60), Merged(120), RunStarted(110), RunFinished(140, "success")],
            Standard,
            [S("coding", 3600), S("merge", 3600), Clamped("ci_queue"), S("ci", 1200)]
        },

        // --- the fold: duplicates and order do not matter ---
        {
            "every event seen twice: same as once",
            [
                Commit(0, "c1"), OpenedAsDraft(30), Ready(120), Review(150, "bob", ReviewState.Commented), Approved(180, "bob"), Merged(200),
                Commit(0, "c1"), OpenedAsDraft(30), Ready(120), Review(150, "bob", ReviewState.Commented), Approved(180, "bob"), Merged(200),
            ],
            Standard,
            [S("coding", 7200), S("pickup", 1800), S("review", 1800), S("merge", 1200)]
        },
        {
            "events in reverse order: same as in order",
            [Merged(300), Approved(240, "bob"), Commit(150, "c2"), Review(120, "bob", ReviewState.ChangesRequested), Opened(60), Commit(0, "c1")],
            Standard,
            [S("coding", 3600), S("pickup", 3600), S("review", 7200), S("merge", 3600)]
        },

        // --- changes that never merged, demand, direct changes ---
        {
            "closed without merging: only the stages whose end is known (no review, no merge)",
            [Commit(0, "c1"), Opened(60), Approved(90, "bob"), Closed(200)],
            Standard,
            [S("coding", 3600), S("pickup", 1800)]
        },
        {
            "linked work item: backlog runs from its creation to the first commit",
            [WorkItemCreated(-120), Commit(0, "c1"), Opened(60), Merged(120)],
            Standard,
            [S("backlog", 7200), S("coding", 3600), S("merge", 3600)]
        },
        {
            "work item activated before the first commit: backlog ends at activation and coding starts there",
            [WorkItemCreated(-180), WorkItemActivated(-60), Commit(0, "c1"), Opened(60), Merged(120)],
            Standard,
            [S("backlog", 7200), S("coding", 7200), S("merge", 3600)]
        },
        {
            "work item activated after the first commit: backlog ends at the first commit",
            [WorkItemCreated(-180), Commit(0, "c1"), WorkItemActivated(30), Opened(60), Merged(120)],
            Standard,
            [S("backlog", 10800), S("coding", 3600), S("merge", 3600)]
        },
        {
            "work item filed after the first commit: backlog lasts 0 (not skew) and coding keeps its full length",
            [Commit(0, "c1"), WorkItemCreated(30), Opened(60), Merged(120)],
            Standard,
            [S("backlog", 0), S("coding", 3600), S("merge", 3600)]
        },
        {
            "direct push without commit details and a linked work item: backlog waits until the landing, coding lasts 0",
            [WorkItemCreated(-60), Pushed(90)],
            Standard,
            [S("backlog", 9000), S("coding", 0)]
        },
        {
            "direct push: no review stages, coding ends when the commits land on the trunk",
            [Commit(0, "c1"), Commit(30, "c2"), Pushed(90), RunStarted(95), RunFinished(110, "success")],
            Standard,
            [S("coding", 5400), S("ci_queue", 300), S("ci", 900)]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stages_follow_the_value_stream_table(string scenario, FlowEvent[] events, ValueStreamDefinition stream, Expected[] expected)
    {
        var timeline = Compute(events, stream);

        var actual = timeline.Spans.Select(s => new Expected(s.Stage.Name, s.Duration.TotalSeconds, s.Clamped)).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"{scenario}:{Environment.NewLine}  expected {Show(expected)}{Environment.NewLine}  actual   {Show(actual)}");
        Assert.True(timeline.ProcessTime + timeline.WaitTime == timeline.FlowTime, $"{scenario}: process + wait != flow time");
    }

    [Fact]
    public void Clock_skew_never_breaks_the_totals()
    {
        // Commit 09:00, opened 10:00, approval stamped 09:30 (skew), merged 11:00.
        var timeline = Compute([Commit(0, "c1"), Opened(60), Approved(30, "bob"), Merged(120)]);

        Assert.Equal(TimeSpan.FromSeconds(3600), timeline.ProcessTime); // coding 3600 + review 0
        Assert.Equal(TimeSpan.FromSeconds(3600), timeline.WaitTime); // pickup 0 + merge 3600
        Assert.Equal(TimeSpan.FromSeconds(7200), timeline.FlowTime);
        Assert.Equal(["pickup", "review"], timeline.Spans.Where(s => s.Clamped).Select(s => s.Stage.Name));
    }

    [Fact]
    public void Deployment_stages_are_absent_until_deployments_are_attributed()
    {
        var timeline = Compute([Commit(0, "c1"), Opened(60), Merged(120), RunStarted(125), RunFinished(140, "success")]);

        Assert.DoesNotContain(timeline.Spans, s => s.Stage.Rule is StageRule.ReleaseWait or StageRule.Deploy or StageRule.PromotionWait);
    }

    [Fact]
    public void A_renamed_stage_keeps_its_rule_and_a_dropped_stage_gives_its_time_to_the_next_present_stage()
    {
        var stream = Customise(s => s.Rule switch
        {
            StageRule.Coding => s with { Name = "development" },
            StageRule.Pickup => null,
            _ => s,
        });

        var timeline = Compute(SeveralReviewRounds, stream);

        // Default: coding 3600, pickup 3600, review 7200, merge 3600. Pickup's hour moves into review.
        Assert.Equal(
            [new Expected("development", 3600), new Expected("review", 10800), new Expected("merge", 3600)],
            timeline.Spans.Select(s => new Expected(s.Stage.Name, s.Duration.TotalSeconds, s.Clamped)));
        Assert.Equal(StageKind.Process, timeline.Spans[0].Stage.Kind);
    }

    [Fact]
    public void Dropping_the_first_stage_lets_the_next_present_stage_start_at_the_first_commit()
    {
        var stream = Customise(s => s.Rule == StageRule.Coding ? null : s);

        var timeline = Compute(SeveralReviewRounds, stream);

        // Commit 0, opened 60, changes requested 120, approved 240, merged 300: pickup takes coding's hour.
        Assert.Equal(
            [new Expected("pickup", 7200), new Expected("review", 7200), new Expected("merge", 3600)],
            timeline.Spans.Select(s => new Expected(s.Stage.Name, s.Duration.TotalSeconds, s.Clamped)));
        Assert.Equal(Monday9, timeline.Start);
    }

    [Fact]
    public void A_change_without_any_time_yields_an_empty_timeline_not_zeros()
    {
        var timeline = Compute([Review(90, "bob", ReviewState.Approved)]);

        Assert.Null(timeline.Start);
        Assert.Empty(timeline.Spans);
    }

    private static FlowEvent[] SeveralReviewRounds =>
        [Commit(0, "c1"), Opened(60), Review(120, "bob", ReviewState.ChangesRequested), Commit(150, "c2"), Approved(240, "bob"), Merged(300)];

    private static ValueStreamDefinition Customise(Func<StageDefinition, StageDefinition?> change)
    {
        var defaults = ValueStreamDefinition.Default();
        var stages = defaults.Stages.Select(change).OfType<StageDefinition>().ToList();
        return new ValueStreamDefinition(stages, defaults.EnvironmentPath, defaults.ProductionEnvironments.ToList());
    }

    private static Expected S(string stage, double seconds) => new(stage, seconds);

    private static Expected Clamped(string stage) => new(stage, 0, Clamped: true);

    private static string Show(IEnumerable<Expected> spans) =>
        "[" + string.Join(", ", spans.Select(s => $"{s.Stage} {s.Seconds}{(s.Clamped ? " (clamped)" : "")}")) + "]";

    /// <summary>One expected span: stage name, seconds, and whether it was clamped (skew).</summary>
    public sealed record Expected(string Stage, double Seconds, bool Clamped = false);
}
