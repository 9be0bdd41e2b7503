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

    private readonly ConcurrentDictionary<string, (string Source, long Remaining)> rateLimitRemaining = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> watermarks = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public FlowCollectorTelemetry(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.time = time;
        var meter = meters.Create(Name);
        this.JobRuns = meter.CreateCounter<long>("flowcollector.job.runs", "{run}", "Collection runs of one target, by outcome (success, failure, cancelled).");
        this.JobDuration = meter.CreateHistogram<double>("flowcollector.job.duration", "s", "Wall time of one target's collection run.");
        this.ApiRequests = meter.CreateCounter<long>("flowcollector.api.requests", "{request}", "HTTP requests to source and sink APIs, by client and status code.");
        this.EventsRead = meter.CreateCounter<long>("flowcollector.events.read", "{event}", "Normalised events read from sources.");
        this.PointsWritten = meter.CreateCounter<long>("flowcollector.points.written", "{point}", "Points acknowledged by the sink.");
        this.SpansClamped = meter.CreateCounter<long>("flowcollector.stage.clamped", "{span}", "Stage spans whose end came before their start (clock skew) and were clamped to 0.");
        this.Probes = meter.CreateCounter<long>("flowcollector.probe.results", "{probe}", "Change probes before a read, by result (unchanged: no read; changed: full read; reconcile: full read due anyway).");
        meter.CreateObservableGauge("flowcollector.ratelimit.remaining", this.ObserveRateLimit, "{request}", "API rate-limit budget left, per target, as last reported by the API.");
        meter.CreateObservableGauge("flowcollector.watermark.lag", this.ObserveLag, "s", "How far each target's watermark is behind now.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public Counter<long> JobRuns { get; }

    public Histogram<double> JobDuration { get; }

    public Counter<long> ApiRequests { get; }

    public Counter<long> EventsRead { get; }

    public Counter<long> PointsWritten { get; }

    public Counter<long> SpansClamped { get; }

    public Counter<long> Probes { get; }

    public void RecordRateLimit(string target, string source, int remaining) => this.rateLimitRemaining[target] = (source, remaining);

    public void RecordWatermark(string target, DateTimeOffset watermark) => this.watermarks[target] = watermark;

    private IEnumerable<Measurement<long>> ObserveRateLimit() =>
        this.rateLimitRemaining.Select(kv => new Measurement<long>(kv.Value.Remaining, new("target", kv.Key), new("source", kv.Value.Source)));

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = this.time.GetUtcNow();
        return this.watermarks.Select(kv => new Measurement<double>(Math.Max(0, (now - kv.Value).TotalSeconds), new KeyValuePair<string, object?>("target", kv.Key)));
    }
}
