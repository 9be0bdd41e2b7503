using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// The deployment fold: each case is applied in both arrival orders and twice; the facts must depend on the
/// reports only.
/// </summary>
public sealed class DeploymentFactsTests
{
    public static TheoryData<string, FlowEvent, FlowEvent, string> Reports => new()
    {
        {
            "two final statuses: the earliest is the end, a later one (inactive, a re-run) never moves it",
            Deploy("d1", "production", null, 160, result: "success")[0],
            Deploy("d1", "production", null, 200, result: "inactive")[0],
            "finished=160 result=success"
        },
        {
            "two final statuses at the same instant: the ordinally first result, not the first to arrive",
            Deploy("d1", "production", null, 160, result: "success")[0],
            Deploy("d1", "production", null, 160, result: "failure")[0],
            "finished=160 result=failure"
        },
        {
            "two in_progress statuses: the first is the start",
            Deploy("d1", "production", 150, null)[0],
            Deploy("d1", "production", 155, null)[0],
            "started=150"
        },
        {
            "the comparison of any report: the highest wins, so a rollback stays a rollback",
            Deploy("d1", "production", null, 160, comparison: DeploymentComparison.Ahead)[0],
            Deploy("d1", "production", null, 160, comparison: DeploymentComparison.Behind)[0],
            "comparison=Behind"
        },
        {
            "reports that disagree on the environment: the ordinally first name",
            Deploy("d1", "staging", 150, null)[0],
            Deploy("d1", "production", null, 160)[0],
            "environment=production"
        },
        {
            "an includes event adds to the change set and never becomes the deployed SHA",
            Includes("d1", "c1"),
            Deploy("d1", "production", null, 160, sha: "m1")[0],
            "sha=m1 includes=c1"
        },
        {
            "an includes event's link (the commit's page) never becomes the deployment's link",
            Includes("d1", "c1") with { Url = "https://github.com/contoso/web/commit/c1" },
            Deploy("d1", "production", null, 160)[0],
            "url=https://github.com/contoso/web/deployments/d1 "
        },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void Deployment_facts_do_not_depend_on_arrival_order_or_duplicates(string scenario, FlowEvent first, FlowEvent second, string expected)
    {
        var inOrder = Describe(Fold(first, second));
        var reversedTwice = Describe(Fold(second, first, second, first));

        Assert.True(inOrder.Contains(expected, StringComparison.Ordinal), $"{scenario}: expected {expected} in {inOrder}");
        Assert.Equal(inOrder, reversedTwice);
    }

    [Fact]
    public void Facts_rebuilt_from_their_events_are_the_same_and_fold_on_like_the_originals()
    {
        FlowEvent[] events = [.. Deploy("d1", "production", queued: 140, started: 150, finished: 160, result: "failure", includes: ["c1", "m1", "x9"], comparison: DeploymentComparison.Diverged)];
        FlowEvent[] later = [.. Deploy("d1", "production", queued: 138, started: 151, finished: 160, result: "error", sha: "a0", includes: ["c2"])];
        var original = Fold(events);

        var rebuilt = Fold([.. original.ToEvents()]);
        var rebuiltThenMore = Fold([.. original.ToEvents(), .. later]);

        Assert.Equal(Describe(original), Describe(rebuilt));
        Assert.Equal(Describe(Fold([.. events, .. later])), Describe(rebuiltThenMore));
    }

    [Fact]
    public void A_persisted_deployment_can_keep_only_the_shas_a_change_needs()
    {
        var original = Fold(Deploy("d1", "production", started: 150, finished: 160, includes: ["c1", "m1", "x9"]));

        var kept = Fold([.. original.ToEvents(sha => sha == "m1")]);

        Assert.Equal(["m1"], kept.IncludedShas);
        Assert.Equal(original.Finished, kept.Finished);
    }

    private static DeploymentFacts Fold(params FlowEvent[] events)
    {
        var facts = new DeploymentFacts(Repository, "d1");
        foreach (var e in events)
        {
            facts.Apply(e);
        }

        return facts;
    }

    private static string Describe(DeploymentFacts d) =>
        $"environment={d.Environment} queued={(d.Queued - Monday9)?.TotalMinutes} started={(d.Started - Monday9)?.TotalMinutes} "
        + $"finished={(d.Finished - Monday9)?.TotalMinutes} result={d.Result} comparison={d.Comparison} url={d.Url} "
        + $"sha={d.Sha} includes={string.Join(",", d.IncludedShas.Order(StringComparer.Ordinal))}";
}
