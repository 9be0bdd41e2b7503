using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Sources.GitHub;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>
/// Issue 14 item 8: a repository that has never had a deployment, with <c>DeploymentFallback: CiRuns</c>: each successful
/// run of the named workflow on the trunk is a deployment to the fallback environment, marked <c>fallback=ci_run</c>.
/// Days 0, 1, 2 at 09:00: a change merged at minute 120, CI 125–140, then <c>Publish</c> 141 (started 145, done 150) —
/// successful on days 0 and 2, failed on day 1.
/// </summary>
public sealed class GitHubCiRunFallbackTests
{
    private const string Repo = "contoso/lib";
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Apis => ["Rest", "GraphQl"];

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task Successful_runs_of_the_named_workflow_deliver_the_changes_since_the_previous_one(string api)
    {
        var (model, merges, publishes) = Model();
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(
            github,
            [Repo],
            new Dictionary<string, string?> { ["Sources:GitHub:Api"] = api, ["Sources:GitHub:DeploymentFallback"] = "CiRuns", ["Sources:GitHub:FallbackWorkflow"] = "publish" },
            new FakeTimeProvider(Start.AddDays(4)));

        var read = await host.ReadAsync(Repo, Start.AddDays(-1));

        var deployments = read.Events.Where(e => e.Kind is FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentIncludes or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished).ToList();
        Assert.All(deployments, e => Assert.Equal(("production", GitHubEventSource.FallbackCiRun), (e.Environment, e.Fallback)));
        Assert.Equal([Id(publishes[0]), Id(publishes[2])], deployments.Select(e => e.SubjectId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal([merges[1], merges[2]], deployments.Where(e => e.Kind == FlowEventKind.DeploymentIncludes && e.SubjectId == Id(publishes[2])).Select(e => e.Sha!).Order(StringComparer.Ordinal));

        var flow = new RepositoryFlow(read.Events[0].Repository, ValueStreamDefinition.Default());
        flow.Apply(read.Events);
        var spans = flow.MergedTimelines().ToDictionary(t => t.Change.ChangeId, t => t.Spans.Select(s => (s.Stage.Name, s.Duration.TotalSeconds)).ToArray());

        // The Publish run is the deployment, not CI: release_wait runs from CI's end to its start, deploy:production is its duration.
        Assert.Equal([("coding", 3600), ("merge", 3600), ("ci_queue", 300), ("ci", 900), ("release_wait", 300), ("deploy:production", 300)], spans["1"]);

        // Day 1's Publish failed: no stand-in; day 2's delivers it, a day and 5 minutes after its CI.
        Assert.Equal([("coding", 3600), ("merge", 3600), ("ci_queue", 300), ("ci", 900), ("release_wait", 86_700), ("deploy:production", 300)], spans["2"]);
        Assert.DoesNotContain(flow.MergedTimelines().SelectMany(t => t.Spans), s => s.Clamped);
        Assert.Equal(2, flow.FinishedDeployments().Count);
    }

    [Fact]
    public async Task A_repository_with_deployments_keeps_them()
    {
        var (model, merges, _) = Model();
        model.Repository(Repo).Deploy("production", merges[0], Start.AddDays(-5), Start.AddDays(-5), Start.AddDays(-5).AddMinutes(5));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(
            github, [Repo], new Dictionary<string, string?> { ["Sources:GitHub:DeploymentFallback"] = "CiRuns", ["Sources:GitHub:FallbackWorkflow"] = "Publish" }, new FakeTimeProvider(Start.AddDays(4)));

        var read = await host.ReadAsync(Repo, Start.AddDays(-1));

        Assert.DoesNotContain(read.Events, e => e.Fallback is not null);
    }

    private static (SimulatedGitHub Model, string[] Merges, SimulatedWorkflowRun[] Publishes) Model()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("lib/base"), Start.AddDays(-10));
        var merges = new string[3];
        var publishes = new SimulatedWorkflowRun[3];
        for (var day = 0; day < 3; day++)
        {
            DateTimeOffset M(double minutes) => Start.AddDays(day).AddMinutes(minutes);
            merges[day] = repo.OpenPullRequest("alice", M(60)).Commit(M(0)).Merge(M(120), Sha($"lib/merge/{day}")).MergeCommitSha!;
            repo.Run("CI", merges[day], M(121), M(125), M(140));
            publishes[day] = repo.Run("Publish", merges[day], M(141), M(145), M(150), day == 1 ? "failure" : "success");
        }

        return (model, merges, publishes);
    }

    private static string Sha(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..40];

    private static string Id(SimulatedWorkflowRun run) => run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
