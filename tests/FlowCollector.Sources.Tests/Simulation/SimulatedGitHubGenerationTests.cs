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
    public void Delivers_merges_deterministically_through_ci_staging_and_production_up_to_now()
    {
        var now = Start.AddDays(20);
        static List<string> Delivery(SimulatedGitHub world) => world.Repositories.SelectMany(r =>
            r.WorkflowRuns.Select(x => $"{r} run {x.HeadSha[..7]} {x.CreatedAt:O} {x.StartedAt:O} {x.UpdatedAt:O} {x.Status} {x.Conclusion} {x.Attempt}")
                .Concat(r.Deployments.Select(d => $"{r} deploy {d.Environment} {d.Sha[..7]} {d.CreatedAt:O} {string.Join(',', d.Statuses.Select(s => s.State + s.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)))}"))).ToList();

        var world = SimulatedGitHub.Generate(5, 2, 200, Start, new GitHubGenerationOptions { Now = now });
        var again = SimulatedGitHub.Generate(5, 2, 200, Start, new GitHubGenerationOptions { Now = now });
        var withoutDelivery = SimulatedGitHub.Generate(5, 2, 200, Start, new GitHubGenerationOptions { Now = now, WorkflowRuns = false, Deployments = false });

        Assert.Equal(Delivery(world), Delivery(again));
        Assert.Equal(Fingerprint(withoutDelivery), Fingerprint(world)); // delivery never changes the pull requests of a seed
        Assert.Empty(Delivery(withoutDelivery));
        foreach (var repo in world.Repositories)
        {
            var merges = repo.PullRequests.Where(p => p.IsMerged && p.BaseBranch == repo.DefaultBranch).Select(p => p.MergeCommitSha!).ToList();
            Assert.Equal(merges.Order(StringComparer.Ordinal), repo.Trunk.Select(c => c.Sha).Order(StringComparer.Ordinal));
            Assert.Equal(merges.Order(StringComparer.Ordinal), repo.WorkflowRuns.Select(r => r.HeadSha).Order(StringComparer.Ordinal)); // one run per merge
            Assert.All(repo.WorkflowRuns, r => Assert.True(r.CreatedAt <= now && r.UpdatedAt <= now, $"run on {r.HeadSha} after now"));
            Assert.All(repo.Deployments, d => Assert.True(d.CreatedAt <= now && d.UpdatedAt <= now, $"deployment {d.Id} after now"));
            Assert.Equal(["production", "staging"], repo.Deployments.Select(d => d.Environment).Distinct().Order());

            // Production only ever gets a SHA that staging deployed successfully before.
            Assert.All(repo.Deployments.Where(d => d.Environment == "production"), p => Assert.Contains(repo.Deployments, s =>
                s.Environment == "staging" && s.Sha == p.Sha && s.CreatedAt < p.CreatedAt && s.Statuses.Any(x => x.State == "success")));
        }

        var all = world.Repositories.SelectMany(r => r.Deployments).ToList();
        Assert.Contains(all, d => d.Statuses.Any(s => s.State == "failure"));
        Assert.Contains(world.Repositories.SelectMany(r => r.WorkflowRuns), r => r.Attempt == 2);
    }

    [Fact]
    public void Scales_to_thousands_of_pull_requests()
    {
        // How fast it generates is the benchmarks' business (bench/, "github"): a wall-clock bound here failed on a
        // loaded CI machine (14.9 s) without anything being wrong. What must hold at scale is the shape.
        var world = SimulatedGitHub.Generate(3, 10, 1000, Start);

        Assert.Equal(10_000, world.PullRequestCount);
        Assert.All(world.Repositories, r => Assert.Equal(1000, r.PullRequests.Count));
        Assert.Equal(10_000, world.Repositories.SelectMany(r => r.PullRequests).Select(p => (p.Repository.FullName, p.Number)).Distinct().Count());
    }

    private static List<string> Fingerprint(SimulatedGitHub world) =>
        world.Repositories.SelectMany(r => r.PullRequests).Select(p =>
            $"{p} {p.Author.Login} {p.CreatedAt:O} {p.UpdatedAt:O} {p.MergeCommitSha} {p.Scenario} {string.Join(',', p.Commits.Select(c => c.Sha[..7]))} {string.Join(',', p.Reviews.Select(r => r.Reviewer.Login + r.State))}").ToList();
}
