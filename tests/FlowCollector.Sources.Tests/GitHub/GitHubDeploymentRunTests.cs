using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Mapping;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>
/// Issue 14 items 1 and 2 on GitHub: a Deploy workflow beside CI on the same commit is a deployment run (its deployments'
/// statuses link to it), and a re-run's earlier attempts are read. The shapes and their hand-worked stages are
/// <see cref="GitHubDeliveryShapes"/>; the source's events folded by the engine must give exactly those, unclamped.
/// </summary>
public sealed class GitHubDeploymentRunTests
{
    private const string Repo = "contoso/shop";
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Apis => ["Rest", "GraphQl"];

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task The_engine_gets_the_hand_worked_stages_of_every_shape(string api)
    {
        using var github = new GitHubSimulator(Model());
        using var host = GitHubSourceHost.For(github, [Repo], new Dictionary<string, string?> { ["Sources:GitHub:Api"] = api }, new FakeTimeProvider(Start.AddDays(5)));

        var read = await host.ReadAsync(Repo, Start.AddDays(-1));
        var flow = new RepositoryFlow(read.Events[0].Repository, ValueStreamDefinition.Default(["staging", "production"]));
        flow.Apply(read.Events);
        var timelines = flow.MergedTimelines();

        foreach (var (number, expected) in GitHubDeliveryShapes.Expected)
        {
            var timeline = Assert.Single(timelines, t => t.Change.ChangeId == number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(expected, timeline.Spans.Select(s => (s.Stage.Name, s.Duration.TotalSeconds)).ToArray());
        }

        Assert.DoesNotContain(timelines.SelectMany(t => t.Spans), s => s.Clamped);
    }

    [Fact]
    public async Task Deployments_name_the_run_that_made_them_and_every_attempt_of_a_re_run_is_read()
    {
        var model = Model();
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], time: new FakeTimeProvider(Start.AddDays(5)));

        var read = await host.ReadAsync(Repo, Start.AddDays(-1));

        var runs = model.Repository(Repo).WorkflowRuns;
        var deployRuns = runs.Where(r => r.Name == "Deploy").Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var deploymentRuns = read.Events.Where(e => e.Kind == FlowEventKind.DeploymentQueued).Select(e => e.RunId).ToList();
        Assert.Equal(8, deploymentRuns.Count);
        Assert.All(deploymentRuns, id => Assert.Contains(id!, deployRuns));

        // The re-run CI shows attempt 2 in the list; attempt 1 costs one request and gives its own start and failure.
        var rerun = Assert.Single(runs, r => r.Attempt == 2);
        Assert.Equal(1, github.RequestsTo($"/repos/{Repo}/actions/runs/*/attempts/*"));
        Assert.Equal(
            [(1, FlowEventKind.RunQueued, (string?)null), (1, FlowEventKind.RunStarted, null), (1, FlowEventKind.RunFinished, "failure"), (2, FlowEventKind.RunStarted, null), (2, FlowEventKind.RunFinished, "success")],
            read.Events.Where(e => e.SubjectId == rerun.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .OrderBy(e => e.Attempt).ThenBy(e => e.Kind).Select(e => (e.Attempt, e.Kind, e.Result)).ToList());
    }

    [Theory]
    [InlineData("https://github.com/contoso/shop/actions/runs/123", "123")]
    [InlineData("https://github.com/contoso/shop/actions/runs/123/job/456", "123")]
    [InlineData("https://github.com/contoso/shop/actions/runs/123/attempts/2", "123")]
    [InlineData("https://ghe.contoso.local/contoso/shop/actions/runs/77?check_suite_focus=true", "77")]
    [InlineData("https://deploy.example/contoso/shop/42", null)]
    [InlineData("https://github.com/contoso/shop/actions/runs/", null)]
    [InlineData("https://github.com/contoso/shop/actions/runs/abc", null)]
    [InlineData("actions/runs/5", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_status_link_names_the_run_only_when_it_is_a_run_page(string? url, string? runId) =>
        Assert.Equal(runId, ActionsRunLink.RunIdOf(url));

    private static SimulatedGitHub Model()
    {
        var model = new SimulatedGitHub();
        GitHubDeliveryShapes.Add(model.AddRepository(Repo), Start);
        return model;
    }
}
