using System.Net;
using System.Text;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.Tests.LineProtocol;
using FlowCollector.Testing.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>
/// Pipelined writes (<c>Sinks:InfluxDb:MaxBatchesInFlight</c>): how many batches are on the wire at once, that a write
/// returns only once every batch is acknowledged, that the first failure stops the rest, and that a real InfluxDB
/// stores every point exactly once when batches overlap.
/// </summary>
public sealed class InfluxDbSinkPipelineTests(InfluxDbServerFixture fixture) : IClassFixture<InfluxDbServerFixture>
{
    private static readonly FlowPoint[] ThirtyPoints = [.. Enumerable.Range(1, 30).Select(i => LineProtocolWriterTests.P("m", [("repo", "web")], [("n", FieldValue.Of((long)i))], i))];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 4)]
    public async Task At_most_MaxBatchesInFlight_batches_are_on_the_wire_at_once(int inFlight, int expectedPeak)
    {
        // 30 points in batches of 3 = 10 requests, each held 50 ms by the server: a pipeline of N reaches N at once.
        var server = new RecordingHandler(TimeSpan.FromMilliseconds(50));
        using var provider = Build(server, ("BatchSize", "3"), ("MaxBatchesInFlight", inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await provider.GetRequiredService<IPointSink>().WriteAsync(ThirtyPoints, TestContext.Current.CancellationToken);

        Assert.Equal(expectedPeak, server.PeakConcurrency);
        Assert.Equal(10, server.Bodies.Count);

        // Every line exactly once, whatever order the batches arrived in.
        var lines = server.Bodies.SelectMany(b => b.Split('\n')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ThirtyPoints.Select(p => $"m,repo=web n={p.TimestampNanoseconds}i {p.TimestampNanoseconds}").Order(StringComparer.Ordinal), lines);
    }

    [Fact]
    public async Task A_write_returns_only_when_every_batch_is_acknowledged()
    {
        var server = new RecordingHandler(TimeSpan.FromMilliseconds(40));
        using var provider = Build(server, ("BatchSize", "3"), ("MaxBatchesInFlight", "4"));

        await provider.GetRequiredService<IPointSink>().WriteAsync(ThirtyPoints, TestContext.Current.CancellationToken);

        // Acknowledged = the server answered; a caller moves its watermark right after this returns.
        Assert.Equal(10, server.Answered);
        Assert.Equal(0, server.Concurrency);
    }

    [Fact]
    public async Task The_first_failed_batch_fails_the_write_and_stops_the_batches_behind_it()
    {
        // The third request is refused as unparsable (a permanent error, not retried).
        var server = new RecordingHandler(TimeSpan.FromMilliseconds(30), failRequest: 3);
        using var provider = Build(server, ("BatchSize", "3"), ("MaxBatchesInFlight", "2"));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.GetRequiredService<IPointSink>().WriteAsync(ThirtyPoints, TestContext.Current.CancellationToken));

        Assert.Contains("HTTP 400", e.Message, StringComparison.Ordinal);

        // Batches 1 and 2 start together and end together, so 3 and 4 start together; 3 fails as 4 ends, and whichever
        // the sink sees first may let batch 5 start. Nothing after that: 5 of 10 at most, and none still running.
        Assert.InRange(server.Started, 3, 5);
        Assert.Equal(0, server.Concurrency);
    }

    [Fact]
    public async Task Overlapping_batches_store_every_point_once_in_a_real_InfluxDB()
    {
        var influx = await fixture.ServerAsync(TestContext.Current.CancellationToken);
        var database = $"flow_{Guid.NewGuid():N}";
        await influx.CreateDatabaseAsync(database, TestContext.Current.CancellationToken);
        var points = Enumerable.Range(0, 20_000).Select(i => LineProtocolWriterTests.P(
            "change_stage",
            [("repo", $"r{i % 7}"), ("stage", "ci")],
            [("change_id", FieldValue.Of(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), ("seconds", FieldValue.Of(i * 1.5))],
            1_741_003_200_000_000_000L + i)).ToList();
        using var provider = SinkProvider.Build(SinkProvider.V1(influx.Url.AbsoluteUri, ("Database", database), ("BatchSize", "700"), ("MaxBatchesInFlight", "4")));

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        // 20,000 points in 29 batches (28 × 700 + 400); Σ seconds = 1.5 × Σ 0..19,999 = 1.5 × 199,990,000 = 299,985,000.
        var rows = await influx.QueryRowsAsync(database, "SELECT count(seconds), sum(seconds) FROM change_stage", TestContext.Current.CancellationToken);
        var row = Assert.Single(rows);
        Assert.Equal(20_000, row["count"].GetInt64());
        Assert.Equal(299_985_000d, row["sum"].GetDouble());
    }

    private static ServiceProvider Build(RecordingHandler handler, params (string Key, string? Value)[] overrides)
    {
        var settings = SinkProvider.V1("http://127.0.0.1:9/", [("Gzip", "false"), .. overrides]);
        var services = new ServiceCollection();
        services.AddPointSinks(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => handler));
        return services.BuildServiceProvider();
    }

    /// <summary>A stand-in server that holds each request for a while and records how many overlap.</summary>
    private sealed class RecordingHandler(TimeSpan hold, int failRequest = 0) : HttpMessageHandler
    {
        private readonly Lock gate = new();
        private int started;
        private int answered;
        private int concurrency;
        private int peak;

        public List<string> Bodies { get; } = [];

        public int Started => Volatile.Read(ref started);

        public int Answered => Volatile.Read(ref answered);

        public int Concurrency => Volatile.Read(ref concurrency);

        public int PeakConcurrency => Volatile.Read(ref peak);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var number = Interlocked.Increment(ref started);
            var now = Interlocked.Increment(ref concurrency);
            lock (gate)
            {
                peak = Math.Max(peak, now);
            }

            try
            {
                var body = await request.Content!.ReadAsStringAsync(cancellationToken);
                await Task.Delay(hold, cancellationToken);
                if (number == failRequest)
                {
                    return new HttpResponseMessage(HttpStatusCode.BadRequest)
                    {
                        Content = new StringContent("""{"error":"unable to parse 'm n=': missing field value"}""", Encoding.UTF8, "application/json"),
                    };
                }

                lock (gate)
                {
                    Bodies.Add(body);
                }

                Interlocked.Increment(ref answered);
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            }
            finally
            {
                Interlocked.Decrement(ref concurrency);
            }
        }
    }
}
