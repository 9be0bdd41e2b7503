namespace FlowCollector.Worker.Collection;

/// <summary>
/// The scheduling keys every source section carries (<c>Sources:GitHub:Interval</c>, <c>…:Cron</c>,
/// <c>…:Backfill</c>, <c>…:Overlap</c>); read here so the worker schedules all sources alike.
/// Defaults and validation messages live with each source's options.
/// </summary>
public sealed class SourceScheduleOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    public string? Cron { get; set; }

    public TimeSpan Backfill { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan Overlap { get; set; } = TimeSpan.FromHours(1);
}
