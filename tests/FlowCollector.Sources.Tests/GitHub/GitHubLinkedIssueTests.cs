using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>The issues a pull request closes are its demand (the backlog stage), read in the same GraphQL page at 37 pull requests per point.</summary>
public sealed class GitHubLinkedIssueTests
{
    private const string Repo = "contoso/web";
    private const string WithIssues = nameof(GitHubGraphQlDocuments.PullRequestsWithLinkedIssuesByUpdate);
    private const string WithoutIssues = nameof(GitHubGraphQlDocuments.PullRequestsByUpdate);
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> PullRequestsOnly = new()
    {
        ["Sources:GitHub:ReadWorkflowRuns"] = "false",
        ["Sources:GitHub:ReadDeployments"] = "false",
        ["Sources:GitHub:ReadDirectPushes"] = "false",
    };

    [Fact]
    public async Task Each_closed_issue_becomes_a_work_item_created_event_of_the_change_at_the_issues_creation()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        var pr = repo.OpenPullRequest("alice", T0);
        pr.Closes.Add(new SimulatedIssue(repo, 900, "Checkout is slow", SimulatedUser.Named("carol"), T0.AddDays(-5)));
        pr.Closes.Add(new SimulatedIssue(repo, 901, "Checkout times out", SimulatedUser.Named("dave"), T0.AddDays(-2)));
        pr.Merge(T0.AddHours(3));
        var plain = repo.OpenPullRequest("bob", T0.AddHours(1)).Merge(T0.AddHours(4));

        var (events, github) = await ReadAsync(model, linkedIssues: true);

        Assert.Equal(
            [(pr.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddDays(-5)), (pr.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddDays(-2))],
            events.Where(e => e.Kind == FlowEventKind.WorkItemCreated).Select(e => (e.SubjectId, e.OccurredAt)).Order().ToList());
        Assert.DoesNotContain(events, e => e.Kind == FlowEventKind.WorkItemCreated && e.SubjectId == plain.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, github.GraphQlRequestsByOperation.GetValueOrDefault(WithIssues));
        Assert.Equal(0, github.GraphQlRequestsByOperation.GetValueOrDefault(WithoutIssues));
    }

    [Fact]
    public async Task Switched_off_the_cheaper_document_is_sent_and_no_demand_is_reported()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        var pr = repo.OpenPullRequest("alice", T0);
        pr.Closes.Add(new SimulatedIssue(repo, 900, "Checkout is slow", SimulatedUser.Named("carol"), T0.AddDays(-5)));
        pr.Merge(T0.AddHours(3));

        var (events, github) = await ReadAsync(model, linkedIssues: false);

        Assert.DoesNotContain(events, e => e.Kind == FlowEventKind.WorkItemCreated);
        Assert.Equal(0, github.GraphQlRequestsByOperation.GetValueOrDefault(WithIssues));
        Assert.Equal(1, github.GraphQlRequestsByOperation.GetValueOrDefault(WithoutIssues));
    }

    [Theory]
    [InlineData(true, 74, 2)]   // 37 per page, 1 point each
    [InlineData(true, 75, 3)]
    [InlineData(false, 98, 2)]  // 49 per page without the fourth nested connection
    public async Task A_page_costs_one_point_at_its_page_size(bool linkedIssues, int pullRequests, int points)
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        for (var i = 0; i < pullRequests; i++)
        {
            repo.OpenPullRequest("alice", T0.AddMinutes(i)).Merge(T0.AddMinutes(i + 30));
        }

        var (_, github) = await ReadAsync(model, linkedIssues);

        Assert.Equal(points, github.GraphQlPointsSpent);
        Assert.Equal(points, github.GraphQlRequestsByOperation.GetValueOrDefault(linkedIssues ? WithIssues : WithoutIssues));
    }

    private static async Task<(List<FlowEvent> Events, GitHubSimulator GitHub)> ReadAsync(SimulatedGitHub model, bool linkedIssues)
    {
        var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(
            github, [Repo], GitHubSourceHost.GraphQl(new Dictionary<string, string?>(PullRequestsOnly) { ["Sources:GitHub:ReadLinkedIssues"] = linkedIssues ? "true" : "false" }), new FakeTimeProvider(T0.AddDays(1)));
        var read = await host.ReadAsync(Repo, T0.AddDays(-1));
        return (read.Events.ToList(), github);
    }
}
