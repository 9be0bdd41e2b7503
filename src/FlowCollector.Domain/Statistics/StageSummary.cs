using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Statistics;

/// <summary>One row of the value-stream summary: a stage of a repository over the changes seen.</summary>
public sealed record StageSummaryRow(string Repository, string Stage, StageKind Kind, int Changes, double MedianSeconds, double P90Seconds);

/// <summary>Flow efficiency of a repository: process time over flow time, summed over its changes.</summary>
public sealed record RepositoryEfficiency(string Repository, int Changes, double ProcessSeconds, double FlowSeconds)
{
    /// <summary>0–1, or null when no time was measured.</summary>
    public double? FlowEfficiency => FlowSeconds > 0 ? ProcessSeconds / FlowSeconds : null;
}

/// <summary>The per-repository, per-stage summary that <c>once</c> prints (medians and p90, never a mean alone).</summary>
public sealed record StageSummary(IReadOnlyList<StageSummaryRow> Rows, IReadOnlyList<RepositoryEfficiency> Repositories)
{
    public static StageSummary From(IEnumerable<ChangeTimeline> timelines, ValueStreamDefinition stream)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        ArgumentNullException.ThrowIfNull(stream);
        var order = stream.Stages.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var all = timelines.Where(t => t.Spans.Count > 0).ToList();

        var rows = all
            .SelectMany(t => t.Spans.Select(s => (Repository: t.Change.Repository.FullName, Span: s)))
            .GroupBy(x => (x.Repository, x.Span.Stage.Name, x.Span.Stage.Kind))
            .Select(g =>
            {
                var seconds = g.Select(x => x.Span.Duration.TotalSeconds).Order().ToList();
                return new StageSummaryRow(g.Key.Repository, g.Key.Name, g.Key.Kind, seconds.Count, Percentile.NearestRank(seconds, 50)!.Value, Percentile.NearestRank(seconds, 90)!.Value);
            })
            .OrderBy(r => r.Repository, StringComparer.Ordinal)
            .ThenBy(r => order.GetValueOrDefault(r.Stage, int.MaxValue))
            .ToList();

        var repositories = all
            .GroupBy(t => t.Change.Repository.FullName, StringComparer.Ordinal)
            .Select(g => new RepositoryEfficiency(g.Key, g.Count(), g.Sum(t => t.ProcessTime.TotalSeconds), g.Sum(t => t.FlowTime.TotalSeconds)))
            .OrderBy(r => r.Repository, StringComparer.Ordinal)
            .ToList();

        return new StageSummary(rows, repositories);
    }
}
