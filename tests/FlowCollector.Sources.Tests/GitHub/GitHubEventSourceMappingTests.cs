using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Hand-made pull requests, served by the simulator, read through the production registration, mapped to exact events.</summary>
public sealed class GitHubEventSourceMappingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    // Each row: whether alice opened it as a draft, how it went on, and every event the source must emit for it,
    // as "<hours after T0> <kind> <actor> [bot] [draft] [review state] [sha=<first 7>]".
    private static readonly Dictionary<string, (bool Draft, Action<SimulatedPullRequest> Build, string[] Expected)> Scenarios = new()
    {
        ["opened as draft, marked ready, approved, merged with its merge sha"] = (
            true,
            pr => pr.Commit(T(-3), Sha('a')).Commit(T(-1), Sha('b')).MarkReadyForReview(T(1)).RequestReview("bob", T(1.5))
                .Review("bob", SimulatedReviewState.Approved, T(3)).Merge(T(4), Sha('m'), mergedBy: "bob"),
            [
                "-3 CommitAuthored alice sha=aaaaaaa", "-1 CommitAuthored alice sha=bbbbbbb", "0 ChangeOpened alice draft",
                "1 ReadyForReview alice", "1.5 ReviewRequested alice", "3 ReviewSubmitted bob Approved", "4 ChangeMerged - sha=mmmmmmm",
            ]),
        ["opened ready, converted to draft and back: opened not as draft"] = (
            false,
            pr => pr.Commit(T(-1), Sha('a')).ConvertToDraft(T(1)).MarkReadyForReview(T(2)),
            ["-1 CommitAuthored alice sha=aaaaaaa", "0 ChangeOpened alice", "1 ConvertedToDraft alice", "2 ReadyForReview alice"]),
        ["a draft now whose first toggle was convert_to_draft: opened not as draft"] = (
            false,
            pr => pr.ConvertToDraft(T(0)).MarkReadyForReview(T(0.5)).ConvertToDraft(T(1)),
            ["0 ChangeOpened alice", "0 ConvertedToDraft alice", "0.5 ReadyForReview alice", "1 ConvertedToDraft alice"]),
        ["still a draft without toggles: opened as draft"] = (
            true,
            _ => { },
            ["0 ChangeOpened alice draft"]),
        ["reviews by bots: [bot] suffix, account type Bot, configured login; a human stays human"] = (
            false,
            pr => pr.Review("copilot-pull-request-reviewer[bot]", SimulatedReviewState.Commented, T(1))
                .Review("sentinel", SimulatedReviewState.Commented, T(2), reviewerIsBot: true)
                .Review("ci-reviewer", SimulatedReviewState.Commented, T(3), reviewerIsBot: false)
                .Review("carol", SimulatedReviewState.Approved, T(4)),
            [
                "0 ChangeOpened alice", "1 ReviewSubmitted copilot-pull-request-reviewer[bot] bot Commented", "2 ReviewSubmitted sentinel bot Commented",
                "3 ReviewSubmitted ci-reviewer bot Commented", "4 ReviewSubmitted carol Approved",
            ]),
        ["self-review is reported with the author as actor (the engine decides it does not count)"] = (
            false,
            pr => pr.Review("alice", SimulatedReviewState.Commented, T(1)).Review("bob", SimulatedReviewState.ChangesRequested, T(2)),
            ["0 ChangeOpened alice", "1 ReviewSubmitted alice Commented", "2 ReviewSubmitted bob ChangesRequested"]),
        ["pending review is skipped, dismissed one kept"] = (
            false,
            pr => pr.PendingReview("bob").Review("carol", SimulatedReviewState.Dismissed, T(2)).Review("dave", SimulatedReviewState.Approved, T(3)),
            ["0 ChangeOpened alice", "2 ReviewSubmitted carol Dismissed", "3 ReviewSubmitted dave Approved"]),
        ["closed unmerged: ChangeClosed, no merge"] = (
            false,
            pr => pr.Review("bob", SimulatedReviewState.ChangesRequested, T(2)).Close(T(30)),
            ["0 ChangeOpened alice", "2 ReviewSubmitted bob ChangesRequested", "30 ChangeClosed -"]),
        ["commit time is the author date, not the (rebased) committer date"] = (
            false,
            pr => pr.Commit(T(-5), Sha('c'), committedAt: T(6)).Merge(T(7), Sha('d')),
            ["-5 CommitAuthored alice sha=ccccccc", "0 ChangeOpened alice", "7 ChangeMerged - sha=ddddddd"]),
    };

    public static TheoryData<string> ScenarioNames => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Maps_a_pull_request_to_exact_events(string scenario)
    {
        var model = new SimulatedGitHub();
        var (draft, build, expected) = Scenarios[scenario];
        var pr = model.AddRepository("contoso/web").OpenPullRequest("alice", T0, draft);
        build(pr);
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], new Dictionary<string, string?> { ["Sources:GitHub:BotLogins:0"] = "CI-Reviewer" });

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        var actual = read.Events.OrderBy(e => e.OccurredAt).ThenBy(e => e.Kind).ThenBy(e => e.Actor, StringComparer.Ordinal).Select(Describe).ToList();
        Assert.True(expected.SequenceEqual(actual), $"{scenario}:\nexpected: {string.Join(" | ", expected)}\nactual:   {string.Join(" | ", actual)}");
    }

    [Fact]
    public async Task Every_event_names_the_change_repository_link_and_target_branch()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web", defaultBranch: "trunk").OpenPullRequest("alice", T0).Commit(T(-1))
            .Review("bob", SimulatedReviewState.Approved, T(1)).Merge(T(2));
        model.Repository("contoso/web").OpenPullRequest("bob", T(3)).Close(T(4));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        Assert.Equal(6, read.Events.Count);
        Assert.All(read.Events, e =>
        {
            Assert.Equal(new RepositoryRef("github", "contoso", "web"), e.Repository);
            Assert.Equal($"https://github.com/contoso/web/pull/{e.SubjectId}", e.Url);
            Assert.Equal("trunk", e.TargetBranch);
            Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
        });
        Assert.Equal(["1", "1", "1", "1", "2", "2"], read.Events.Select(e => e.SubjectId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_bot_author_is_flagged_on_the_opening()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("dependabot[bot]", T0).Commit(T(-1)).Merge(T(1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"]);

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));

        var opened = Assert.Single(read.Events, e => e.Kind == FlowEventKind.ChangeOpened);
        Assert.True(opened.ActorIsBot);
        Assert.Equal("dependabot[bot]", opened.Actor);
    }

    private static DateTimeOffset T(double hours) => T0.AddHours(hours);

    private static string Sha(char c) => new(c, 40);

    private static string Describe(FlowEvent e)
    {
        var parts = new List<string>
        {
            (e.OccurredAt - T0).TotalHours.ToString("0.##", CultureInfo.InvariantCulture),
            e.Kind.ToString(),
            e.Actor ?? "-",
        };
        if (e.ActorIsBot)
        {
            parts.Add("bot");
        }

        if (e.IsDraft)
        {
            parts.Add("draft");
        }

        if (e.ReviewState != ReviewState.None)
        {
            parts.Add(e.ReviewState.ToString());
        }

        if (e.Sha is not null)
        {
            parts.Add("sha=" + e.Sha[..7]);
        }

        return string.Join(' ', parts);
    }
}
