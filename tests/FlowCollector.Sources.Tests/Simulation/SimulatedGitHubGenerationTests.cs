using System.Diagnostics;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.Simulation;

/// <summary>The generated organisation is deterministic, varied, consistent and large when asked.</summary>
public sealed class SimulatedGitHubGenerationTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_seed_gives_the_same_world_and_another_seed_another()
    {
        var a = Fingerprint(SimulatedGitHub.Generate(42, 3, 50, Start));
        var b = Fingerprint(SimulatedGitHub.Generate(42, 3, 50, Start));
        var c = Fingerprint(SimulatedGitHub.Generate(43, 3, 50, Start));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void The_mix_holds_every_storyline_and_side_case()
    {
        var world = SimulatedGitHub.Generate(1, 4, 250, Start, new GitHubGenerationOptions { Organisations = 2 });
        var scenarios = world.Repositories.SelectMany(r => r.PullRequests).Select(p => p.Scenario!).ToList();

        foreach (var expected in new[]
        {
            "no-review-merge", "closed-unmerged", "open", "approved-then-commits", "review-rounds", "reviewed-merge", "bot-no-review-merge",
            "bot-approved-merge", "draft", "draft-again", "bot-review", "self-review", "pending-review", "configured-bot-review", "dismissed-review", "other-branch",
        })
        {
            Assert.True(scenarios.Exists(s => s.Split('+').Contains(expected)), $"no pull request with '{expected}'");
        }

        Assert.Equal(["contoso", "fabrikam"], world.Organisations);
        Assert.Equal(["contoso/web", "fabrikam/web", "contoso/api", "fabrikam/api"], world.Repositories.Select(r => r.FullName));
        Assert.Contains(world.Repositories.SelectMany(r => r.PullRequests), p => p.Reviews.Any(r => r.Reviewer.IsBot));
    }

    [Fact]
    public void Every_pull_request_is_internally_consistent()
    {
        var world = SimulatedGitHub.Generate(5, 2, 300, Start);

        Assert.All(world.Repositories.SelectMany(r => r.PullRequests), pr =>
        {
            Assert.All(pr.Commits, c => Assert.True(c.AuthoredAt <= c.CommittedAt && c.CommittedAt <= pr.UpdatedAt, $"{pr}: commit times"));
            Assert.All(pr.Reviews.Where(r => r.SubmittedAt is not null), r => Assert.True(r.SubmittedAt > pr.CreatedAt, $"{pr}: review before opening"));
            Assert.All(pr.TimelineEvents, e => Assert.True(e.At >= pr.CreatedAt, $"{pr}: timeline before opening"));
            Assert.True(pr.ClosedAt is null || pr.ClosedAt >= pr.CreatedAt, $"{pr}: closed before opening");
            Assert.True(!pr.IsMerged || pr.MergeCommitSha is { Length: 40 }, $"{pr}: merge sha");
            Assert.Equal(0, pr.UpdatedAt.Ticks % TimeSpan.TicksPerSecond);
            Assert.True(pr.Commits.Count > 0, $"{pr}: no commits");
        });
    }

    [Fact]
    public void Nothing_happens_after_now()
    {
        var now = Start.AddDays(10);

        var world = SimulatedGitHub.Generate(9, 2, 200, Start, new GitHubGenerationOptions { Now = now });
        var pullRequests = world.Repositories.SelectMany(r => r.PullRequests).ToList();

        Assert.All(pullRequests, pr => Assert.True(pr.UpdatedAt <= now, $"{pr} updated after now"));
        Assert.InRange(pullRequests.Count, 140, 170); // about 10 days of a pull request every 3 hours, per repository
        Assert.Contains(pullRequests, pr => pr.ClosedAt is null && pr.Scenario!.StartsWith("reviewed-merge", StringComparison.Ordinal)); // cut short: still open
    }

    [Fact]
    public void Scales_to_thousands_of_pull_requests()
    {
        var clock = Stopwatch.StartNew();

        var world = SimulatedGitHub.Generate(3, 10, 1000, Start);

        Assert.Equal(10_000, world.PullRequestCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    private static List<string> Fingerprint(SimulatedGitHub world) =>
        world.Repositories.SelectMany(r => r.PullRequests).Select(p =>
            $"{p} {p.Author.Login} {p.CreatedAt:O} {p.UpdatedAt:O} {p.MergeCommitSha} {p.Scenario} {string.Join(',', p.Commits.Select(c => c.Sha[..7]))} {string.Join(',', p.Reviews.Select(r => r.Reviewer.Login + r.State))}").ToList();
}
