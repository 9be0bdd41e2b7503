using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Cli;

/// <summary>The table <c>once</c> prints: per repository and stage, changes, median and p90 time; flow efficiency per repository.</summary>
internal static class SummaryPrinter
{
    public static void Print(StageSummary summary, TextWriter output)
    {
        if (summary.Rows.Count == 0)
        {
            output.WriteLine("No merged changes in the collected window.");
            return;
        }

        var header = new[] { "repository", "stage", "kind", "changes", "median", "p90" };
        var rows = summary.Rows.Select(r => new[]
        {
            r.Repository, r.Stage, r.Kind == StageKind.Process ? "process" : "wait",
            r.Changes.ToString(CultureInfo.InvariantCulture), HumanDuration.Of(r.MedianSeconds), HumanDuration.Of(r.P90Seconds),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row, widths));
        }

        output.WriteLine();
        foreach (var repository in summary.Repositories)
        {
            var efficiency = repository.FlowEfficiency is { } e ? e.ToString("P0", CultureInfo.InvariantCulture) : "n/a";
            output.WriteLine($"{repository.Repository}: {repository.Changes} changes, flow efficiency {efficiency} (process time / flow time up to the last measured stage)");
        }
    }

    /// <summary>The four keys per repository over the window read, where production deployments were read.</summary>
    public static void PrintDora(IEnumerable<(string Repository, DoraReport Report)> reports, TextWriter output)
    {
        foreach (var (repository, report) in reports)
        {
            var lead = report.LeadTime.Median is { } median ? $"median {HumanDuration.Of(median.TotalSeconds)}, p90 {HumanDuration.Of(report.LeadTime.P90!.Value.TotalSeconds)} ({report.LeadTimeBand})" : "n/a";
            var failure = report.ChangeFailureRate is { } rate ? rate.ToString("P0", CultureInfo.InvariantCulture) : "n/a";
            var recovery = report.RecoveryTime.Median is { } r ? HumanDuration.Of(r.TotalSeconds) : "n/a";
            var rework = report.ReworkRate is { } share ? share.ToString("P0", CultureInfo.InvariantCulture) : "n/a";
            output.WriteLine(
                $"{repository}: DORA — {report.Deployments} production deployments ({report.DeploymentsPerDay.ToString("0.##", CultureInfo.InvariantCulture)}/day, {report.DeploymentFrequencyBand}), " +
                $"lead time {lead}, change failure rate {failure}, recovery {recovery}, rework rate {rework}");
        }
    }

    /// <summary>Each repository's constraint over the last 28 days (docs/metrics.md, "The constraint").</summary>
    public static void PrintConstraints(IEnumerable<(string Repository, ConstraintFinding Finding)> findings, TextWriter output)
    {
        foreach (var (repository, finding) in findings)
        {
            if (finding.Constraint is not { } c)
            {
                output.WriteLine($"{repository}: constraint (28 days) — none named: {finding.NoConstraintReason}");
                continue;
            }

            var runnerUp = finding.RunnerUp is { } r ? $"; runner-up {r.Stage} ({r.Share.ToString("P0", CultureInfo.InvariantCulture)})" : "";
            var moved = finding.Trend.Moved ? $"; moved from {finding.Trend.PreviousStage}" : "";
            output.WriteLine(
                $"{repository}: constraint (28 days) — {c.Stage}: {c.ChangeHours.ToString("0.0", CultureInfo.InvariantCulture)} change-hours, " +
                $"{c.Share.ToString("P0", CultureInfo.InvariantCulture)} of all waiting, {c.Changes} changes, median {HumanDuration.Of(c.MedianSeconds)}, p75 {HumanDuration.Of(c.P75Seconds)}{runnerUp}{moved}");
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i >= 3 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
}
