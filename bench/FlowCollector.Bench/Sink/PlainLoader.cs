using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using FlowCollector.Bench.Measurement;
using FlowCollector.Domain.Points;
using FlowCollector.Sinks.LineProtocol;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Bench.Sink;

/// <summary>
/// The yardstick for the sink: the simplest loader that could feed the same InfluxDB — the same lines, read ready-made
/// (as from a line-protocol file), cut into the same batches, gzipped and POSTed to <c>/write</c> by N writers taking the
/// next batch as they finish one; no validation, no retries. What it reaches is what the server (sharing the machine)
/// takes, so the sink's rate over it says how much of the server's capacity the sink uses.
/// </summary>
internal static class PlainLoader
{
    public static async Task<(string[] Row, double PointsPerSecond)> RunAsync(InfluxDbServer server, List<FlowPoint>[] byRepository, int total, int batchSize, bool gzip, int writers)
    {
        var ct = CancellationToken.None;
        var database = $"plain{writers}_{Guid.NewGuid():N}";
        await server.CreateDatabaseAsync(database, ct);

        // Not timed: the lines exist before the load starts.
        var lines = byRepository.SelectMany(p => p).Select(LineProtocolWriter.Write).ToList();
        var batches = new List<string>();
        for (var start = 0; start < lines.Count; start += batchSize)
        {
            batches.Add(string.Join('\n', lines.Skip(start).Take(batchSize)));
        }

        // Deliberately a bare client: the yardstick has no resilience, telemetry or factory in its way.
        using var http = new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { Timeout = TimeSpan.FromMinutes(2) };
        var uri = new Uri(server.Url, $"write?db={database}&precision=ns");
        var next = -1;
        long wire = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                var body = Encoding.UTF8.GetBytes(batches[index]);
                if (gzip)
                {
                    using var buffer = new MemoryStream();
                    using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        zip.Write(body);
                    }

                    body = buffer.ToArray();
                }

                Interlocked.Add(ref wire, body.Length);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
                if (gzip)
                {
                    content.Headers.ContentEncoding.Add("gzip");
                }

                using var response = await http.PostAsync(uri, content, ct);
                response.EnsureSuccessStatusCode();
            }
        })));
        clock.Stop();

        var rows = await server.QueryRowsAsync(database, "SELECT count(\"seconds\") FROM \"change_stage\"", ct);
        var stored = rows.Count == 0 ? 0 : rows[0]["count"].GetInt64();
        var rate = total / clock.Elapsed.TotalSeconds;
        return (
            [
                $"influxdb-v1 (plain loader, {writers} writer{(writers == 1 ? "" : "s")})",
                Figures.Count(total),
                Figures.Count(stored),
                Figures.Decimal(clock.Elapsed.TotalSeconds, 2),
                Figures.PerSecond(total, clock.Elapsed),
                Figures.Decimal((double)wire / total, 1),
                Figures.Decimal((double)lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l) + 1) / total, 1),
                "n/a",
                "n/a",
            ],
            rate);
    }
}
