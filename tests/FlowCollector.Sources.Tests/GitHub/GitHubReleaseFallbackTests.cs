using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>A repository that has never had a deployment: published releases stand in, marked <c>fallback=release</c>.</summary>
public sealed class GitHubReleaseFallbackTests
{
    private const string Repo = "contoso/web";
    private const string Releases = nameof(GitHubGraphQlDocuments.Releases);
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Since = T0.AddDays(-1);
    private static readonly Dictionary<string, string?> NoRuns = new() { ["Sources:GitHub:ReadWorkflowRuns"] = "false" };

    [Fact]
    public async Task Published_releases_become_successful_production_deployments_of_their_tag_with_change_sets()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("base"), T0.AddDays(-10));
        var merges = new[] { 1, 2, 3, 4 }.Select(i => repo.OpenPullRequest("alice", T0).Merge(T0.AddHours(i)).MergeCommitSha!).ToArray();
        Release(repo, 1, "v1.0.0", Sha("base"), T0.AddDays(-5), T0.AddDays(-5));               // before the window: the baseline
        var v11 = Release(repo, 2, "v1.1.0", merges[1], T0.AddHours(2.5), T0.AddHours(2.6));
        Release(repo, 3, "v1.2.0-rc1", merges[2], T0.AddHours(3.2), T0.AddHours(3.3)).IsPrerelease = true;
        Release(repo, 4, "v1.2.0", merges[3], T0.AddHours(4.5), published: null);              // a draft
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(NoRuns), new FakeTimeProvider(T0.AddDays(1)));

        var read = await host.ReadAsync(Repo, Since);

        var deployments = read.Events.Where(e => e.Kind is FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished).ToList();
        Assert.Equal(
            [
                (FlowEventKind.DeploymentQueued, "2", T0.AddHours(2.5), (string?)null),
                (FlowEventKind.DeploymentStarted, "2", T0.AddHours(2.6), null),
                (FlowEventKind.DeploymentFinished, "2", T0.AddHours(2.6), "success"),
            ],
            deployments.Select(e => (e.Kind, e.SubjectId, e.OccurredAt, e.Result)).OrderBy(e => e.OccurredAt).ThenBy(e => e.Kind).ToList());
        Assert.All(deployments, e => Assert.Equal(("production", GitHubEventSource.FallbackRelease, merges[1]), (e.Environment, e.Fallback, e.Sha)));

        // v1.1.0 delivers the two merges since v1.0.0; the pre-release and the draft deliver nothing.
        var includes = read.Events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes && e.Sha is not null).Select(e => e.Sha!).ToHashSet();
        Assert.Contains(merges[0], includes);
        Assert.Contains(merges[1], includes);
        Assert.DoesNotContain(merges[2], includes);
        Assert.Equal(v11.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(deployments.Select(e => e.SubjectId).Distinct()));
    }

    [Fact]
    public async Task A_repository_with_deployments_never_reads_releases()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("base"), T0.AddDays(-10));
        repo.Deploy("production", Sha("base"), T0.AddDays(-5), T0.AddDays(-5).AddMinutes(1), T0.AddDays(-5).AddMinutes(9)); // long before the window
        Release(repo, 1, "v1.0.0", Sha("base"), T0.AddHours(1), T0.AddHours(1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], GitHubSourceHost.GraphQl(NoRuns), new FakeTimeProvider(T0.AddDays(1)));

        var read = await host.ReadAsync(Repo, Since);

        Assert.DoesNotContain(read.Events, e => e.Fallback is not null);
        Assert.Equal(0, github.GraphQlRequestsByOperation.GetValueOrDefault(Releases));
    }

    [Fact]
    public async Task With_the_fallback_off_releases_are_not_read()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        repo.Push(Sha("base"), T0.AddDays(-10));
        Release(repo, 1, "v1.0.0", Sha("base"), T0.AddHours(1), T0.AddHours(1));
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(
            github, [Repo], GitHubSourceHost.GraphQl(new Dictionary<string, string?>(NoRuns) { ["Sources:GitHub:DeploymentFallback"] = "None" }), new FakeTimeProvider(T0.AddDays(1)));

        var read = await host.ReadAsync(Repo, Since);

        Assert.DoesNotContain(read.Events, e => e.Kind == FlowEventKind.DeploymentFinished);
        Assert.Equal(0, github.GraphQlRequestsByOperation.GetValueOrDefault(Releases));
    }

    private static SimulatedRelease Release(SimulatedRepository repo, long id, string tag, string sha, DateTimeOffset created, DateTimeOffset? published)
    {
        var release = new SimulatedRelease(repo, id, tag, sha, created) { PublishedAt = published };
        repo.Releases.Add(release);
        return release;
    }

    private static string Sha(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..40];
}
