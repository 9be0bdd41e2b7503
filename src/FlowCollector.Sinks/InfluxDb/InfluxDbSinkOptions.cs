namespace FlowCollector.Sinks.InfluxDb;

/// <summary>Which InfluxDB write API the sink speaks.</summary>
public enum InfluxDbApiVersion
{
    /// <summary><c>/api/v2/write</c> with org, bucket and token: InfluxDB 2.x, 3.x, and compatible stores (VictoriaMetrics).</summary>
    V2,

    /// <summary><c>/write?db=…</c>: InfluxDB 1.x, and the v1-compatible API of 2.x/3.x.</summary>
    V1,
}

/// <summary>
/// Where the points go when an InfluxDB is configured. Bound from <c>Sinks:InfluxDb</c>; with <see cref="Url"/>
/// empty the embedded file sink (<c>Sinks:File</c>) is used instead. Retries of transient errors are configured
/// under <c>Sinks:InfluxDb:Resilience</c> (Microsoft.Extensions.Http.Resilience's standard options, e.g.
/// <c>Retry:MaxRetryAttempts</c>, <c>Retry:Delay</c>); the per-attempt timeout is <see cref="Timeout"/>.
/// </summary>
public sealed class InfluxDbSinkOptions
{
    public const string SectionName = "Sinks:InfluxDb";

    /// <summary>The section whose keys configure retries, circuit breaker and total timeout of the InfluxDB HTTP client.</summary>
    public const string ResilienceSectionName = "Sinks:InfluxDb:Resilience";

    /// <summary>The InfluxDB base address, e.g. <c>http://influxdb:8086</c> (absolute http/https, no credentials, no query). Empty (default): write to the file sink.</summary>
    public Uri? Url { get; set; }

    /// <summary>The write API (default <see cref="InfluxDbApiVersion.V2"/>).</summary>
    public InfluxDbApiVersion ApiVersion { get; set; } = InfluxDbApiVersion.V2;

    /// <summary>API token (V2: required; V1: optional, sent as <c>Authorization: Token …</c>, which InfluxDB 2.x/3.x's v1 API accept). Secret: never logged.</summary>
    public string? Token { get; set; }

    /// <summary>V2: the organisation (name or id). Required for V2.</summary>
    public string? Org { get; set; }

    /// <summary>V2: the bucket. Required for V2.</summary>
    public string? Bucket { get; set; }

    /// <summary>V1: the database. Required for V1.</summary>
    public string? Database { get; set; }

    /// <summary>V1: the retention policy; empty (default) means the database's default policy.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>V1: user for HTTP basic authentication; empty (default) means no basic authentication. Requires <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    /// <summary>V1: password for <see cref="Username"/>. Secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Lines per write request (default 5000, 1..100000). A large change set is sent as several requests.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>
    /// Batches on the wire at once within one write (default 2, 1..16): the next batch is serialised and compressed while
    /// earlier ones are being sent and stored, so the server is not idle while the collector formats. A write still
    /// returns only when every batch is acknowledged, so watermarks never move past unacknowledged points.
    /// </summary>
    public int MaxBatchesInFlight { get; set; } = 2;

    /// <summary>Timeout of one write attempt (default 00:00:30, 1 s..10 min); retries get their own attempts.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Compress request bodies with gzip (default true); every InfluxDB version accepts it.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>True when <see cref="Url"/> is set, i.e. this sink is used instead of the file.</summary>
    public bool IsEnabled => Url is not null && !string.IsNullOrWhiteSpace(Url.OriginalString);
}
