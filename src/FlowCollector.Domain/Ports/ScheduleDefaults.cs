namespace FlowCollector.Domain.Ports;

/// <summary>
/// The schedule every source section starts from (<c>Sources:*:Interval</c>, <c>Backfill</c>, <c>Overlap</c>), declared
/// once: the sources' options and the worker's schedule options bind the same keys and must default alike.
/// </summary>
public static class ScheduleDefaults
{
    /// <summary>How often each repository is polled.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    /// <summary>How much history the first run of a repository reads.</summary>
    public static readonly TimeSpan Backfill = TimeSpan.FromDays(30);

    /// <summary>How far before the watermark each run starts reading again.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(1);
}
