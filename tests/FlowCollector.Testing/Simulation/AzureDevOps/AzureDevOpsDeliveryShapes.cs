namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// The multi-stage YAML shapes of issue 14 on one Azure DevOps repository, each change a day after the previous one, with
/// the stages a person works out by hand from the model (environments <c>staging</c> → <c>production</c>). Every change:
/// first commit at minute 0, opened at 60, approved by bob at 90, completed at 120 — coding 3600, pickup 1800, review 0,
/// merge 1800 s. Its run of pipeline <c>web-cd</c> is queued at 121 and starts at 122: Build 122–140, Deploy_Staging from
/// 141 (its deployment job, recorded in staging, runs 150–160), then Deploy_Prod waits at an approval from 161.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><b>whole run succeeded</b>: approved at 229, production deploys 230–240, the run finishes at 241.</item>
/// <item><b>production failed</b>: approved at 229, production's job fails at 240, so does the run (241). CI still passed.</item>
/// <item><b>waiting for the production approval</b>: the run is in progress, so Azure DevOps lists none of its records
/// yet; its Deploy_Staging stage finished, and run 1's records say that stage deploys to staging.</item>
/// </list>
/// </remarks>
public static class AzureDevOpsDeliveryShapes
{
    public const string Pipeline = "web-cd";

    // Declared first: static fields initialise in order, and Expected spreads it.
    private static readonly (string, double)[] UpToStaging =
        [("coding", 3600), ("pickup", 1800), ("review", 0), ("merge", 1800), ("ci_queue", 120), ("ci", 1080), ("release_wait", 600), ("deploy:staging", 600)];

    /// <summary>The hand-worked stages (name, seconds) per pull request id (1, 2, 3 in the order added).</summary>
    public static IReadOnlyList<(string Stage, double Seconds)[]> Expected { get; } =
    [
        [.. UpToStaging, ("promotion_wait:production", 4200), ("deploy:production", 600)],
        [.. UpToStaging, ("promotion_wait:production", 4200)],
        UpToStaging,
    ];

    private static readonly SimulatedAdoIdentity Alice = SimulatedAdoIdentity.Person("alice@contoso.com");
    private static readonly SimulatedAdoIdentity Bob = SimulatedAdoIdentity.Person("bob@contoso.com");

    /// <summary>Adds the three changes and their runs; returns the pull request ids in order.</summary>
    public static IReadOnlyList<int> Add(SimulatedAdoProject project, SimulatedAdoRepository repository, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(repository);
        var ids = new List<int>();
        foreach (var (n, production) in new[] { (0, "succeeded"), (1, "failed"), (2, "waiting") })
        {
            var day = start.AddDays(n);
            DateTimeOffset M(double minutes) => day.AddMinutes(minutes);
            var pr = repository.OpenPullRequest(Alice, M(60)).Commit(M(0)).Vote(Bob, 10, M(90));
            ids.Add(pr.Id);
            var sha = pr.Complete(M(120));
            var run = project.QueueBuild(repository, Pipeline, sha, M(121))
                .Start(M(122))
                .Stage("Build", M(122), M(140))
                .Stage("Deploy_Staging", M(141), M(160), jobStartedAt: M(150))
                .Deploy(project.Environment("staging"), "Deploy_Staging", M(141), M(150), M(160));
            if (production == "waiting")
            {
                run.Stage("Deploy_Prod", M(161), null, approval: (M(161), null, "succeeded"));
                continue;
            }

            run.Stage("Deploy_Prod", M(161), M(240), production, approval: (M(161), M(229), "succeeded"), jobStartedAt: M(230))
                .Deploy(project.Environment("production"), "Deploy_Prod", M(161), M(230), M(240), production)
                .Finish(M(241), production);
        }

        return ids;
    }
}
