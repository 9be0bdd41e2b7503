using FlowCollector.Worker.Collection;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

/// <summary>Checks every source's cron expression, which Quartz would otherwise reject only when the trigger is built (intervals are checked by each source's options).</summary>
internal static class ScheduleValidator
{
    public static IEnumerable<string> Validate(IConfiguration configuration, IEnumerable<string> sourceSections)
    {
        foreach (var section in sourceSections)
        {
            var schedule = configuration.GetSection($"Sources:{section}").Get<SourceScheduleOptions>() ?? new SourceScheduleOptions();
            if (!string.IsNullOrWhiteSpace(schedule.Cron) && !CronExpression.TryParse(schedule.Cron, out _))
            {
                yield return $"Sources:{section}:Cron '{schedule.Cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 */15 * * * ?').";
            }

        }
    }
}
