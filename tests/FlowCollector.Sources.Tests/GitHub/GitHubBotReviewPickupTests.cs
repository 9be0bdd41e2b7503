using FlowCollector.Domain.ValueStream;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>
/// GitHub's bot rule (account type <c>Bot</c>, a <c>[bot]</c> login, <c>Sources:GitHub:BotLogins</c>) is applied by the
/// source, through both readers; the engine only reads the event's flag. Each pull request: commit T0-1h, opened T0, one
/// review at T0+1h, merged T0+4h.
/// </summary>
public sealed class GitHubBotReviewPickupTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, bool?, (string Stage, double Seconds)[]> Cases
    {
        get
        {
            // A bot's review counts for nothing: coding 3600 (T0-1h → T0), merge 14400 (T0 → T0+4h).
            (string, double)[] ignored = [("coding", 3600), ("merge", 14400)];

            // A person's approval ends pickup and review at once: coding 3600, pickup 3600 (→ T0+1h), review 0, merge 10800 (→ T0+4h).
            (string, double)[] counted = [("coding", 3600), ("pickup", 3600), ("review", 0), ("merge", 10800)];
            var cases = new TheoryData<string, string, bool?, (string, double)[]>();
            foreach (var api in new[] { "Rest", "GraphQl" })
            {
                cases.Add(api, "dependabot[bot]", null, ignored); // served as type Bot (GraphQL: login "dependabot", __typename Bot)
                cases.Add(api, "Renovate-Helper", false, ignored); // a User account named in Sources:GitHub:BotLogins (case-insensitive)
                cases.Add(api, "bob", null, counted);
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_review_by_a_bot_does_not_end_pickup(string api, string reviewer, bool? servedAsBot, (string Stage, double Seconds)[] expected)
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web").OpenPullRequest("alice", T0).Commit(T0.AddHours(-1))
            .Review(reviewer, SimulatedReviewState.Approved, T0.AddHours(1), reviewerIsBot: servedAsBot)
            .Merge(T0.AddHours(4));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], new Dictionary<string, string?>
        {
            ["Sources:GitHub:Api"] = api,
            ["Sources:GitHub:BotLogins:0"] = "renovate-helper",
            ["Sources:GitHub:ReadWorkflowRuns"] = "false",
            ["Sources:GitHub:ReadDeployments"] = "false",
            ["Sources:GitHub:ReadDirectPushes"] = "false",
        });

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));
        var flow = new RepositoryFlow(GitHubSourceHost.Repo("contoso/web"), ValueStreamDefinition.Default());
        flow.Apply(read.Events);

        var timeline = Assert.Single(flow.MergedTimelines());
        Assert.Equal(expected, timeline.Spans.Select(s => (s.Stage.Name, s.Duration.TotalSeconds)).ToArray());
    }
}
