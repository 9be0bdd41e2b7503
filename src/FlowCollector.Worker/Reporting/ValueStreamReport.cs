using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Reporting;

/// <summary>What the report knows of one repository: its stream, the timelines the engine computed, DORA, and what waits now.</summary>
/// <param name="Repository">The repository.</param>
/// <param name="Stream">Its value stream (stage order and environment path).</param>
/// <param name="Timelines">Its changes' timelines as the engine computed them (any period: the report picks the arrived ones).</param>
/// <param name="Dora">The DORA keys over the report's period, or null when no production deployment was read.</param>
/// <param name="Waiting">The changes waiting now, by stage.</param>
public sealed record ReportRepositoryInput(RepositoryRef Repository, ValueStreamDefinition Stream, IReadOnlyList<ChangeTimeline> Timelines, DoraReport? Dora, IReadOnlyList<WaitingItem> Waiting);

/// <summary>One stage of a repository's map, over the changes that arrived in the period.</summary>
/// <param name="Name">The stage (tag value), e.g. <c>pickup</c>, <c>deploy:production</c>.</param>
/// <param name="Kind">Process or wait.</param>
/// <param name="Changes">Arrived changes that spent time in it.</param>
/// <param name="MedianSeconds">Median time (nearest rank) of those changes; null with none.</param>
/// <param name="P75Seconds">75th percentile; null with none.</param>
/// <param name="MeanSecondsPerArrivedChange">Σ time in the stage ÷ every arrived change: the ladder's step, so the steps add up to the mean flow time.</param>
/// <param name="ShareOfFlowTime">Σ time in the stage ÷ Σ flow time (0–1).</param>
public sealed record ReportStage(string Name, StageKind Kind, int Changes, double? MedianSeconds, double? P75Seconds, double MeanSecondsPerArrivedChange, double ShareOfFlowTime);

/// <summary>A queue now: how many changes wait in a stage and the oldest of them.</summary>
public sealed record ReportWaitingRow(string Stage, int Count, double OldestAgeSeconds, string OldestChangeId, string? OldestChangeUrl);

/// <summary>One repository's section of the report.</summary>
public sealed record ReportRepository(
    string Repository,
    IReadOnlyList<string> EnvironmentPath,
    int ChangesArrived,
    IReadOnlyList<ReportStage> Stages,
    double? MedianFlowSeconds,
    double MeanFlowSeconds,
    double MeanProcessSeconds,
    double MeanWaitSeconds,
    double? FlowEfficiency,
    ConstraintFinding Constraint,
    DoraReport? Dora,
    IReadOnlyList<ReportWaitingRow> WaitingNow);

/// <summary>
/// The value-stream report (docs/metrics.md, "The report"): per repository the map of its own path, the constraint,
/// DORA and the queues now, over the changes that arrived in [<see cref="From"/>, <see cref="To"/>). Built from the
/// engine's own timelines, so every figure is the engine's.
/// </summary>
public sealed record ValueStreamReport(string Scope, DateTimeOffset From, DateTimeOffset To, DateTimeOffset GeneratedAt, IReadOnlyList<ReportRepository> Repositories)
{
    public static ValueStreamReport Build(string scope, DateTimeOffset from, DateTimeOffset to, DateTimeOffset generatedAt, IEnumerable<ReportRepositoryInput> repositories)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(to, from);
        var sections = repositories
            .OrderBy(r => r.Repository.FullName, StringComparer.Ordinal)
            .Select(r => Section(r, from, to, generatedAt))
            .ToList();
        return new ValueStreamReport(scope, from, to, generatedAt, sections);
    }

    private static ReportRepository Section(ReportRepositoryInput input, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var arrived = input.Timelines.Where(t => t.Arrived is { } a && a >= from && a < to).ToList();
        var perStage = input.Stream.Stages.ToDictionary(s => s.Name, _ => new List<double>(), StringComparer.Ordinal);
        foreach (var timeline in arrived)
        {
            var arrival = timeline.Arrived!.Value;
            foreach (var span in timeline.Spans.Where(s => s.Start <= arrival))
            {
                // Cut at the arrival, as flow time is: a second production region later in the path is not part of it.
                if (perStage.TryGetValue(span.Stage.Name, out var list))
                {
                    list.Add(timeline.CountedTime(span).TotalSeconds);
                }
            }
        }

        var flowSeconds = arrived.Sum(t => t.FlowTime.TotalSeconds);
        var stages = input.Stream.Stages.Select(stage =>
        {
            var seconds = perStage[stage.Name].Order().ToList();
            var sum = seconds.Sum();
            return new ReportStage(
                stage.Name,
                stage.Kind,
                seconds.Count,
                Percentile.NearestRank(seconds, 50),
                Percentile.NearestRank(seconds, 75),
                arrived.Count == 0 ? 0 : sum / arrived.Count,
                flowSeconds > 0 ? sum / flowSeconds : 0);
        }).ToList();

        var flows = arrived.Select(t => t.FlowTime.TotalSeconds).Order().ToList();
        var process = arrived.Sum(t => t.ProcessTime.TotalSeconds);
        var wait = arrived.Sum(t => t.WaitTime.TotalSeconds);
        var constraint = ConstraintAnalysis.Find(
            input.Timelines.Select(ArrivedChangeWaits.From).OfType<ArrivedChangeWaits>(), from, to, [.. input.Stream.Stages.Select(s => s.Name)]);
        var urls = input.Timelines.Where(t => t.Change.Url is not null).GroupBy(t => t.Change.ChangeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Change.Url, StringComparer.Ordinal);
        var queues = input.Stream.Stages
            .Select(stage => (stage, items: input.Waiting.Where(w => w.Stage.Name == stage.Name).ToList()))
            .Where(q => q.items.Count > 0)
            .Select(q =>
            {
                var oldest = q.items.OrderBy(w => w.Since).ThenBy(w => w.ChangeId, StringComparer.Ordinal).First();
                return new ReportWaitingRow(q.stage.Name, q.items.Count, (now - oldest.Since).TotalSeconds, oldest.ChangeId, urls.GetValueOrDefault(oldest.ChangeId));
            })
            .ToList();
        return new ReportRepository(
            input.Repository.FullName,
            input.Stream.EnvironmentPath,
            arrived.Count,
            stages,
            Percentile.NearestRank(flows, 50),
            arrived.Count == 0 ? 0 : flowSeconds / arrived.Count,
            arrived.Count == 0 ? 0 : process / arrived.Count,
            arrived.Count == 0 ? 0 : wait / arrived.Count,
            flowSeconds > 0 ? process / flowSeconds : null,
            constraint,
            input.Dora,
            queues);
    }
}
