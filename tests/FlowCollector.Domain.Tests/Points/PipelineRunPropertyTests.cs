using CsCheck;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>
/// Invariants of the <c>pipeline_run</c> points over random runs with random stages, jobs and checkpoints (overlapping,
/// unfinished, outside the run, skewed): process + wait = run time, nothing negative, only schema tag keys, and the
/// same points whatever the order of the events or a replay of the runs from state.
/// </summary>
public sealed class PipelineRunPropertyTests
{
    private static readonly Gen<int> Minute = Gen.Int[0, 300];

    private static readonly Gen<FlowEvent> RunEventGen = Gen.Select(Gen.Int[1, 2], Gen.Int[1, 2], Gen.Int[0, 2], Minute, (run, attempt, kind, m) => kind switch
    {
        0 => RunQueued(m, $"r{run}", attempt),
        1 => RunStarted(m, $"r{run}", attempt),
        _ => RunFinished(m, m % 3 == 0 ? "failure" : "success", $"r{run}", attempt),
    });

    private static readonly Gen<FlowEvent> StageEventGen = Gen.Select(Gen.Int[1, 2], Gen.Int[1, 2], Gen.OneOf("deploy", "deploy/approval", "deploy/check", "build/job/Linux"), Gen.Bool, Minute, (run, attempt, stage, finished, m) =>
        RunStarted(m, $"r{run}", attempt) with
        {
            Kind = finished ? FlowEventKind.StageFinished : FlowEventKind.StageStarted,
            Stage = stage,
            StageKind = stage.EndsWith("approval", StringComparison.Ordinal) || stage.EndsWith("check", StringComparison.Ordinal) ? StageKind.Wait : StageKind.Process,
            Result = finished ? "success" : null,
        });

    private static readonly Gen<FlowEvent[]> EventsGen = Gen.Frequency((1, RunEventGen), (2, StageEventGen)).Array[1, 40];

    [Fact]
    public void Process_plus_wait_is_the_run_time_and_points_keep_to_the_schema()
    {
        EventsGen.Sample(
            events =>
            {
                foreach (var point in Flow(events).FinishedRuns().SelectMany(PipelineRunPoints.From))
                {
                    Assert.All(point.Tags, tag => Assert.Contains(tag.Key, FlowSchema.Tags.Allowed));
                    Assert.All(point.Fields.Where(f => f.Key.EndsWith("seconds", StringComparison.Ordinal)), f => Assert.True(f.Value.AsFloat >= 0, $"{f.Key} = {f.Value}"));
                    if (point.Field(FlowSchema.Fields.WaitSeconds) is { } wait)
                    {
                        var run = point.Field(FlowSchema.Fields.RunSeconds)!.Value.AsFloat;
                        Assert.Equal(run, point.Field(FlowSchema.Fields.ProcessSeconds)!.Value.AsFloat + wait.AsFloat, 6);
                        Assert.True(wait.AsFloat <= run);
                    }
                }
            },
            iter: 2000,
            print: Print);
    }

    [Fact]
    public void Any_order_duplicates_and_a_replay_from_state_give_the_same_points()
    {
        Gen.Select(EventsGen, Gen.Int.Array[40]).Sample(
            (events, keys) =>
            {
                var shuffled = events.Concat(events.Take(3)).Select((e, i) => (e, k: keys[i % keys.Length])).OrderBy(x => x.k).Select(x => x.e).ToList();
                var expected = Points(Flow(events));

                Assert.Equal(expected, Points(Flow(shuffled)));
                Assert.Equal(expected, Points(Flow(Flow(events).FinishedRuns().SelectMany(r => r.ToEvents()))));
            },
            iter: 1000,
            print: p => Print(p.Item1));
    }

    private static List<string> Points(RepositoryFlow flow) =>
        [.. flow.FinishedRuns().SelectMany(PipelineRunPoints.From).Select(p => string.Join(",", p.Fields.Select(f => $"{f.Key}={f.Value}")) + " " + p.TimestampNanoseconds)];

    private static RepositoryFlow Flow(IEnumerable<FlowEvent> events)
    {
        var flow = new RepositoryFlow(Repository, ValueStreamDefinition.Default());
        flow.Apply(events);
        return flow;
    }

    private static string Print(FlowEvent[] events) =>
        string.Join(Environment.NewLine, events.Select(e => $"{e.Kind} {e.SubjectId}#{e.Attempt} {e.Stage} {e.StageKind} {(e.OccurredAt - Monday9).TotalMinutes} {e.Result}"));
}
