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
/// event kinds, reviewers that include the author and bots, several runs and attempts, deployments to staging, two
/// production environments and one outside the path (failed ones, rollbacks, redeploys, change sets with and without
/// the change's SHAs), skew included (times are drawn independently, so ends before starts are common).
/// </summary>
public sealed class StageCalculatorPropertyTests
{
    // Enough to hit skew, ties and every stage and deployment combination many times; the project stays within a few seconds.
    private const long Iterations = 2000;

    // The properties over whole repository flows cost more per sample; 800 still cover every deployment
    // combination many times (five deployments, four report kinds).
    private const long FlowIterations = 800;

    private static readonly ValueStreamDefinition Stream = ValueStreamDefinition.Default(["staging", "production", "prod-eu"], ["production", "prod-eu"]);
    private static readonly ValueStreamDefinition ReviewsOnlyStream = WithCommentsEndPickup(Stream, false);

    private static readonly Gen<int> Minute = Gen.Int[0, 600];

    private static readonly Gen<FlowEvent> CommitGen =
        Gen.Select(Minute, Gen.Int[1, 4], (m, i) => Commit(m, $"c{i}") with { Url = $"https://github.com/contoso/web/commit/c{i}" });

    private static readonly Gen<FlowEvent> OpenedGen =
        Gen.Select(Minute, Gen.Bool, Gen.Int[0, 4], (m, draft, description) => (draft ? OpenedAsDraft(m) : Opened(m)) with
        {
            // What the change says about itself (rework rules): nothing, a hotfix branch, a revert title, labels.
            SourceBranch = description switch { 1 => "hotfix/x", 2 => "alice/change", _ => null },
            Title = description == 3 ? "Revert \"y\"" : null,
            Labels = description == 4 ? ["bug", "HotFix"] : null,
        });

    private static readonly Gen<FlowEvent> ReadyGen = Minute.Select(m => Ready(m));

    // The reviewers a source would flag: a GitHub [bot] login, an account of type Bot ("helper"), a configured login.
    private static bool IsBot(string reviewer) => reviewer is "dependabot[bot]" or "helper" or "release-robot";

    private static readonly Gen<FlowEvent> ReviewGen = Gen.Select(
        Minute,
        Gen.OneOf(Author, "Alice", "bob", "carol", "dependabot[bot]", "helper", "release-robot"),
        Gen.OneOf(ReviewState.Approved, ReviewState.ChangesRequested, ReviewState.Commented, ReviewState.Dismissed),
        Gen.Int[0, 3],
        (m, reviewer, state, comment) => (comment == 0
            ? Comment(m, reviewer, flaggedBot: IsBot(reviewer))
            : Review(m, reviewer, state, flaggedBot: IsBot(reviewer))) with { Url = $"https://github.com/contoso/web/pull/42#review-{m}" });

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

    /// <summary>
    /// Deployment reports: d1 to staging, d2 and d3 to production (spelled two ways), d4 to prod-eu, d5 to an
    /// environment outside the path. SHAs are the change's (c1–c4, m1, m2) or foreign (x9); some are rollbacks or redeploys.
    /// </summary>
    private static readonly Gen<FlowEvent> DeploymentGen = Gen.Select(
        Gen.Int[1, 5],
        Gen.Int[0, 4],
        Minute,
        Gen.OneOf("m1", "m2", "c1", "c2", "c3", "c4", "x9"),
        Gen.OneOf("success", "success", "failure", "error"),
        Gen.Int[0, 9],
        (n, kind, m, sha, result, comparison) =>
        {
            var id = $"d{n}";
            var environment = n switch { 1 => "staging", 2 => "production", 3 => "Production", 4 => "prod-eu", _ => "preview" };
            var compared = comparison switch
            {
                0 => DeploymentComparison.Behind,
                1 => DeploymentComparison.Identical,
                2 or 3 => DeploymentComparison.Ahead,
                _ => DeploymentComparison.Unknown,
            };
            var deployed = n == 3 ? "m2" : "m1"; // each deployment has one deployed SHA; its change set varies
            return kind switch
            {
                0 => Deploy(id, environment, null, null, sha: deployed, queued: m)[0],
                1 => Deploy(id, environment, m, null, sha: deployed)[0],
                2 => Deploy(id, environment, null, m, result: result, sha: deployed, comparison: compared)[0],
                _ => Includes(id, sha),
            };
        });

