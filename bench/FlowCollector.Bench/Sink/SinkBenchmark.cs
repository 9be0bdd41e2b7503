using System.Diagnostics;
using FlowCollector.Bench.Engine;
using FlowCollector.Bench.Measurement;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks;
using FlowCollector.Testing.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Bench.Sink;

/// <summary>
/// Writes the engine's own points (change_stage points of a synthetic history) through the production sink
/// (<see cref="SinkServiceCollectionExtensions.AddPointSinks"/>) to a local InfluxDB 1.x (<c>/write</c>) and to
/// VictoriaMetrics (<c>/api/v2/write</c> through InfluxDB.Client), one <see cref="IPointSink.WriteAsync"/> per
/// repository as the collector does, and reports points per second, bytes per point on the wire, allocations and
/// the peak working set. The stored point count is read back, so a fast run that lost points shows.
/// </summary>
internal static class SinkBenchmark
{
    public static async Task RunAsync(BenchArguments arguments, TextWriter output, TextWriter progress)
    {
        var pointTarget = arguments.Int("points", 1_000_000);
        var repositories = arguments.Int("repos", 100);
        var batchSize = arguments.Int("batch", 5000);
        var targets = (arguments.Text("targets") ?? "influxdb-v1,victoria-metrics-v2").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var gzip = !arguments.Flag("no-gzip");
        var inFlight = arguments.Int("in-flight", 2);
        arguments.EnsureAllRead();

        var log = new ProgressLog(progress);
        log.Write($"generating ≥{pointTarget:N0} change_stage points over {repositories} repositories");
        var byRepository = Points(pointTarget, repositories);
        var total = byRepository.Sum(p => p.Count);
        log.Write($"{total:N0} points");

        MachineInfo.WriteTo(output);
        output.WriteLine($"Sink: {total:N0} points, {repositories} writes (one per repository), batch size {batchSize}, gzip {(gzip ? "on" : "off")}");
        output.WriteLine();
        var table = new MarkdownTable("target", "points", "stored", "wall s", "points/s", "wire bytes/point", "raw bytes/point", "allocated bytes/point", "peak working set MB");
        var ratios = new List<string>();
        foreach (var target in targets)
        {
            log.Write($"writing to {target}");
            var row = await RunTargetAsync(target, byRepository, total, batchSize, gzip, inFlight, log);
            if (target == "influxdb-v1")
            {
                row = await WithPlainLoaderAsync(row, byRepository, total, batchSize, gzip, log);
            }

            table.Add(row.Sink);
            foreach (var loaderRow in row.Loader)
            {
                table.Add(loaderRow);
            }

            if (row.Ratio is { } ratio)
            {
                ratios.Add(ratio);
            }
        }

        table.WriteTo(output);
        foreach (var ratio in ratios)
        {
            output.WriteLine();
            output.WriteLine(ratio);
        }
    }

    private static List<FlowPoint>[] Points(int pointTarget, int repositories)
    {
        // About seven stages per merged change and ten events per change: ask the engine for enough history.
        var stream = SyntheticFlowStream.Generate(Math.Max(10_000, pointTarget * 3), repositories, seed: 42);
        var pass = new EnginePass();
        var points = EnginePass.Points(EnginePass.Timelines(pass.Fold(stream.Repositories, stream.EventsByRepository)));
        var remaining = pointTarget;
        for (var i = 0; i < points.Length; i++)
        {
            var take = Math.Min(remaining, points[i].Count);
            points[i] = points[i].GetRange(0, take);
            remaining -= take;
        }

        return points;
    }

