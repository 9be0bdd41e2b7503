using CsCheck;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Issue 14's property: on delivery data without clock skew — every deployment starts after the change's CI went green,
/// production after staging delivered it — no span is clamped, whatever runs beside CI: a GitHub Deploy workflow that
/// starts before, during or after CI and runs until production (or fails, or waits for its approval), re-run CI, or an
/// Azure DevOps multi-stage run whose deploying stages follow its Build stage. Minutes after Monday 09:00; merged at 120.
/// </summary>
public sealed class DeliveryWithoutSkewPropertyTests
{
    private static readonly ValueStreamDefinition Stream = ValueStreamDefinition.Default(["staging", "production"]);

    /// <summary>The times of one delivery, all offsets in minutes (see <see cref="Events"/>).</summary>
    private sealed record Delivery(bool Yaml, int Queue, int Ci, bool Rerun, int RerunGap, int RerunCi, int DeployRunStart, int StagingDelay, int StagingTook, int Approval, int ProductionTook, int Production)
    {
        public override string ToString() =>
            $"yaml={Yaml} queue={Queue} ci={Ci} rerun={Rerun}/{RerunGap}/{RerunCi} deployRun={DeployRunStart} staging=+{StagingDelay}/{StagingTook} approval={Approval} production={ProductionTook}/{Production}";
    }

    private static readonly Gen<Delivery> DeliveryGen =
        Gen.Select(Gen.Bool, Gen.Int[0, 30], Gen.Int[0, 60], Gen.Bool, Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[1, 300])
            .SelectMany(a => Gen.Select(Gen.Int[0, 60], Gen.Int[0, 30], Gen.Int[0, 600], Gen.Int[0, 30], Gen.Int[0, 2], (sd, st, ap, pt, p) =>
                new Delivery(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, sd, st, ap, pt, p)));

    [Fact]
    public void No_span_is_clamped_when_nothing_deploys_before_ci_went_green()
    {
        DeliveryGen.Sample(
            d =>
            {
                var timeline = TimelineOf42(Flow(Events(d), Stream))!;

                Assert.DoesNotContain(timeline.Spans, s => s.Clamped);
                Assert.Contains(timeline.Spans, s => s.Stage.Name == "ci");
                Assert.Contains(timeline.Spans, s => s.Stage.Name == "deploy:staging");
            },
            iter: 2000);
    }

    /// <summary>
    /// CI green at G; staging deploys G + delay for its duration; production is queued when staging finished, starts
    /// after the approval, and succeeds (2), fails (1) or still waits (0). GitHub: CI run r1 (maybe re-run) and a Deploy
    /// run r2 starting anywhere after the merge that performs both deployments; Azure DevOps: one run r1 with Build,
    /// then Deploy_Staging and Deploy_Prod stages.
    /// </summary>
    private static FlowEvent[] Events(Delivery d)
    {
        var events = new List<FlowEvent> { Commit(0, "c1"), Opened(60), Approved(90, "bob"), Merged(120) };
        var ciStart = 121 + d.Queue;
        var green = ciStart + d.Ci;
        if (d.Yaml)
        {
            events.AddRange([RunQueued(121, "r1", pipeline: "web"), RunStarted(ciStart, "r1", pipeline: "web"), .. Stage("Build", ciStart, green, deploys: false)]);
        }
        else
        {
            events.AddRange([RunQueued(121, "r1", pipeline: "CI"), RunStarted(ciStart, "r1", pipeline: "CI")]);
            if (d.Rerun)
            {
                events.Add(RunFinished(green, "failure", "r1", pipeline: "CI"));
                var again = green + d.RerunGap;
                green = again + d.RerunCi;
                events.AddRange([RunStarted(again, "r1", 2, "CI"), RunFinished(green, "success", "r1", 2, "CI")]);
            }
            else
            {
                events.Add(RunFinished(green, "success", "r1", pipeline: "CI"));
            }

            events.Add(RunStarted(120 + d.DeployRunStart, "r2", pipeline: "Deploy"));
        }

        var stagingStart = green + d.StagingDelay;
        var stagingEnd = stagingStart + d.StagingTook;
        var productionStart = stagingEnd + d.Approval;
        var productionEnd = productionStart + d.ProductionTook;
        var deployments = new List<FlowEvent>(Deploy("d1", "staging", started: stagingStart, finished: stagingEnd, includes: ["m1"]));
        deployments.AddRange(d.Production == 0
            ? Deploy("d2", "production", queued: stagingEnd, started: null, finished: null, includes: ["m1"])
            : Deploy("d2", "production", queued: stagingEnd, started: productionStart, finished: productionEnd, result: d.Production == 2 ? "success" : "failure", includes: ["m1"]));
        var runEnd = Math.Max(d.Production == 0 ? stagingEnd : productionEnd, 120 + d.DeployRunStart) + 1;
        if (d.Yaml)
        {
            events.AddRange(Stage("Deploy_Staging", green, stagingEnd, deploys: true));
            events.AddRange(Stage("Deploy_Prod", stagingEnd, d.Production == 0 ? null : productionEnd, deploys: true));
            events.AddRange(deployments);
        }
        else
        {
            events.AddRange(deployments.Select(e => e with { RunId = "r2" }));
        }

        if (d.Production != 0)
        {
            events.Add(RunFinished(runEnd, d.Production == 2 ? "success" : "failure", d.Yaml ? "r1" : "r2", pipeline: d.Yaml ? "web" : "Deploy"));
        }

        return [.. events];
    }

    private static FlowEvent[] Stage(string stage, int started, int? finished, bool deploys)
    {
        var start = RunStarted(started, "r1", pipeline: "web") with { Kind = FlowEventKind.StageStarted, Stage = stage, Deploys = deploys };
        return finished is { } f ? [start, start with { Kind = FlowEventKind.StageFinished, OccurredAt = Monday9.AddMinutes(f), Result = "success" }] : [start];
    }
}
