using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowCollector.Worker.Telemetry;

/// <summary>
/// The collector's own signals (docs/architecture.md, "Self-telemetry"). One singleton; instrument names are
/// constants so tests, dashboards and alert rules share them.
/// </summary>
public sealed class FlowCollectorTelemetry
{
    public const string Name = "FlowCollector";

    /// <summary>The running binary's version (its informational version, as <c>--version</c> prints it), or <c>unknown</c>.</summary>
    public static string Version =>
        typeof(FlowCollectorTelemetry).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    private readonly ConcurrentDictionary<string, (string Source, long Remaining)> rateLimitRemaining = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> watermarks = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public FlowCollectorTelemetry(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.time = time;
        var meter = meters.Create(Name);
        JobRuns = meter.CreateCounter<long>("flowcollector.job.runs", "{run}", "Collection runs of one target, by source and outcome (success, failure, cancelled).");
        JobDuration = meter.CreateHistogram<double>("flowcollector.job.duration", "s", "Wall time of one target's collection run.");
        EventsRead = meter.CreateCounter<long>("flowcollector.events.read", "{event}", "Normalised events read from sources.");
        PointsWritten = meter.CreateCounter<long>("flowcollector.points.written", "{point}", "Points acknowledged by the sink.");
        SpansClamped = meter.CreateCounter<long>("flowcollector.stage.clamped", "{span}", "Stage spans whose end came before their start (clock skew) and were clamped to 0.");
        Probes = meter.CreateCounter<long>("flowcollector.probe.results", "{probe}", "Change probes before a read, by result (unchanged: no read; changed: full read; reconcile: full read due anyway).");
        meter.CreateObservableGauge("flowcollector.ratelimit.remaining", ObserveRateLimit, "{request}", "API rate-limit budget left, per target, as last reported by the API.");
        meter.CreateObservableGauge("flowcollector.watermark.lag", ObserveLag, "s", "How far each target's watermark is behind now.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>
    /// Attribute names: OpenTelemetry semantic conventions where one fits (the VCS registry: vcs.provider.name,
    /// vcs.owner.name, vcs.repository.name), FlowCollector's own namespace otherwise.
    /// </summary>
    public static class Attributes
    {
        /// <summary>The source: <c>github</c> or <c>azuredevops</c>.</summary>
        public const string Provider = "vcs.provider.name";

        /// <summary>The organisation or user (GitHub) or the organisation/project (Azure DevOps).</summary>
        public const string Owner = "vcs.owner.name";

        public const string Repository = "vcs.repository.name";

        /// <summary>A run's outcome: success, failure, cancelled.</summary>
        public const string Outcome = "flowcollector.outcome";

        /// <summary>A change probe's result: unchanged, changed, reconcile.</summary>
        public const string ProbeResult = "flowcollector.probe.result";
    }

    /// <summary>The provider tag of a source, for the counters that are per source.</summary>
    public static KeyValuePair<string, object?> ProviderTag(string source) => new(Attributes.Provider, source);

    /// <summary>A target key <c>{source}:{owner}/{name}</c> as the three VCS attributes (a repository name never holds a '/').</summary>
    internal static KeyValuePair<string, object?>[] TargetTags(string targetKey)
    {
        var colon = targetKey.IndexOf(':', StringComparison.Ordinal);
        var slash = targetKey.LastIndexOf('/');
        return colon < 0 || slash < colon
            ? [new(Attributes.Repository, targetKey)]
            : [new(Attributes.Provider, targetKey[..colon]), new(Attributes.Owner, targetKey[(colon + 1)..slash]), new(Attributes.Repository, targetKey[(slash + 1)..])];
    }

    public Counter<long> JobRuns { get; }

    public Histogram<double> JobDuration { get; }

    public Counter<long> EventsRead { get; }

    public Counter<long> PointsWritten { get; }

    public Counter<long> SpansClamped { get; }

    public Counter<long> Probes { get; }

    public void RecordRateLimit(string target, string source, int remaining) => rateLimitRemaining[target] = (source, remaining);

    public void RecordWatermark(string target, DateTimeOffset watermark) => watermarks[target] = watermark;

    private IEnumerable<Measurement<long>> ObserveRateLimit() =>
        rateLimitRemaining.Select(kv => new Measurement<long>(kv.Value.Remaining, TargetTags(kv.Key)));

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = time.GetUtcNow();
        return watermarks.Select(kv => new Measurement<double>(Math.Max(0, (now - kv.Value).TotalSeconds), TargetTags(kv.Key)));
    }
}
