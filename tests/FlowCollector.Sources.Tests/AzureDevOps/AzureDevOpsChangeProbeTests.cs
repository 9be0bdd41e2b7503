using FlowCollector.Domain.Ports;
using FlowCollector.Testing.Simulation.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>The change probe: a few list requests per idle poll, whatever the number of active pull requests, and a change wherever a read would see one.</summary>
public sealed class AzureDevOpsChangeProbeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static (SimulatedAzureDevOps Model, SimulatedAdoProject Project, SimulatedAdoRepository Repository, List<SimulatedAdoPullRequest> Active) Project(int active)
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var done = checkout.OpenPullRequest(SimulatedAdoIdentity.Person("alice@contoso.com"), T0.AddDays(-2)).Commit(T0.AddDays(-2).AddMinutes(-30));
        var sha = done.Complete(T0.AddDays(-1));
        web.QueueBuild(checkout, "checkout-ci", sha, T0.AddDays(-1).AddMinutes(1)).Start(T0.AddDays(-1).AddMinutes(2)).Finish(T0.AddDays(-1).AddMinutes(9));
        var open = Enumerable.Range(0, active)
            .Select(i => checkout.OpenPullRequest(SimulatedAdoIdentity.Person($"dev{i}@contoso.com"), T0.AddHours(-i - 1)).Commit(T0.AddHours(-i - 2)))
            .ToList();
        return (model, web, checkout, open);
    }

    private static Task<ChangeProbeResult> Probe(AzureDevOpsSourceHost host, string? validators) =>
        ((IChangeProbe)host.Source).ProbeAsync(AzureDevOpsSourceHost.Repo("Web/checkout"), validators, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    public async Task An_unchanged_repository_costs_six_requests_whatever_its_number_of_active_pull_requests(int active)
    {
        var (model, _, _, _) = Project(active);
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);
        var first = await Probe(host, null);
        ado.ResetCounts();

        var again = await Probe(host, first.Validators);

        Assert.False(first.Unchanged);
        Assert.True(again.Unchanged);
        Assert.Equal(first.Validators, again.Validators);
        Assert.Equal((6, 6), (again.Usage.Requests, ado.RequestCount));
        Assert.Empty(ado.ContractViolations);
    }

    public static TheoryData<string> Changes => ["vote", "push to a pull request", "new pull request", "pull request completed", "build finished", "build started", "direct push"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Whatever_a_read_would_see_changes_the_validators(string change)
    {
        var (model, web, checkout, active) = Project(3);
        var running = web.QueueBuild(checkout, "checkout-ci", checkout.Trunk[^1].Sha, T0.AddMinutes(-5));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);
        var before = await Probe(host, null);

        switch (change)
        {
            case "vote": active[1].Vote(SimulatedAdoIdentity.Person("bob@contoso.com"), 10, T0.AddMinutes(1)); break;
            case "push to a pull request": active[2].Commit(T0.AddMinutes(1)); break;
            case "new pull request": checkout.OpenPullRequest(SimulatedAdoIdentity.Person("carol@contoso.com"), T0.AddMinutes(1)); break;
            case "pull request completed": active[0].Complete(T0.AddMinutes(1)); break;
            case "build finished": running.Start(T0.AddMinutes(-4)).Finish(T0.AddMinutes(1)); break;
            case "direct push": checkout.Push(T0.AddMinutes(1)); break;
            default: running.Start(T0.AddMinutes(1)); break;
        }

        var after = await Probe(host, before.Validators);

        Assert.False(after.Unchanged, change);
        Assert.NotEqual(before.Validators, after.Validators);
    }
}
