using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Health;

/// <summary>
/// Ready = the configuration was valid (the host started) and no target has been failing for too long. A target this
/// process saw failing is checked against the state store before it counts: in a cluster another replica may have
/// collected it since, and this replica would otherwise stay not-ready until it happened to collect that target itself.
/// </summary>
internal sealed class TargetsReadinessCheck(TargetHealthRegistry registry, IOptions<HealthOptions> options, IStateStore store, TimeProvider time) : IHealthCheck
{
    /// <summary>How often the failing targets are checked against the store (a readiness probe comes every few seconds).</summary>
    internal static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(30);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = options.Value.MaxFailureDuration;
        var now = time.GetUtcNow();
        var failing = registry.FailingLongerThan(limit, now);
        if (failing.Count > 0 && registry.ShouldReconcile(now, ReconcileInterval) && await ReconcileAsync(failing, now, cancellationToken))
        {
            failing = registry.FailingLongerThan(limit, now);
        }

        if (failing.Count == 0)
        {
            return HealthCheckResult.Healthy("every target collected within Health:MaxFailureDuration");
        }

        var description = string.Join("; ", failing.Select(f => $"{f.Target} failing for {f.FailingFor:d\\.hh\\:mm\\:ss}: {f.Error}"));
        return HealthCheckResult.Unhealthy(description);
    }

    /// <summary>Brings the failing targets' local view up to the store's; false when the store could not be asked.</summary>
    private async Task<bool> ReconcileAsync(IReadOnlyList<(string Target, TimeSpan FailingFor, string Error)> failing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (target, failingFor, _) in failing)
            {
                if (await store.GetTargetAsync(target, cancellationToken) is { LastSuccess: { } success } state && success > now - failingFor)
                {
                    registry.SucceededElsewhere(target, success, failedSince: state.LastError is not null);
                }
            }

            return true;
        }
#pragma warning disable CA1031 // Readiness answers from what this process saw when the store cannot be asked (its outage is reported by the runs).
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
