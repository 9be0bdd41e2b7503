using System.Globalization;
using System.Text;
using CsCheck;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Invariants of the stage calculator over random changes: random times within ten hours, random subsets of
/// event kinds, reviewers that include the author and bots, several runs and attempts, skew included (times
/// are drawn independently, so ends before starts are common).
/// </summary>
public sealed class StageCalculatorPropertyTests
{
    // Enough to hit skew, ties and every stage combination many times; the project still runs in about a second.
    private const long Iterations = 3000;

    private static readonly ValueStreamDefinition Stream = ValueStreamDefinition.Default(["staging", "production"]);

    private static readonly Gen<int> Minute = Gen.Int[0, 600];

    private static readonly Gen<FlowEvent> CommitGen =
        Gen.Select(Minute, Gen.Int[1, 4], (m, i) => Commit(m, $"c{i}") with { Url = $"https://github.com/contoso/web/commit/c{i}" });

    private static readonly Gen<FlowEvent> OpenedGen =
        Gen.Select(Minute, Gen.Bool, (m, draft) => draft ? OpenedAsDraft(m) : Opened(m));

    private static readonly Gen<FlowEvent> ReadyGen = Minute.Select(m => Ready(m));

    private static readonly Gen<FlowEvent> ReviewGen = Gen.Select(
        Minute,
        Gen.OneOf(Author, "Alice", "bob", "carol", "dependabot[bot]", "helper", "release-robot"),
        Gen.OneOf(ReviewState.Approved, ReviewState.ChangesRequested, ReviewState.Commented, ReviewState.Dismissed),
        Gen.Int[0, 3],
        (m, reviewer, state, comment) => (comment == 0
            ? Comment(m, reviewer)
            : Review(m, reviewer, state, flaggedBot: reviewer == "helper")) with { Url = $"https://github.com/contoso/web/pull/42#review-{m}" });

    private static readonly Gen<FlowEvent> EndGen = Gen.Select(Minute, Gen.Int[0, 4], (m, end) => end switch
    {
        0 => Merged(m),
        1 => Merged(m) with { Sha = null }, // some systems report the merge before its commit is known
        2 => Closed(m),
        3 => Pushed(m) with { Url = "https://github.com/contoso/web/commit/m1" },
        _ => Merged(m) with { Sha = "m2" },
    });

    private static readonly Gen<FlowEvent> WorkItemGen =
        Gen.Select(Gen.Int[-300, 600], Gen.Bool, (m, created) => created ? WorkItemCreated(m) : WorkItemActivated(m));

    private static readonly Gen<FlowEvent> RunGen = Gen.Select(Gen.Int[1, 3], Gen.Int[1, 2], Gen.Int[0, 2], Minute, Gen.Bool, (run, attempt, kind, m, ok) =>
    {
        var id = $"r{run}";
        var pipeline = run == 2 ? "lint" : "build"; // r1 and r3 are two runs of one pipeline
        return kind switch
        {
            0 => RunQueued(m, id, attempt, pipeline),
            1 => RunStarted(m, id, attempt, pipeline),
            _ => RunFinished(m, ok ? "success" : "failure", id, attempt, pipeline),
        };
    });

