using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowCollector.Domain.Ports;

namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>
/// The rate-limit budgets of every GitHub credential this process uses, one per credential and resource, shared by all
/// concurrent collections (a singleton), and their self-telemetry. Credentials are known only by fingerprint.
/// </summary>
public sealed class GitHubRateBudgets
{
    /// <summary>The meter of the collector's own signals (the same name as the worker's <c>FlowCollectorTelemetry</c>).</summary>
    public const string MeterName = "FlowCollector";

    /// <summary>Gauge: the remaining budget GitHub last reported, per credential fingerprint and resource.</summary>
    public const string RemainingInstrument = "flowcollector.ratelimit.budget.remaining";

    /// <summary>Counter: requests that had to wait, per reason (primary, secondary, pacing) and resource.</summary>
    public const string WaitsInstrument = "flowcollector.ratelimit.waits";

    /// <summary>Counter: seconds requests spent waiting, per reason and resource.</summary>
    public const string WaitedInstrument = "flowcollector.ratelimit.waited";

    private readonly ConcurrentDictionary<(string Credential, string Resource), RateBudget> budgets = new();
    private readonly Counter<long> waits;
    private readonly Counter<double> waited;
    private readonly TimeProvider time;

    public GitHubRateBudgets(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.time = time;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(RemainingInstrument, ObserveRemaining, "{request}", "GitHub rate-limit budget left per credential (fingerprint) and resource, as last reported by GitHub.");
        waits = meter.CreateCounter<long>(WaitsInstrument, "{wait}", "GitHub requests that waited for a rate limit, by reason (primary, secondary, pacing).");
        waited = meter.CreateCounter<double>(WaitedInstrument, "s", "Seconds GitHub requests waited for rate limits, by reason (primary, secondary, pacing).");
    }

    /// <summary>
    /// The token's <see cref="CredentialFingerprint"/> (the scheme of the <c>Authorization</c> value is
    /// dropped, so REST and GraphQL share it, and it matches <c>flowcollector_api_budget</c>); <c>github:anonymous</c> without one.
    /// </summary>
    public static string Fingerprint(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return "github:anonymous";
        }

        var parts = authorization.Split(' ', 2, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var secret = parts.Length == 2 ? parts[1] : parts[0];
        return CredentialFingerprint.Of("github", secret);
    }

    /// <summary>The remaining budget last reported for a credential fingerprint and resource (null before any answer); for tests and diagnostics.</summary>
    public int? Remaining(string credential, string resource) =>
        budgets.TryGetValue((credential, resource), out var budget) ? budget.Reported?.Remaining : null;

    internal RateBudget For(string credential, string resource) =>
        budgets.GetOrAdd((credential, resource), key => new RateBudget(key.Credential, key.Resource));

    internal void RecordWait(RateBudget budget, RateLimitWaitReason reason, TimeSpan delay, bool firstOfItsKind)
    {
        var tags = new TagList { { "reason", ReasonTag(reason) }, { "resource", budget.Resource }, { "credential", budget.Credential } };
        if (firstOfItsKind)
        {
            waits.Add(1, tags);
        }

        waited.Add(delay.TotalSeconds, tags);
    }

    internal static string ReasonTag(RateLimitWaitReason reason) => reason switch
    {
        RateLimitWaitReason.Primary => "primary",
        RateLimitWaitReason.Secondary => "secondary",
        _ => "pacing",
    };

    private IEnumerable<Measurement<long>> ObserveRemaining()
    {
        // A budget not reported on for a whole window (a rotated App installation token) is no longer shown.
        var stale = time.GetUtcNow().AddHours(-1);
        foreach (var budget in budgets.Values)
        {
            if (budget.Reported is { } reported && (reported.Reset is not { } reset || reset > stale))
            {
                yield return new Measurement<long>(reported.Remaining, new KeyValuePair<string, object?>("credential", budget.Credential), new KeyValuePair<string, object?>("resource", budget.Resource));
            }
        }
    }
}
