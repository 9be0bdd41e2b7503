using FlowCollector.Domain.Ports;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// The scheduling keys every source section carries (<c>Sources:GitHub:Interval</c>, <c>…:Cron</c>,
/// <c>…:Backfill</c>, <c>…:Overlap</c>); read here so the worker schedules all sources alike.
/// Defaults and validation messages live with each source's options.
/// </summary>
public sealed class SourceScheduleOptions
{
    public TimeSpan Interval { get; set; } = ScheduleDefaults.Interval;

    public string? Cron { get; set; }

    public TimeSpan Backfill { get; set; } = ScheduleDefaults.Backfill;

    public TimeSpan Overlap { get; set; } = ScheduleDefaults.Overlap;
}
