using FlowCollector.Testing.Simulation.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Hand-built organisations the reading and failure tests share. Times are offsets from <see cref="T0"/>.</summary>
internal static class AdoScenarios
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static readonly SimulatedAdoIdentity Alice = SimulatedAdoIdentity.Person("alice@contoso.com");
    public static readonly SimulatedAdoIdentity Bob = SimulatedAdoIdentity.Person("bob@contoso.com");
    public static readonly SimulatedAdoIdentity Carol = SimulatedAdoIdentity.Person("carol@contoso.com");

    /// <summary>
    /// Pull request 1 of Web/checkout, opened as a draft by Alice at T0 and published at +30 min; Bob asks for a test
    /// (+2 h, Alice replies a minute later), waits for the author (-5, +2 h 05), Alice pushes (+3 h), Bob approves (+4 h),
    /// Carol approves with suggestions (+4 h 30), Alice approves her own change (+4 h 40), the build service comments
    /// (+1 h); completed at +5 h. Linked user story 7001 created T0 − 3 days, activated T0 − 2 days.
    /// </summary>
    public static SimulatedAdoPullRequest ReviewRounds(SimulatedAdoRepository repository)
    {
        var pr = repository.OpenPullRequest(Alice, T0, draft: true)
            .Commit(T0.AddHours(-2))
            .Commit(T0.AddHours(-1))
            .Publish(T0.AddMinutes(30))
            .AddReviewer(Bob, T0.AddMinutes(31))
            .Comment(SimulatedAdoIdentity.BuildService("contoso"), T0.AddHours(1), "Coverage 81%")
            .Comment(Bob, T0.AddHours(2), "Please add a test.", replies: 1)
            .Vote(Bob, -5, T0.AddHours(2).AddMinutes(5))
            .Commit(T0.AddHours(3))
            .Vote(Bob, 10, T0.AddHours(4))
            .Vote(Carol, 5, T0.AddHours(4).AddMinutes(30))
            .Vote(Alice, 10, T0.AddHours(4).AddMinutes(40))
            .LinkWorkItem(7001, T0.AddDays(-3), T0.AddDays(-2));
        pr.Complete(T0.AddHours(5));
        return pr;
    }

    /// <summary>
    /// Run of <paramref name="sha"/> queued at <paramref name="queued"/>: agent after 3 min, Build 5 min, Deploy_staging
    /// (record in staging) 4 min, then Deploy_production waits 2 h at an approval checkpoint and deploys 6 min (record in
    /// production) — or is skipped when <paramref name="skipProduction"/>.
    /// </summary>
    public static SimulatedAdoBuild MultiStageRun(SimulatedAdoProject project, SimulatedAdoRepository repository, string sha, DateTimeOffset queued, bool skipProduction = false)
    {
        var started = queued.AddMinutes(3);
        var built = started.AddMinutes(5);
        var staged = built.AddMinutes(4);
        var build = project.QueueBuild(repository, "checkout-cd", sha, queued)
            .Start(started)
            .Stage("Build", started, built)
            .Stage("Deploy_staging", built, staged)
            .Deploy(project.Environment("staging"), "Deploy_staging", built, built.AddSeconds(20), staged);
        if (skipProduction)
        {
            return build.Stage("Deploy_production", staged, null, "skipped").Finish(staged.AddSeconds(2), "succeeded");
        }

        var approved = staged.AddHours(2);
        var deployed = approved.AddMinutes(6);
        return build
            .Stage("Deploy_production", staged, deployed, approval: (staged, approved, "succeeded"))
            .Deploy(project.Environment("production"), "Deploy_production", staged, approved.AddSeconds(5), deployed)
            .Finish(deployed.AddSeconds(2));
    }
}
