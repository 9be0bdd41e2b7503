using Microsoft.Extensions.Http.Resilience;

namespace FlowCollector.Sinks.InfluxDb;

/// <summary>Fits the standard resilience options (bound from <c>Sinks:InfluxDb:Resilience</c>) to <see cref="InfluxDbSinkOptions.Timeout"/>.</summary>
internal static class InfluxDbResilience
{
    /// <summary>
    /// The attempt timeout is <c>Sinks:InfluxDb:Timeout</c>. The total timeout is raised to cover every attempt and
    /// the circuit breaker's sampling window to twice an attempt, because the standard options' own validator
    /// requires both and their defaults (30 s total, 10 s attempt) would otherwise reject a 30 s attempt timeout.
    /// </summary>
    public static void Apply(HttpStandardResilienceOptions resilience, InfluxDbSinkOptions sink)
    {
        resilience.AttemptTimeout.Timeout = sink.Timeout;
        var everyAttempt = (sink.Timeout * (resilience.Retry.MaxRetryAttempts + 1)) + TimeSpan.FromSeconds(30);
        if (resilience.TotalRequestTimeout.Timeout < everyAttempt)
        {
            resilience.TotalRequestTimeout.Timeout = everyAttempt;
        }

        var sampling = sink.Timeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < sampling)
        {
            resilience.CircuitBreaker.SamplingDuration = sampling;
        }
    }

    /// <summary>A bound for InfluxDB.Client's own timer around the whole pipeline: never shorter than the pipeline's worst case.</summary>
    public static TimeSpan OuterTimeout(InfluxDbSinkOptions sink) => TimeSpan.FromMinutes(10) + (sink.Timeout * 8);
}
