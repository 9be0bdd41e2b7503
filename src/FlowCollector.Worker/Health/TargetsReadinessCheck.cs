using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Health;

/// <summary>Ready = the configuration was valid (the host started) and no target has been failing for too long.</summary>
internal sealed class TargetsReadinessCheck(TargetHealthRegistry registry, IOptions<HealthOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = registry.FailingLongerThan(options.Value.MaxFailureDuration, time.GetUtcNow());
        if (failing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("every target collected within Health:MaxFailureDuration"));
        }

        var description = string.Join("; ", failing.Select(f => $"{f.Target} failing for {f.FailingFor:d\\.hh\\:mm\\:ss}: {f.Error}"));
        return Task.FromResult(HealthCheckResult.Unhealthy(description));
    }
}