    private static readonly Gen<Scenario> ChangeOnlyGen = Gen.Select(
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
            commentsEndPickup));

    private static readonly Gen<Scenario> ScenarioGen = Gen.Select(ChangeOnlyGen, DeploymentGen.Array[0, 10], (s, deployments) => s with { Events = [.. s.Events, .. deployments] });

    /// <summary>
    /// A scenario read in two runs the way sources deliver it: the change (whole) in the first, each run attempt and
    /// each deployment (whole) in the first, the second, or both (re-read in the overlap).
    /// </summary>
    private static readonly Gen<(Scenario Scenario, FlowEvent[] FirstRun, FlowEvent[] SecondRun)> TwoRunsGen = ScenarioGen.SelectMany(s =>
    {
        var entities = s.Events.Where(e => e.SubjectId != ChangeId).Select(EntityOf).Distinct().Order(StringComparer.Ordinal).ToArray();
        return Gen.Int[0, 2].Array[entities.Length].Select(where =>
        {
            var placement = entities.Select((entity, i) => (entity, where[i])).ToDictionary(p => p.entity, p => p.Item2);
            var first = s.Events.Where(e => e.SubjectId == ChangeId || placement[EntityOf(e)] != 1).ToArray();
            var second = s.Events.Where(e => e.SubjectId != ChangeId && placement[EntityOf(e)] != 0).ToArray();
            return (s, first, second);
        });
    });

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
                var timeline = Compute(s.Events, StreamOf(s));

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
    public void Totals_stop_at_the_arrival_and_no_time_is_negative()
    {
        ScenarioGen.Sample(
            s =>
            {
                var timeline = Compute(s.Events, StreamOf(s));

                Assert.Equal(timeline.FlowTime, timeline.ProcessTime + timeline.WaitTime);
                Assert.True(timeline.ProcessTime >= TimeSpan.Zero && timeline.WaitTime >= TimeSpan.Zero, "negative total");
                Assert.All(timeline.EnvironmentLeadTimes.Values, lead => Assert.True(lead >= TimeSpan.Zero, $"negative lead time {lead}"));
                if (timeline.Arrived is { } arrived)
                {
                    // The stream is cut exactly at the arrival, and the flow starts no later than the lead time does.
                    var expectedFlow = arrived > timeline.Start!.Value ? arrived - timeline.Start.Value : TimeSpan.Zero;
                    Assert.Equal(expectedFlow, timeline.FlowTime);
                    Assert.True(timeline.LeadTime >= TimeSpan.Zero && timeline.LeadTime <= timeline.FlowTime, $"lead {timeline.LeadTime} vs flow {timeline.FlowTime}");
                    Assert.Contains(timeline.ArrivalEnvironment!, Stream.ProductionEnvironments);
                    Assert.Contains(timeline.Spans, span => span.Stage.Rule == StageRule.Deploy && span.Stage.Environment == timeline.ArrivalEnvironment);
                }
                else
                {
                    Assert.Null(timeline.LeadTime);
                    Assert.DoesNotContain(timeline.Deployed.Keys, Stream.ProductionEnvironments.Contains);
                }

                if (timeline.FlowEfficiency is { } efficiency)
                {
                    Assert.InRange(efficiency, 0, 1);
                }
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void Spans_follow_the_configured_order_each_stage_at_most_once()
    {
        var order = Stream.Stages.Select((stage, index) => (stage, index)).ToDictionary(p => p.stage, p => p.index);
        ScenarioGen.Sample(
            s =>
            {
                var positions = Compute(s.Events, StreamOf(s)).Spans.Select(span => order[span.Stage]).ToList();

                Assert.Equal(positions.Order(), positions);
                Assert.Equal(positions.Count, positions.Distinct().Count());
            },
            iter: Iterations,
            print: Print);
    }

    [Fact]
    public void Without_deployments_no_deployment_stage_appears_and_nothing_arrives()
    {
        ChangeOnlyGen.Sample(
            s =>
            {
                var timeline = Compute(s.Events, StreamOf(s));

                Assert.DoesNotContain(timeline.Spans, span => span.Stage.Rule is StageRule.ReleaseWait or StageRule.Deploy or StageRule.PromotionWait);
                Assert.Null(timeline.Arrived);
            },
            iter: Iterations / 3,
            print: Print);
    }

    [Fact]
    public void The_repository_flow_attributes_deployments_like_the_calculator_given_every_deployment()
    {
        ScenarioGen.Sample(
            s =>
            {
                var direct = Compute(s.Events, StreamOf(s));
                var viaFlow = TimelineOf42(Flow(s.Events, StreamOf(s)));

                Assert.Equal(direct.Change.Merged is null ? "" : Describe(direct), viaFlow is null ? "" : Describe(viaFlow));
            },
            iter: FlowIterations,
            print: Print);
    }

    [Fact]
    public void A_repository_flow_gives_the_same_timelines_and_deployment_points_whatever_the_order_and_duplicates()
    {
        RedeliveredGen.Sample(
            (s, redelivered) =>
            {
                var once = DescribeFlow(Flow(s.Events, StreamOf(s)));
                var again = DescribeFlow(Flow(redelivered, StreamOf(s)));

                Assert.Equal(once, again);
            },
            iter: FlowIterations,
            print: p => Print(p.Item1) + Environment.NewLine + "redelivered as:" + Environment.NewLine + Print(p.Item2));
    }

    [Fact]
    public void Change_facts_rebuilt_from_their_events_fold_on_exactly_like_the_originals()
    {
        ScenarioGen.SelectMany(s => Gen.Bool.Array[s.Events.Length].Select(early => (s, early))).Sample(
            (s, early) =>
            {
                var before = s.Events.Where((_, i) => early[i]).ToArray();
                var after = s.Events.Where((_, i) => !early[i]).ToArray();

                var (persisted, _, _) = FoldAll(before);
                var (rebuilt, _, _) = FoldAll([.. persisted.ToEvents(), .. after]);
                var (whole, _, _) = FoldAll(s.Events);

                Assert.Equal(Facts(whole), Facts(rebuilt));
            },
            iter: FlowIterations,
            print: p => Print(p.Item1));
    }

    [Fact]
    public void A_pending_change_replayed_into_the_next_run_gives_the_timeline_of_one_run_over_everything()
    {
        TwoRunsGen.Sample(
            (s, firstRun, secondRun) =>
            {
                var kept = Flow(firstRun, StreamOf(s)).PendingChanges(DateTimeOffset.MinValue).SelectMany(p => p.Events);

                var nextRun = TimelineOf42(Flow([.. kept, .. secondRun], StreamOf(s)));
                var everything = TimelineOf42(Flow([.. firstRun, .. secondRun], StreamOf(s)));

                Assert.Equal(everything is null ? "" : Describe(everything), nextRun is null ? "" : Describe(nextRun));
            },
            iter: FlowIterations,
            print: p => Print(p.Item1) + Environment.NewLine + "first run:" + Environment.NewLine + Print(p.Item2) + Environment.NewLine + "second run:" + Environment.NewLine + Print(p.Item3));
    }

    [Fact]
    public void Change_and_deployment_points_carry_only_schema_tag_keys_and_no_negative_seconds()
    {
        ScenarioGen.Sample(
            s =>
            {
                var flow = Flow(s.Events, StreamOf(s));

                var points = flow.MergedTimelines().SelectMany(t => ChangeStagePoints.From(t).Concat(ChangePoints.From(t)))
                    .Concat(flow.FinishedDeployments().SelectMany(DeploymentPoints.From))
                    .ToList();

                foreach (var point in points)
                {
                    Assert.All(point.Tags, tag => Assert.Contains(tag.Key, FlowSchema.Tags.Allowed));
                    Assert.Equal(point.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), point.Tags);
                    Assert.All(point.Fields.Where(f => f.Key.EndsWith("seconds", StringComparison.Ordinal)), f => Assert.True(f.Value.AsFloat >= 0, $"{point.Measurement}.{f.Key} = {f.Value}"));
                }
            },
            iter: FlowIterations,
            print: Print);
    }

    [Fact]
    public void Shuffled_and_duplicated_events_give_the_identical_timeline_and_points()
    {
        RedeliveredGen.Sample(
            (s, redelivered) =>
            {
                var once = Describe(Compute(s.Events, StreamOf(s)));
                var again = Describe(Compute(redelivered, StreamOf(s)));

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

                var first = Describe(StageCalculator.Compute(change, runs, StreamOf(s)));
                var second = Describe(StageCalculator.Compute(change, runs, StreamOf(s)));

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
                var timeline = Compute(s.Events, StreamOf(s));

                var points = ChangeStagePoints.From(timeline).ToList();

                Assert.Equal(timeline.Spans.Count, points.Count);
                foreach (var point in points)
                {
                    Assert.All(point.Tags, tag => Assert.Contains(tag.Key, FlowSchema.Tags.Allowed));
                    Assert.True(point.Field(FlowSchema.Fields.Seconds)!.Value.AsFloat >= 0, "negative seconds field");
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
            .AppendLine(CultureInfo.InvariantCulture, $"{Facts(c)}")
            .AppendLine(CultureInfo.InvariantCulture, $"start={timeline.Start:O} process={timeline.ProcessTime} wait={timeline.WaitTime} flow={timeline.FlowTime}")
            .AppendLine(CultureInfo.InvariantCulture, $"arrived={timeline.Arrived:O} in={timeline.ArrivalEnvironment} lead={timeline.LeadTime} completed={timeline.Completed:O} efficiency={timeline.FlowEfficiency}")
            .AppendLine(string.Join(" ", timeline.EnvironmentLeadTimes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}@{timeline.Deployed[p.Key]:O}")));
        foreach (var span in timeline.Spans)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"span {span.Stage.Name} {span.Start:O} {span.End:O} clamped={span.Clamped}");
        }

        foreach (var point in ChangeStagePoints.From(timeline).Concat(ChangePoints.From(timeline)))
        {
            text.AppendLine(Render(point));
        }

        return text.ToString();
    }

    /// <summary>Every timeline of a repository flow and every deployment point, as text.</summary>
    private static string DescribeFlow(RepositoryFlow flow) =>
        string.Concat(flow.MergedTimelines().Select(Describe))
        + string.Join(Environment.NewLine, flow.FinishedDeployments().Select(d => $"{d.Deployment.DeploymentId}: {string.Join(",", d.ChangeIds)}").Concat(flow.FinishedDeployments().SelectMany(DeploymentPoints.From).Select(Render)));

    private static string Render(FlowPoint point) =>
        point.Measurement
        + string.Concat(point.Tags.Select(t => $",{t.Key}={t.Value}"))
        + " " + string.Join(",", point.Fields.Select(f => $"{f.Key}={f.Value}"))
        + " " + point.TimestampNanoseconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>The entity a source reads as a whole: a run attempt or a deployment (change events are change 42's).</summary>
    private static string EntityOf(FlowEvent e) =>
        e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished ? $"{e.SubjectId}#{Math.Max(1, e.Attempt)}" : e.SubjectId;

    private static string Print(Scenario s) =>
        $"comments end pickup: {s.CommentsEndPickup}{Environment.NewLine}{Print(s.Events)}";

    private static string Print(IEnumerable<FlowEvent> events) => string.Join(Environment.NewLine, events.Select(e =>
        $"  {e.Kind} +{(e.OccurredAt - Monday9).TotalMinutes}m subject={e.SubjectId} actor={e.Actor} bot={e.ActorIsBot} state={e.ReviewState} draft={e.IsDraft} sha={e.Sha} attempt={e.Attempt} result={e.Result} env={e.Environment} comparison={e.Comparison} url={e.Url}"));

    /// <summary>The events of one change and the reviewer-counting rules to apply.</summary>
    private static ValueStreamDefinition StreamOf(Scenario s) => s.CommentsEndPickup ? Stream : ReviewsOnlyStream;

    public sealed record Scenario(FlowEvent[] Events, bool CommentsEndPickup);
}
