using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace FlowCollector.Worker.Health;

/// <summary>
/// Live = the scheduler has not shut down (a dead scheduler would never collect again: restart the pod). Not Quartz 4's
/// own <c>QuartzHealthCheck</c> (AddQuartzHealthChecks): that one also fails while the job store cannot be reached, and as
/// a liveness probe it would restart every replica during a PostgreSQL outage that a restart cannot cure; readiness
/// (<see cref="TargetsReadinessCheck"/>) reports the store's failures instead.
/// </summary>
internal sealed class SchedulerLivenessCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        return status is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown
            ? HealthCheckResult.Unhealthy($"the scheduler is {status}")
            : HealthCheckResult.Healthy($"scheduler {status}");
    }
}
