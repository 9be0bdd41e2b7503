namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// Fills a <see cref="SimulatedAzureDevOps"/> with storylines. Every choice comes from one seeded <see cref="Random"/>
/// in a fixed order (and one per repository for pipelines), so a seed always yields the same world.
/// </summary>
internal sealed class SimulatedAzureDevOpsGenerator
{
    private static readonly string[] ProjectNames = ["Web Platform", "Payments", "Mobile", "Data", "Identity", "Logistics", "Marketing", "Support"];
    private static readonly string[] RepositoryNames =
        ["checkout", "catalog", "orders", "billing", "search", "gateway", "accounts", "inventory", "shipping", "reports", "notifications", "pricing"];

    private static readonly string[] People =
        ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil"];

    private static readonly string[] Scenarios =
        ["straight", "straight", "draft", "review-rounds", "review-rounds", "two-approvers", "rejected-abandoned", "self-vote", "bot-comment", "work-item"];

    private readonly SimulatedAzureDevOps model;
    private readonly AzureDevOpsGenerationOptions options;
    private readonly Random random;
    private readonly int seed;
    private int nextWorkItem = 1000;

    public SimulatedAzureDevOpsGenerator(SimulatedAzureDevOps model, int seed, AzureDevOpsGenerationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.AverageGap, TimeSpan.Zero);
        this.model = model;
        this.options = options;
        this.seed = seed;
#pragma warning disable CA5394 // Test data, not security: a seeded, reproducible generator is the point.
        random = new Random(seed);
#pragma warning restore CA5394
    }

    public void Generate(int projects, int reposPerProject, int prsPerRepo, DateTimeOffset start)
    {
        for (var p = 0; p < projects; p++)
        {
            var project = model.AddProject(p < ProjectNames.Length ? ProjectNames[p] : $"Project {p:D2}");
            for (var r = 0; r < reposPerProject; r++)
            {
                var repository = project.AddRepository(r < RepositoryNames.Length ? RepositoryNames[r] : $"service-{r:D3}", Chance(0.85) ? "main" : "master");
                var gap = (long)options.AverageGap.TotalSeconds;
                for (var i = 0; i < prsPerRepo; i++)
                {
                    var opened = start.AddSeconds((i * gap) + random.NextInt64(0, Math.Max(1, gap)));
                    if (options.Now is { } now && opened > now)
                    {
                        break;
                    }

                    PullRequest(repository, opened);
                }

                if (options.Pipelines)
                {
#pragma warning disable CA5394 // Test data, not security.
                    var delivery = new Random(seed ^ BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("delivery:" + repository.Id)), 0));
#pragma warning restore CA5394
                    Pipelines(repository, delivery);
                }
            }
        }
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private SimulatedAdoIdentity Person(Random random, SimulatedAdoIdentity? not = null)
    {
        while (true)
        {
            var person = SimulatedAdoIdentity.Person($"{People[random.Next(People.Length)]}@{options.Organization}.com");
            if (not is null || person.Id != not.Id)
            {
                return person;
            }
        }
    }

    private bool Happened(DateTimeOffset at) => options.Now is not { } now || at <= now;

    private void PullRequest(SimulatedAdoRepository repository, DateTimeOffset opened)
    {
        var scenario = Scenarios[random.Next(Scenarios.Length)];
        var author = Person(random);
        var reviewer = Person(random, author);
        var draft = scenario == "draft";
        var pr = repository.OpenPullRequest(author, opened, draft);
        pr.Scenario = scenario;
        var t = opened;
        var commits = 1 + random.Next(3);
        for (var c = 0; c < commits; c++)
        {
            pr.Commit(opened.AddMinutes(-60 * (commits - c)) .AddMinutes(-random.Next(600)));
        }

        void At(double minutes, Action<DateTimeOffset> action)
        {
            t = t.AddMinutes(minutes);
            if (Happened(t))
            {
                action(t);
            }
        }

        if (scenario == "work-item")
        {
            var created = opened.AddDays(-1 - random.Next(10));
            pr.LinkWorkItem(++nextWorkItem, created, created.AddHours(2 + random.Next(48)));
        }

        if (draft)
        {
            At(30 + random.Next(600), at => pr.Publish(at));
        }

        At(1, at => pr.AddReviewer(reviewer, at));
        var pickup = 5 + random.Next(480);
        switch (scenario)
        {
            case "review-rounds":
                At(pickup, at => pr.Comment(reviewer, at, "Please add a test.", replies: 1));
                At(2, at => pr.Vote(reviewer, -5, at));
                At(30 + random.Next(240), at => pr.Commit(at));
                At(20 + random.Next(120), at => pr.Vote(reviewer, 10, at));
                break;
            case "two-approvers":
                var second = Person(random, author);
                At(pickup, at => pr.Vote(reviewer, 5, at));
                At(10 + random.Next(120), at => pr.Vote(second, 10, at));
                break;
            case "rejected-abandoned":
                At(pickup, at => pr.Vote(reviewer, -10, at));
                At(60 + random.Next(600), at => pr.Abandon(at));
                return;
            case "self-vote":
                At(1, at => pr.Vote(author, 10, at));
                At(pickup, at => pr.Vote(reviewer, 10, at));
                break;
            case "bot-comment":
                At(2, at => pr.Comment(SimulatedAdoIdentity.BuildService(options.Organization), at, "Code coverage: 81%"));
                At(1, at => pr.Comment(SimulatedAdoIdentity.Person(options.ConfiguredBotName), at, "Lint: 2 warnings"));
                At(pickup, at => pr.Vote(reviewer, 10, at));
                break;
            default:
                At(pickup, at => pr.Vote(reviewer, 10, at));
                break;
        }

        At(5 + random.Next(240), at => pr.Complete(at));
    }

    /// <summary>
    /// One multi-stage run per trunk commit: Build, Deploy_staging (environment <c>staging</c>), then Deploy_production
    /// (environment <c>production</c>) behind an approval. Failures and skips along the way, as teams see them.
    /// </summary>
    private void Pipelines(SimulatedAdoRepository repository, Random random)
    {
        var project = repository.Project;
        var staging = project.Environment("staging");
        var production = project.Environment("production");
        var pipeline = repository.Name + "-cd";
        foreach (var commit in repository.Trunk)
        {
            var queued = commit.At.AddSeconds(5 + random.Next(90));
            if (!Happened(queued))
            {
                continue;
            }

            var build = project.QueueBuild(repository, pipeline, commit.Sha, queued);
            var started = queued.AddSeconds(10 + random.Next(random.NextDouble() < 0.1 ? 1800 : 240)); // agent wait
            if (!Happened(started))
            {
                continue;
            }

            build.Start(started);
            var buildDone = started.AddMinutes(3 + random.Next(12));
            var buildFails = random.NextDouble() < 0.08;
            if (!Happened(buildDone))
            {
                build.Stage("Build", started, null);
                continue;
            }

            build.Stage("Build", started, buildDone, buildFails ? "failed" : "succeeded");
            if (buildFails)
            {
                build.Stage("Deploy_staging", buildDone, null, "skipped").Stage("Deploy_production", buildDone, null, "skipped").Finish(buildDone.AddSeconds(2), "failed");
                continue;
            }

            var stagingQueued = buildDone.AddSeconds(2);
            var stagingStart = stagingQueued.AddSeconds(5 + random.Next(120));
            var stagingDone = stagingStart.AddMinutes(2 + random.Next(8));
            if (!Happened(stagingDone))
            {
                build.Stage("Deploy_staging", stagingQueued, null);
                continue;
            }

            // The deployment job is the stage's job: the timeline and the environment's record agree on when it started.
            build.Stage("Deploy_staging", stagingQueued, stagingDone, jobStartedAt: stagingStart).Deploy(staging, "Deploy_staging", stagingQueued, stagingStart, stagingDone);
            var approvalStart = stagingDone.AddSeconds(3);
            var approvalDone = approvalStart.AddMinutes(10 + random.Next(8 * 60));
            var roll = random.NextDouble();
            if (!Happened(approvalDone))
            {
                build.Stage("Deploy_production", approvalStart, null, approval: (approvalStart, null, ""));
                continue; // waiting for approval: the run stays in progress, its records stay hidden
            }

            if (roll < 0.1)
            {
                // Rejected approval: the stage fails without a job, nothing deployed.
                // A timeline record's result is a TaskResult (build.json: succeeded … abandoned): a rejected approval fails.
                build.Stage("Deploy_production", approvalStart, approvalDone, "failed", approval: (approvalStart, approvalDone, "failed")).Finish(approvalDone.AddSeconds(1), "failed");
                continue;
            }

            if (roll < 0.18)
            {
                // Superseded by a newer run before anyone approved: skipped, no deployment.
                build.Stage("Deploy_production", approvalStart, null, "skipped").Finish(approvalStart.AddSeconds(1), "partiallySucceeded");
                continue;
            }

            var prodStart = approvalDone.AddSeconds(5);
            var prodDone = prodStart.AddMinutes(3 + random.Next(10));
            var prodResult = roll < 0.24 ? "failed" : roll < 0.27 ? "canceled" : "succeeded";
            build.Stage("Deploy_production", approvalStart, prodDone, prodResult, approval: (approvalStart, approvalDone, "succeeded"))
                .Deploy(production, "Deploy_production", approvalStart, prodStart, prodDone, prodResult)
                .Finish(prodDone.AddSeconds(2), prodResult == "succeeded" ? "succeeded" : prodResult == "canceled" ? "canceled" : "failed");
        }
    }
}
