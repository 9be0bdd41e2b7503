using FlowCollector.Domain.Events;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>
/// What a pull request says about itself (head branch, title, labels — read by the rework rules) reaches the
/// <c>ChangeOpened</c> event, through REST (<c>head.ref</c>, <c>title</c>, <c>labels</c>) and GraphQL alike (labels
/// replayed from the timeline's label events, which cost no extra point).
/// </summary>
public sealed class PullRequestReworkMappingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> PullRequestsOnly = new()
    {
        ["Sources:GitHub:ReadWorkflowRuns"] = "false",
        ["Sources:GitHub:ReadDeployments"] = "false",
        ["Sources:GitHub:ReadDirectPushes"] = "false",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Branch_title_and_labels_ride_on_the_opening(bool graphQl)
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/web");
        repo.OpenPullRequest("alice", T0, title: "Revert \"Login v2\"").FromBranch("revert-7-alice/login").Label("hotfix", T0.AddMinutes(1)).Label("p1", T0.AddMinutes(2));
        repo.OpenPullRequest("bob", T0.AddHours(1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/web"], graphQl ? GitHubSourceHost.GraphQl(PullRequestsOnly) : PullRequestsOnly);

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-1));
        var opened = read.Events.Where(e => e.Kind == FlowEventKind.ChangeOpened).ToDictionary(e => e.SubjectId);

        Assert.Equal(("revert-7-alice/login", "Revert \"Login v2\""), (opened["1"].SourceBranch, opened["1"].Title));
        Assert.Equal(["hotfix", "p1"], opened["1"].Labels!.Order(StringComparer.Ordinal));
        Assert.Equal("bob/change-2", opened["2"].SourceBranch);
        Assert.Null(opened["2"].Labels); // no labels: no list at all
        Assert.All(read.Events.Where(e => e.Kind != FlowEventKind.ChangeOpened), e => Assert.Null(e.Labels));
    }
}