    private static readonly Gen<Scenario> ScenarioGen = Gen.Select(
        CommitGen.Array[0, 4],
        OpenedGen.Array[0, 2],
        ReadyGen.Array[0, 2],
        ReviewGen.Array[0, 6],
        EndGen.Array[0, 2],
        WorkItemGen.Array[0, 2],
        RunGen.Array[0, 8],
        Gen.Bool,
        (commits, opened, ready, reviews, ends, workItems, runs, commentsEndPickup) => new Scenario(
            [.. commits, .. opened, .. ready, .. reviews, .. ends, .. workItems, .. runs],
            new ReviewCounting(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "release-robot" }, commentsEndPickup)));

    /// <summary>A scenario and the same events shuffled, with a random subset of them delivered twice.</summary>
    private static readonly Gen<(Scenario Scenario, FlowEvent[] Redelivered)> RedeliveredGen = ScenarioGen.SelectMany(s =>
        Gen.Bool.Array[s.Events.Length].SelectMany(twice =>
            Gen.Shuffle(s.Events.Concat(s.Events.Where((_, i) => twice[i])).ToArray()).Select(redelivered => (s, redelivered))));

    [Fact]
    public void Spans_tile_the_change_without_gaps_overlaps_or_negative_durations()
    {
        ScenarioGen.Sample(
            s =>
            {
                var timeline = Compute(s.Events, s.Counting, Stream);

                var previousEnd = timeline.Start;
                foreach (var span in timeline.Spans)
                {
                    Assert.Equal(previousEnd, span.Start);
                    Assert.True(span.Duration >= TimeSpan.Zero, $"{span.Stage.Name} lasts {span.Duration}");
                    Assert.False(span.Clamped && span.Duration != TimeSpan.Zero, $"{span.Stage.Name} is clamped but lasts {span.Duration}");
                    previousEnd = span.End;
                }

                Assert.Equal(timeline.FlowTime, timeline.ProcessTime + timeline.WaitTime);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void Spans_follow_the_configured_order_each_stage_at_most_once_and_no_deployment_stage_yet()
    {
        var order = Stream.Stages.Select((stage, index) => (stage, index)).ToDictionary(p => p.stage, p => p.index);
        ScenarioGen.Sample(
            s =>
            {
                var positions = Compute(s.Events, s.Counting, Stream).Spans.Select(span => order[span.Stage]).ToList();

                Assert.Equal(positions.Order(), positions);
                Assert.Equal(positions.Count, positions.Distinct().Count());
                Assert.DoesNotContain(positions, p => Stream.Stages[p].Rule is StageRule.ReleaseWait or StageRule.Deploy or StageRule.PromotionWait);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void Shuffled_and_duplicated_events_give_the_identical_timeline_and_points()
    {
        RedeliveredGen.Sample(
            (s, redelivered) =>
            {
                var once = Describe(Compute(s.Events, s.Counting, Stream));
                var again = Describe(Compute(redelivered, s.Counting, Stream));

                Assert.Equal(once, again);
            },
            iter: Iterations,
            print: p => Print(p.Item1) + Environment.NewLine + "redelivered as:" + Environment.NewLine + Print(p.Item2));
    }

    [Fact]
    public void Computing_twice_from_the_same_facts_gives_the_same_result()
    {
        ScenarioGen.Sample(
            s =>
            {
                var (change, runs) = Fold(s.Events);

                var first = Describe(StageCalculator.Compute(change, runs, Stream, s.Counting));
                var second = Describe(StageCalculator.Compute(change, runs, Stream, s.Counting));

                Assert.Equal(first, second);
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void Change_stage_points_carry_only_schema_tag_keys_and_one_point_per_span()
    {
        ScenarioGen.Sample(
            s =>
            {
                var timeline = Compute(s.Events, s.Counting, Stream);

                var points = ChangeStagePoints.From(timeline).ToList();

                Assert.Equal(timeline.Spans.Count, points.Count);
                foreach (var point in points)
                {
                    Assert.All(point.Tags, tag => Assert.Contains(tag.Key, FlowSchema.Tags.Allowed));
                    Assert.True(point.Field(FlowSchema.Fields.Seconds)!.Value.Number >= 0, "negative seconds field");
                }
            },
            iter: Iterations,
            print: Print);
    }

    /// <summary>Everything a timeline writes or reports, as text: facts that reach points, totals, spans, and the points themselves.</summary>
    private static string Describe(ChangeTimeline timeline)
    {
        var c = timeline.Change;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"facts: author={c.Author} url={c.Url} direct={c.IsDirect} draft={c.OpenedAsDraft} merge_sha={c.MergeSha} commits={c.CommitCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"start={timeline.Start:O} process={timeline.ProcessTime} wait={timeline.WaitTime} flow={timeline.FlowTime}");
        foreach (var span in timeline.Spans)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"span {span.Stage.Name} {span.Start:O} {span.End:O} clamped={span.Clamped}");
        }

        foreach (var point in ChangeStagePoints.From(timeline))
        {
            text.Append(point.Measurement)
                .Append(string.Concat(point.Tags.Select(t => $",{t.Key}={t.Value}")))
                .Append(' ')
                .Append(string.Join(",", point.Fields.Select(f => $"{f.Key}={f.Value}")))
                .Append(' ')
                .Append(point.TimestampNanoseconds.ToString(CultureInfo.InvariantCulture))
                .AppendLine();
        }

        return text.ToString();
    }

    private static string Print(Scenario s) =>
        $"comments end pickup: {s.Counting.CommentsEndPickup}{Environment.NewLine}{Print(s.Events)}";

    private static string Print(IEnumerable<FlowEvent> events) => string.Join(Environment.NewLine, events.Select(e =>
        $"  {e.Kind} +{(e.OccurredAt - Monday9).TotalMinutes}m subject={e.SubjectId} actor={e.Actor} bot={e.ActorIsBot} state={e.ReviewState} draft={e.IsDraft} sha={e.Sha} attempt={e.Attempt} result={e.Result} url={e.Url}"));

    /// <summary>The events of one change and the reviewer-counting rules to apply.</summary>
    public sealed record Scenario(FlowEvent[] Events, ReviewCounting Counting);
}
