using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace FlowCollector.Testing.Servers;

/// <summary>
/// A throwaway VictoriaMetrics (Debian's <c>victoria-metrics</c>) on a free loopback port with its data in a temp
/// directory. It accepts InfluxDB line protocol on <c>/write</c> and <c>/api/v2/write</c>; a field <c>f</c> of
/// measurement <c>m</c> becomes the metric <c>m_f</c>, timestamps are kept in milliseconds, booleans become 1/0.
/// Retention is 100 years so fixed historic timestamps in tests are kept.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    public const string BinaryPath = "/usr/bin/victoria-metrics";
    public const string DebianPackage = "victoria-metrics";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServerProcess process;
    private readonly HttpClient http;

    private VictoriaMetricsServer(ServerProcess process, Uri url)
    {
        this.process = process;
        Url = url;
        http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c> (no authentication; any token is accepted).</summary>
    public Uri Url { get; }

    /// <summary>The last lines of the server's log, for failure messages.</summary>
    public string Log => process.Log;

    /// <summary>
    /// Starts <c>victoria-metrics</c> and waits until <c>GET /health</c> answers 200 (at most 30 s). Skips the test
    /// (or fails it on CI) when the binary is missing, see <see cref="RequiredBinary"/>.
    /// </summary>
    public static async Task<VictoriaMetricsServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binary = RequiredBinary.Find(BinaryPath, DebianPackage);
        for (var attempt = 1; ; attempt++)
        {
            var directory = ServerProcess.CreateTempDirectory("flowcollector-victoriametrics");
            var port = ServerProcess.FreeLoopbackPort();
            var url = new Uri($"http://127.0.0.1:{port}/");
            string[] arguments =
            [
                "-storageDataPath", Path.Combine(directory, "data"),
                "-httpListenAddr", $"127.0.0.1:{port}",
                "-retentionPeriod=100y",
                // Each export must see the latest flush, not a cached answer from an earlier poll.
                "-search.disableCache",
            ];
            try
            {
                var process = await ServerProcess.StartAsync(
                    "victoria-metrics", binary, arguments, directory, new Uri(url, "health"), HttpStatusCode.OK, StartTimeout, cancellationToken);
                return new VictoriaMetricsServer(process, url);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Port taken between picking and binding: try another.
            }
        }
    }

    /// <summary>Makes samples written so far visible to queries (<c>/internal/force_flush</c>).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri("internal/force_flush", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Flushes, then exports every series matching a selector (<c>/api/v1/export?match[]=…</c>), e.g. <c>{__name__=~"change_stage_.*"}</c>.</summary>
    public async Task<IReadOnlyList<VictoriaMetricsSeries>> ExportAsync(string match, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(match);
        await FlushAsync(cancellationToken);
        var uri = new Uri($"api/v1/export?match[]={Uri.EscapeDataString(match)}", UriKind.Relative);
        using var response = await http.GetAsync(uri, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"export of {match} failed with HTTP {(int)response.StatusCode}: {body}");
        }

        var series = new List<VictoriaMetricsSeries>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var labels = root.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var values = root.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var timestamps = root.GetProperty("timestamps").EnumerateArray().Select(t => t.GetInt64()).ToArray();
            series.Add(new VictoriaMetricsSeries(labels, values, timestamps));
        }

        return series;
    }

    /// <summary>
    /// Exports until <paramref name="complete"/> holds for the result (samples become visible shortly after a write)
    /// or <paramref name="timeout"/> passes; returns the last export either way, so the caller's asserts explain a miss.
    /// </summary>
    public async Task<IReadOnlyList<VictoriaMetricsSeries>> ExportUntilAsync(string match, Func<IReadOnlyList<VictoriaMetricsSeries>, bool> complete, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(complete);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var series = await ExportAsync(match, cancellationToken);
            if (complete(series) || stopwatch.Elapsed >= timeout)
            {
                return series;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>Stops the server (process tree) and deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await process.DisposeAsync();
    }
}

/// <summary>One exported series: its labels (<c>__name__</c> is <see cref="Name"/>), values and millisecond timestamps, index-aligned.</summary>
public sealed record VictoriaMetricsSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<double> Values, IReadOnlyList<long> TimestampsMilliseconds)
{
    /// <summary>The metric name, <c>measurement_field</c> for InfluxDB line protocol.</summary>
    public string Name => Labels.TryGetValue("__name__", out var name) ? name : "";
}
