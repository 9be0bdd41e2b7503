using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;
using FlowCollector.Sinks.LineProtocol;

namespace FlowCollector.Dashboards.Tests.Data;

/// <summary>
/// The rolling <c>constraint</c> points (<c>period</c> <c>7d</c> and <c>28d</c>) a full read at <c>now</c> writes for the
/// given arrived changes — made by the collector's own code (<see cref="ConstraintAnalysis"/>, <see cref="ConstraintPoints"/>),
/// whose numbers ConstraintPointsTests work by hand — so the data sets of the alert tests hold exactly what the
/// "wait is rising" rule reads in production.
/// </summary>
public static class RollingConstraintLines
{
    public static string Of(RepositoryRef repository, string? team, IReadOnlyList<ArrivedChangeWaits> changes, IReadOnlyList<string> stageOrder, DateTimeOffset now)
    {
        var hour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        var points = ConstraintPoints.From(repository, ConstraintAnalysis.Find(changes, now - TimeSpan.FromDays(28), now, stageOrder), ConstraintPoints.Rolling28Days, hour)
            .Concat(ConstraintPoints.From(repository, ConstraintAnalysis.Find(changes, now - TimeSpan.FromDays(7), now, stageOrder), ConstraintPoints.Rolling7Days, hour))
            .ToList();
        var lines = LineProtocolWriter.WriteBatch(TeamTags.AddIfOwned(points, team));
        return lines.Length == 0 ? "" : lines + "\n";
    }
}
