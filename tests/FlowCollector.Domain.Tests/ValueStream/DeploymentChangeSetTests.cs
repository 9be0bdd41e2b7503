using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Change sets of deployments their source could not compare (docs/metrics.md, "Deployments"): the first deployment seen
/// in an environment carries every tracked change merged up to the one it deployed, after its baseline — the last
/// successful deployment there that finished before it started. Hand-worked: changes 41, 42, 43 merge at minutes 10, 20,
/// 30 and 44 at 50 (merge SHAs m41 … m44); times are minutes after Monday 09:00.
/// </summary>
public sealed class DeploymentChangeSetTests
{
    private static readonly ValueStreamDefinition ProductionOnly = ValueStreamDefinition.Default(["production"]);

    private static readonly FlowEvent[] Changes =
    [
        .. OfChange("41", "m41", Opened(0), Merged(10)),
        .. OfChange("42", "m42", Opened(0), Merged(20)),
        .. OfChange("43", "m43", Opened(0), Merged(30)),
        .. OfChange("44", "m44", Opened(0), Merged(50)),
    ];

    // Each row: the deployments (all uncompared unless said) → the changes each finished deployment carries, and when each
    // change arrived (minutes; "-" not yet).
    public static TheoryData<string, FlowEvent[], string, string> Cases => new()
    {
        {
            "the first deployment ever carries every tracked change merged up to the one it deployed, not a later one",
            [.. Deploy("d1", "production", started: 40, finished: 45, sha: "m43", includes: ["m43"])],
            "d1:41,42,43",
            "41@45 42@45 43@45 44@-"
        },
        {
            "a deployed SHA no tracked change holds cannot be placed on the trunk: nothing more",
            [.. Deploy("d1", "production", started: 40, finished: 45, sha: "x1", includes: ["x1"])],
            "d1:",
            "41@- 42@- 43@- 44@-"
        },
        {
            "a failed first attempt is no baseline: the next success carries everything up to its own SHA",
            [
                .. Deploy("d1", "production", started: 40, finished: 42, result: "failure", sha: "m42", includes: ["m42"]),
                .. Deploy("d2", "production", started: 44, finished: 46, sha: "m43", includes: ["m43"]),
            ],
            "d1:41,42 d2:41,42,43",
            "41@46 42@46 43@46 44@-"
        },
        {
            "the baseline finished before this one started: only what merged after the baseline's change",
            [
                .. Deploy("d1", "production", started: 35, finished: 38, sha: "m42", includes: ["m42"]),
                .. Deploy("d2", "production", started: 40, finished: 45, sha: "m43", includes: ["m43"]),
            ],
            "d1:41,42 d2:43",
            "41@38 42@38 43@45 44@-"
        },
        {
            "overlapping: d2 started before d1 finished, so d1 is not its baseline and d2 (first to finish) delivers 41 and 42",
            [
                .. Deploy("d1", "production", started: 40, finished: 60, sha: "m42", includes: ["m42"]),
                .. Deploy("d2", "production", started: 45, finished: 55, sha: "m43", includes: ["m43"]),
            ],
            "d2:41,42,43 d1:41,42",
            "41@55 42@55 43@55 44@-"
        },
        {
            "overlapping with an earlier finished one: d0 is d2's baseline, d1 (still running when d2 started) is not",
            [
                .. Deploy("d0", "production", started: 12, finished: 15, sha: "m41", includes: ["m41"]),
                .. Deploy("d1", "production", started: 25, finished: 60, sha: "m42", includes: ["m42"]),
                .. Deploy("d2", "production", started: 40, finished: 45, sha: "m43", includes: ["m43"]),
            ],
            "d0:41 d2:42,43 d1:42",
            "41@15 42@45 43@45 44@-"
        },
        {
            "a direct push (p25, pushed at 25) between 42 and 43 travels with the first deployment of m43, one pushed after it does not",
            [
                .. OfChange("p25", "p25", Commit(22, "p25"), Pushed(25)),
                .. OfChange("p35", "p35", Commit(33, "p35"), Pushed(35)),
                .. Deploy("d1", "production", started: 40, finished: 45, sha: "m43", includes: ["m43"]),
            ],
            "d1:41,42,43,p25",
            "41@45 42@45 43@45 44@- p25@45 p35@-"
        },
        {
            "a compared deployment keeps its source's change set",
            [.. Deploy("d1", "production", started: 40, finished: 45, sha: "m43", includes: ["m43"], comparison: DeploymentComparison.Ahead)],
            "d1:43",
            "41@- 42@- 43@45 44@-"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_uncompared_deployment_carries_the_tracked_changes_reachable_from_its_SHA(string scenario, FlowEvent[] deployments, string carried, string arrivals)
    {
        var flow = Flow([.. Changes, .. deployments]);

        Assert.True(carried == Carried(flow), $"{scenario}: {Carried(flow)}");
        Assert.True(arrivals == Arrivals(flow), $"{scenario}: {Arrivals(flow)}");
    }

    [Fact]
    public void Inferred_change_sets_are_kept_with_the_pending_changes_after_the_change_that_placed_them_is_gone()
    {
        // Run 1: d1 (staging first, uncompared) deployed m43; 41–43 wait for production. Run 2 replays only 41's events.
        var stream = ValueStreamDefinition.Default(["staging", "production"]);
        var first = Flow([.. Changes, .. Deploy("d1", "staging", started: 40, finished: 45, sha: "m43", includes: ["m43"])], stream);
        var pending41 = first.PendingChanges(Monday9).Single(p => p.ChangeId == "41");

        var second = Flow(pending41.Events, stream);

        var timeline = Assert.Single(second.MergedTimelines());
        Assert.Equal(Monday9.AddMinutes(45), timeline.Deployed["staging"]);
    }

    [Fact]
    public void The_inference_does_not_depend_on_the_order_events_arrive_in()
    {
        FlowEvent[] events =
        [
            .. Changes,
            .. Deploy("d0", "production", started: 12, finished: 15, sha: "m41", includes: ["m41"]),
            .. Deploy("d1", "production", started: 25, finished: 60, sha: "m42", includes: ["m42"]),
            .. Deploy("d2", "production", started: 40, finished: 45, sha: "m43", includes: ["m43"]),
        ];
        var inOrder = Flow(events);
        var reversed = new RepositoryFlow(Repository, ProductionOnly);
        foreach (var e in events.Reverse())
        {
            reversed.Apply(e);
            _ = reversed.MergedTimelines(); // infer after every event: later events must replace what was inferred
        }

        Assert.Equal(Carried(inOrder), Carried(reversed));
        Assert.Equal(Arrivals(inOrder), Arrivals(reversed));
    }

    private static RepositoryFlow Flow(IEnumerable<FlowEvent> events, ValueStreamDefinition? stream = null)
    {
        var flow = new RepositoryFlow(Repository, stream ?? ProductionOnly);
        flow.Apply(events);
        return flow;
    }

    private static string Carried(RepositoryFlow flow) =>
        string.Join(' ', flow.FinishedDeployments().Select(d => $"{d.Deployment.DeploymentId}:{string.Join(',', d.ChangeIds.Order(StringComparer.Ordinal))}"));

    private static string Arrivals(RepositoryFlow flow) =>
        string.Join(' ', flow.MergedTimelines().Select(t => $"{t.Change.ChangeId}@{(t.Arrived is { } a ? (a - Monday9).TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}"));
}
