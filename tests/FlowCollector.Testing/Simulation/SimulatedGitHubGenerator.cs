using System.Globalization;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// Fills a <see cref="SimulatedGitHub"/> with storylines of pull requests. Every choice comes from one seeded
/// <see cref="Random"/> in a fixed order, so a seed always yields the same world.
/// </summary>
internal sealed class SimulatedGitHubGenerator
{
    private static readonly string[] Owners = ["contoso", "fabrikam", "northwind", "adatum", "tailspin", "woodgrove", "litware", "proseware"];
    private static readonly string[] RepositoryNames =
        ["web", "api", "billing", "search", "mobile", "payments", "identity", "catalog", "orders", "shipping", "inventory", "notifications", "gateway", "reports", "analytics", "checkout"];

    private static readonly string[] People =
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin"];

    private static readonly string[] BotAuthors = ["dependabot[bot]", "renovate[bot]"];
    private static readonly string[] BotReviewers = ["copilot-pull-request-reviewer[bot]", "sonarcloud[bot]"];
    private static readonly string[] OtherBranches = ["develop", "release/2.x"];

    private readonly SimulatedGitHub github;
    private readonly GitHubGenerationOptions options;
    private readonly Random random;
    private readonly int seed;

    public SimulatedGitHubGenerator(SimulatedGitHub github, int seed, GitHubGenerationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Organisations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.AverageGap, TimeSpan.Zero);
        this.github = github;
        this.options = options;
        this.seed = seed;
#pragma warning disable CA5394 // Test data, not security: a seeded, reproducible generator is the point.
        random = new Random(seed);
#pragma warning restore CA5394
    }

    public void Generate(int repositories, int pullRequestsPerRepository, DateTimeOffset start)
    {
        for (var r = 0; r < repositories; r++)
        {
            var ownerIndex = r % options.Organisations;
            var owner = ownerIndex < Owners.Length ? Owners[ownerIndex] : $"org-{ownerIndex:D2}";
            var index = r / options.Organisations;
            var name = index < RepositoryNames.Length ? RepositoryNames[index] : $"service-{index:D3}";
            var repository = github.AddRepository($"{owner}/{name}", Chance(0.8) ? "main" : "master", isPrivate: Chance(0.5));

            var gapSeconds = (long)options.AverageGap.TotalSeconds;
            for (var i = 0; i < pullRequestsPerRepository; i++)
            {
                var created = start.AddSeconds((i * gapSeconds) + random.NextInt64(0, Math.Max(1, gapSeconds)));
                if (options.Now is { } now && created > now)
                {
                    break; // later openings are in the future too
                }

                PullRequest(repository, created);
            }

            // A random of its own per repository, so adding delivery never changes the pull requests of a seed.
#pragma warning disable CA5394 // Test data, not security.
            var delivery = new Random(seed ^ (int)SimulatedIds.StableNumber("delivery:" + repository.FullName));
#pragma warning restore CA5394
            if (options.WorkflowRuns)
            {
                Runs(repository, delivery);
            }

            if (options.Deployments)
            {
                Deployments(repository, delivery);
            }

            if (options.PullRequestBranchRuns > 0)
            {
                PullRequestBranchRuns(repository);
            }
        }
    }

    /// <summary>A <c>build</c> run per commit on each pull request's branch (at most the option's count), from a random of their own.</summary>
    private void PullRequestBranchRuns(SimulatedRepository repository)
    {
#pragma warning disable CA5394 // Test data, not security.
        var random = new Random(seed ^ (int)SimulatedIds.StableNumber("branch-runs:" + repository.FullName));
        foreach (var pr in repository.PullRequests)
        {
            foreach (var commit in pr.Commits.Take(options.PullRequestBranchRuns))
            {
                var created = commit.CommittedAt + Seconds(random, 5, 120);
                var started = created + Seconds(random, 5, 300);
                var finished = started + Seconds(random, 180, 900);
                if (options.Now is { } now && finished > now)
                {
                    continue;
                }

                repository.Run("build", commit.Sha, created, started, finished, random.NextDouble() < 0.15 ? "failure" : "success", branch: pr.HeadBranch);
            }
        }
#pragma warning restore CA5394
    }

    /// <summary>A <c>build</c> run on each merge commit of the trunk; one in ten failed once and shows its green re-run (attempt 2).</summary>
    private void Runs(SimulatedRepository repository, Random random)
    {
        foreach (var commit in repository.Trunk)
        {
            var created = commit.At + Seconds(random, 5, 120);
            var rerun = random.NextDouble() < 0.1;
            var firstStarted = created + Seconds(random, 5, 300);
            var started = firstStarted;
            if (rerun)
            {
                started += Seconds(random, 600, 3600); // the failed first attempt and the decision to re-run
            }

            var finished = started + Seconds(random, 180, 900);
            var cancelled = !rerun && random.NextDouble() < 0.03;
            if (options.Now is { } now && created > now)
            {
                continue;
            }

            DateTimeOffset? Until(DateTimeOffset at) => options.Now is { } n && at > n ? null : at;
            if (!rerun)
            {
                repository.Run("build", commit.Sha, created, Until(started), Until(finished), cancelled ? "cancelled" : "success");
                continue;
            }

            // The first attempt failed half-way to the re-run; GitHub lists only the re-run, the attempt stays readable.
            var run = repository.Run("build", commit.Sha, created, Until(firstStarted), Until(firstStarted + ((started - firstStarted) / 2)), "failure");
            if (Until(started) is not null)
            {
                repository.Rerun(run, started, Until(finished));
            }
        }
    }

    /// <summary>Batch deployments of the trunk head: staging, then production; failures, redeploys and rollbacks now and then.</summary>
    private void Deployments(SimulatedRepository repository, Random random)
    {
        var trunk = repository.Trunk;
        if (trunk.Count == 0)
        {
            return;
        }

        var now = options.Now ?? DateTimeOffset.MaxValue;
        var interval = options.DeploymentInterval;
        string? lastProduction = null;
        string? previousProduction = null;
        for (var at = trunk[0].At + interval; at <= trunk[^1].At + interval && at <= now; at += interval)
        {
            var head = trunk.LastOrDefault(c => c.At <= at - TimeSpan.FromMinutes(30)); // its CI had time to finish
            if (head is null)
            {
                continue;
            }

            var run = options.DeployWorkflow && at.AddMinutes(-1) <= now
                ? repository.Run("Deploy", head.Sha, at.AddMinutes(-1), at.AddSeconds(-30) <= now ? at.AddSeconds(-30) : null, finishedAt: null)
                : null;
            var (stagingOk, stagingEnd) = Deployment(repository, random, "staging", head.Sha, at, failureRate: 0.1, now, run);
            if (!stagingOk || head.Sha == lastProduction)
            {
                FinishDeployRun(repository, run, stagingEnd, stagingOk, now);
                continue;
            }

            var promoted = stagingEnd + Seconds(random, 1800, 6 * 3600);
            var (productionOk, productionEnd) = Deployment(repository, random, "production", head.Sha, promoted, failureRate: 0.08, now, run);
            FinishDeployRun(repository, run, productionEnd, productionOk, now);
            if (!productionOk)
            {
                continue;
            }

            previousProduction = lastProduction;
            lastProduction = head.Sha;
            var roll = random.NextDouble();
            if (roll < 0.05)
            {
                Deployment(repository, random, "production", head.Sha, productionEnd + Seconds(random, 600, 3600), failureRate: 0, now); // redeploy
            }
            else if (roll < 0.08 && previousProduction is not null)
            {
                Deployment(repository, random, "production", previousProduction, productionEnd + Seconds(random, 600, 3600), failureRate: 0, now); // rollback
                lastProduction = previousProduction;
            }
        }
    }

    /// <summary>The Deploy workflow run ends half a minute after its last deployment, failed if that failed.</summary>
    private static void FinishDeployRun(SimulatedRepository repository, SimulatedWorkflowRun? run, DateTimeOffset lastDeployment, bool succeeded, DateTimeOffset now)
    {
        if (run is not null && run.StartedAt is not null && lastDeployment.AddSeconds(30) <= now)
        {
            repository.FinishRun(run, lastDeployment.AddSeconds(30), succeeded ? "success" : "failure");
        }
    }

    private static (bool Succeeded, DateTimeOffset Finished) Deployment(
        SimulatedRepository repository, Random random, string environment, string sha, DateTimeOffset created, double failureRate, DateTimeOffset now, SimulatedWorkflowRun? run = null)
    {
        var started = created + Seconds(random, 5, 300);
        var finished = started + Seconds(random, 120, 1200);
        var failed = random.NextDouble() < failureRate;
        if (created > now)
        {
            return (false, finished);
        }

        repository.Deploy(environment, sha, created, started <= now ? started : null, finished <= now ? finished : null, failed ? "failure" : "success", run);
        return (!failed && finished <= now, finished);
    }

    private static TimeSpan Seconds(Random random, int min, int max) => TimeSpan.FromSeconds(random.Next(min, max + 1));

    private void PullRequest(SimulatedRepository repository, DateTimeOffset created)
    {
        var byBot = Chance(0.08);
        var author = byBot ? Pick(BotAuthors) : Pick(People);
        var reviewers = People.Where(p => p != author).ToArray();
        var reviewer = Pick(reviewers);
        var secondReviewer = Pick(reviewers.Where(p => p != reviewer).ToArray());
        var draft = !byBot && Chance(0.25);
        var otherBranch = Chance(0.04) ? Pick(OtherBranches) : null;
        var tags = new List<string>();
        var plan = new Plan();

        var commitCount = byBot ? 1 : random.Next(1, 6);
        var firstCommit = created - Minutes(5, 2 * 1440);
        for (var c = 0; c < commitCount; c++)
        {
            var at = firstCommit + ((created - firstCommit) * c / commitCount);
            plan.Add(at, pr => pr.Commit(at));
        }

        // t: when the pull request is ready for review.
        var t = created;
        if (draft)
        {
            tags.Add("draft");
            var ready = t = created + Minutes(20, 1440);
            plan.Add(ready, pr => pr.MarkReadyForReview(ready));
            if (Chance(0.15))
            {
                tags.Add("draft-again");
                var back = ready + Minutes(10, 240);
                var again = t = back + Minutes(30, 1440);
                plan.Add(back, pr => pr.ConvertToDraft(back));
                plan.Add(again, pr => pr.MarkReadyForReview(again));
            }
        }

        var (scenario, end) = byBot ? BotStory(plan, t, reviewer) : HumanStory(plan, t, author, reviewer, secondReviewer);
        if (!byBot)
        {
            Extras(plan, tags, t, end, scenario, author, secondReviewer);
        }

        if (otherBranch is not null)
        {
            tags.Add("other-branch");
        }

        var now = options.Now;
        if (now is { } n && created > n)
        {
            return;
        }

        // About 7 % of people's pull requests are unplanned fixes (hotfix branch, hotfix label, revert), chosen by a hash
        // of the opening second, not by the random stream, so adding them left every other generated fact unchanged.
        var rework = byBot ? null : ReworkStyle(created);
        var pullRequest = repository.OpenPullRequest(author, created, draft, otherBranch, title: rework == "revert" ? "Revert \"Earlier change\"" : null);
        switch (rework)
        {
            case "hotfix-branch":
                pullRequest.FromBranch($"hotfix/{author}-{pullRequest.Number.ToString(CultureInfo.InvariantCulture)}");
                break;
            case "hotfix-label":
                pullRequest.Label("hotfix", created);
                break;
            case "revert":
                pullRequest.FromBranch($"revert-{pullRequest.Number.ToString(CultureInfo.InvariantCulture)}-{author}/change");
                break;
            default:
                break;
        }

        pullRequest.Scenario = string.Join('+', [scenario, .. tags, .. rework is null ? Array.Empty<string>() : [rework]]);
        plan.Apply(pullRequest, now);
    }

    private static string? ReworkStyle(DateTimeOffset created) => ((ulong)created.ToUnixTimeSeconds() * 2654435761UL % 100) switch
    {
        < 3 => "hotfix-branch",
        < 5 => "hotfix-label",
        < 7 => "revert",
        _ => null,
    };

    private (string Scenario, DateTimeOffset? End) BotStory(Plan plan, DateTimeOffset t, string reviewer)
    {
        if (Chance(0.6))
        {
            var merged = t + Minutes(5, 360);
            plan.Add(merged, pr => pr.Merge(merged));
            return ("bot-no-review-merge", merged);
        }

        var approved = t + Minutes(30, 1440);
        var merge = approved + Minutes(1, 120);
        plan.Add(approved, pr => pr.Review(reviewer, SimulatedReviewState.Approved, approved));
        plan.Add(merge, pr => pr.Merge(merge, mergedBy: reviewer));
        return ("bot-approved-merge", merge);
    }

    private (string Scenario, DateTimeOffset? End) HumanStory(Plan plan, DateTimeOffset t, string author, string reviewer, string secondReviewer)
    {
        var roll = random.NextDouble();
        if (roll < 0.10)
        {
            var merged = t + Minutes(5, 360);
            plan.Add(merged, pr => pr.Merge(merged));
            return ("no-review-merge", merged);
        }

        var requested = t + Minutes(0, 5);
        plan.Add(requested, pr => pr.RequestReview(reviewer, requested));
        if (roll < 0.17)
        {
            var last = requested;
            if (Chance(0.5))
            {
                var rejected = last = requested + Minutes(30, 1440);
                plan.Add(rejected, pr => pr.Review(reviewer, SimulatedReviewState.ChangesRequested, rejected));
            }

            var closed = last + Minutes(60, 5 * 1440);
            plan.Add(closed, pr => pr.Close(closed));
            return ("closed-unmerged", closed);
        }

        if (roll < 0.23)
        {
            if (Chance(0.5))
            {
                var commented = requested + Minutes(30, 1440);
                plan.Add(commented, pr => pr.Review(reviewer, SimulatedReviewState.Commented, commented));
            }

            return ("open", null);
        }

        if (roll < 0.33)
        {
            var approved = requested + Minutes(15, 1440);
            plan.Add(approved, pr => pr.Review(reviewer, SimulatedReviewState.Approved, approved));
            var last = MoreCommits(plan, approved, author);
            if (Chance(0.5))
            {
                var again = last = last + Minutes(10, 600);
                plan.Add(again, pr => pr.Review(reviewer, SimulatedReviewState.Approved, again));
            }

            var merged = last + Minutes(5, 600);
            plan.Add(merged, pr => pr.Merge(merged, mergedBy: reviewer));
            return ("approved-then-commits", merged);
        }

        if (roll < 0.55)
        {
            var at = requested;
            var rounds = random.Next(2, 4);
            for (var round = 1; round < rounds; round++)
            {
                var reviewed = at + Minutes(15, 1440);
                var verdict = Chance(0.7) ? SimulatedReviewState.ChangesRequested : SimulatedReviewState.Commented;
                plan.Add(reviewed, pr => pr.Review(reviewer, verdict, reviewed));
                at = MoreCommits(plan, reviewed, author);
            }

            var approved = at + Minutes(15, 1440);
            var merged = approved + Minutes(5, 1440);
            plan.Add(approved, pr => pr.Review(reviewer, SimulatedReviewState.Approved, approved));
            plan.Add(merged, pr => pr.Merge(merged, mergedBy: reviewer));
            return ("review-rounds", merged);
        }

        var approval = requested + Minutes(15, 2 * 1440);
        plan.Add(approval, pr => pr.Review(reviewer, SimulatedReviewState.Approved, approval));
        var end = approval;
        if (Chance(0.3))
        {
            var second = end = approval + Minutes(5, 600);
            plan.Add(second, pr => pr.Review(secondReviewer, SimulatedReviewState.Approved, second));
        }

        var merge = end + Minutes(5, 1440);
        plan.Add(merge, pr => pr.Merge(merge, mergedBy: reviewer));
        return ("reviewed-merge", merge);
    }

    /// <summary>Side events that test the counting rules: bot reviews, self-reviews, pending and dismissed reviews, a configured bot.</summary>
    private void Extras(Plan plan, List<string> tags, DateTimeOffset t, DateTimeOffset? end, string scenario, string author, string secondReviewer)
    {
        var window = (end ?? t.AddDays(2)) - t;
        DateTimeOffset Within() => t + (window * (0.05 + (0.4 * random.NextDouble())));

        if (Chance(0.15))
        {
            tags.Add("bot-review");
            var at = t + Minutes(1, 4);
            var bot = Pick(BotReviewers);
            plan.Add(at, pr => pr.Review(bot, SimulatedReviewState.Commented, at));
        }

        if (Chance(0.03))
        {
            tags.Add("self-review");
            var at = Within();
            plan.Add(at, pr => pr.Review(author, SimulatedReviewState.Commented, at));
        }

        if (Chance(0.03))
        {
            tags.Add("pending-review");
            plan.Add(t, pr => pr.PendingReview(secondReviewer));
        }

        if (Chance(0.03))
        {
            tags.Add("configured-bot-review");
            var at = Within();
            var login = options.ConfiguredBotLogin;
            plan.Add(at, pr => pr.Review(login, SimulatedReviewState.Commented, at, reviewerIsBot: false));
        }

        if (scenario != "no-review-merge" && Chance(0.02))
        {
            tags.Add("dismissed-review");
            var at = Within();
            plan.Add(at, pr => pr.Review(secondReviewer, SimulatedReviewState.Dismissed, at));
        }
    }

    /// <summary>One to two commits after <paramref name="after"/>, pushed a little later; returns the push time.</summary>
    private DateTimeOffset MoreCommits(Plan plan, DateTimeOffset after, string author)
    {
        var at = after;
        var count = random.Next(1, 3);
        for (var i = 0; i < count; i++)
        {
            var authored = at = at + Minutes(30, 1440);
            var pushed = authored + Minutes(1, 120);
            at = pushed;
            plan.Add(pushed, pr => pr.Commit(authored, author: author, committedAt: pushed));
        }

        return at;
    }

    private bool Chance(double probability) => random.NextDouble() < probability;

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];

    private TimeSpan Minutes(int min, int max) => TimeSpan.FromSeconds(random.Next(min * 60, (max * 60) + 1));

    /// <summary>What happens to one pull request, applied in time order up to "now".</summary>
    private sealed class Plan
    {
        private readonly List<(DateTimeOffset At, int Order, Action<SimulatedPullRequest> Step)> steps = [];

        public void Add(DateTimeOffset at, Action<SimulatedPullRequest> step) => steps.Add((at, steps.Count, step));

        public void Apply(SimulatedPullRequest pullRequest, DateTimeOffset? now)
        {
            foreach (var (at, _, step) in steps.OrderBy(s => s.At).ThenBy(s => s.Order))
            {
                if (now is { } n && at > n)
                {
                    break;
                }

                step(pullRequest);
            }
        }
    }
}