    private static async Task<TargetRows> RunTargetAsync(string target, List<FlowPoint>[] byRepository, int total, int batchSize, bool gzip, int inFlight, ProgressLog log)
    {
        var ct = CancellationToken.None;
        var wire = new WireCounter();
        IAsyncDisposable server;
        Dictionary<string, string?> settings;
        Func<Task<long>> storedCount;
        switch (target)
        {
            case "influxdb-v1":
                var influx = await InfluxDbServer.StartAsync(ct);
                await influx.CreateDatabaseAsync("flow", ct);
                server = influx;
                settings = new() { ["Sinks:InfluxDb:Url"] = influx.Url.ToString(), ["Sinks:InfluxDb:ApiVersion"] = "V1", ["Sinks:InfluxDb:Database"] = "flow" };
                storedCount = async () =>
                {
                    var rows = await influx.QueryRowsAsync("flow", "SELECT count(\"seconds\") FROM \"change_stage\"", ct);
                    return rows.Count == 0 ? 0 : rows[0]["count"].GetInt64();
                };
                break;
            case "victoria-metrics-v2":
                var vm = await VictoriaMetricsServer.StartAsync(ct);
                server = vm;
                settings = new() { ["Sinks:InfluxDb:Url"] = vm.Url.ToString(), ["Sinks:InfluxDb:ApiVersion"] = "V2", ["Sinks:InfluxDb:Org"] = "bench", ["Sinks:InfluxDb:Bucket"] = "flow", ["Sinks:InfluxDb:Token"] = "bench" };
                storedCount = async () =>
                {
                    await vm.FlushAsync(ct);
                    var series = await vm.ExportAsync("{__name__=\"change_stage_seconds\"}", ct);
                    return series.Sum(s => (long)s.Values.Count);
                };
                break;
            case "null-v1" or "null-v2":
                // No server: every write answers 204 at once, so the row is the collector's own cost per point.
                server = new NoServer();
                settings = target == "null-v1"
                    ? new() { ["Sinks:InfluxDb:Url"] = "http://127.0.0.1:9/", ["Sinks:InfluxDb:ApiVersion"] = "V1", ["Sinks:InfluxDb:Database"] = "flow" }
                    : new() { ["Sinks:InfluxDb:Url"] = "http://127.0.0.1:9/", ["Sinks:InfluxDb:ApiVersion"] = "V2", ["Sinks:InfluxDb:Org"] = "bench", ["Sinks:InfluxDb:Bucket"] = "flow", ["Sinks:InfluxDb:Token"] = "bench" };
                storedCount = () => Task.FromResult(-1L);
                break;
            default:
                throw new BenchUsageException($"unknown sink target '{target}' (influxdb-v1, victoria-metrics-v2, null-v1 or null-v2)");
        }

        await using (server)
        {
            settings["Sinks:InfluxDb:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Sinks:InfluxDb:Gzip"] = gzip ? "true" : "false";
            settings["Sinks:InfluxDb:Timeout"] = "00:01:00";
            settings["Sinks:InfluxDb:MaxBatchesInFlight"] = inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection();
            services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new WireCountingHandler(wire)));
            services.AddPointSinks(configuration);
            if (server is NoServer)
            {
                services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => new NoContentHandler()));
            }

            await using var provider = services.BuildServiceProvider();
            var sink = provider.GetRequiredService<IPointSink>();

            Memory.Settle();
            Memory.TryResetPeakWorkingSet();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            foreach (var points in byRepository)
            {
                await sink.WriteAsync(points, ct);
            }

            clock.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var peak = Memory.PeakWorkingSetBytes();
            var stored = await storedCount();
            string[] sinkRow =
            [
                $"{target} (sink, {inFlight} in flight)",
                Figures.Count(total),
                stored < 0 ? "n/a" : Figures.Count(stored),
                Figures.Decimal(clock.Elapsed.TotalSeconds, 2),
                Figures.PerSecond(total, clock.Elapsed),
                Figures.Decimal((double)wire.Bytes / total, 1),
                Figures.Decimal((double)RawBytes(byRepository) / total, 1),
                Figures.Decimal((double)allocated / total, 0),
                Memory.Megabytes(peak),
            ];
            return new TargetRows(sinkRow, clock.Elapsed.TotalSeconds, [], null);
        }
    }

    /// <summary>
    /// The server's own limit, measured in the same run: a plain loader posting the same lines with one and two writers,
    /// each on a fresh influxd as the sink had (a server that just ingested a million points is busy compacting).
    /// </summary>
    private static async Task<TargetRows> WithPlainLoaderAsync(TargetRows sink, List<FlowPoint>[] byRepository, int total, int batchSize, bool gzip, ProgressLog log)
    {
        var sinkRate = total / sink.Seconds;
        var loaderRows = new List<string[]>();
        var rates = new Dictionary<int, double>();
        foreach (var writers in (int[])[1, 2])
        {
            log.Write($"plain loader, {writers} writer(s)");
            await using var influx = await InfluxDbServer.StartAsync(CancellationToken.None);
            var (row, rate) = await PlainLoader.RunAsync(influx, byRepository, total, batchSize, gzip, writers);
            loaderRows.Add(row);
            rates[writers] = rate;
        }

        var ratio = $"influxdb-v1: the sink reached {sinkRate / rates[2]:P0} of the plain loader's two-writer rate ({sinkRate:N0} vs {rates[2]:N0} points/s; one writer {rates[1]:N0}). Target ≥ 90 %.";
        return sink with { Loader = loaderRows, Ratio = ratio };
    }

    private sealed record TargetRows(string[] Sink, double Seconds, IReadOnlyList<string[]> Loader, string? Ratio);

    /// <summary>Line-protocol bytes before compression (one line feed per point), computed outside the timed write.</summary>
    private static long RawBytes(List<FlowPoint>[] byRepository) =>
        byRepository.Sum(points => points.Sum(p => (long)System.Text.Encoding.UTF8.GetByteCount(FlowCollector.Sinks.LineProtocol.LineProtocolWriter.Write(p)) + 1));

    private sealed class NoServer : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class NoContentHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.LoadIntoBufferAsync(cancellationToken);
            }

            return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent) { RequestMessage = request };
        }
    }

    private sealed class WireCounter
    {
        private long bytes;

        public long Bytes => Interlocked.Read(ref bytes);

        public void Add(long sent) => Interlocked.Add(ref bytes, sent);
    }

    /// <summary>Counts request bodies as sent (after gzip). Buffering the body is what the resilience handler does anyway.</summary>
    private sealed class WireCountingHandler(WireCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.LoadIntoBufferAsync(cancellationToken);
                counter.Add(request.Content.Headers.ContentLength ?? (await request.Content.ReadAsByteArrayAsync(cancellationToken)).LongLength);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
