using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Hosting;
using FlowCollector.Worker.Telemetry;
using FlowCollector.Worker.Tests.EndToEnd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FlowCollector.Worker.Tests.Telemetry;

/// <summary>Logs and self-telemetry as a Kubernetes platform team collects them: JSON lines, OTLP with trace ids, semantic-convention names.</summary>
public sealed class SelfTelemetryTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public void With_the_json_formatter_each_log_line_parses_as_JSON_with_a_UTC_timestamp()
    {
        var configuration = new ConfigurationManager();
        ConfigurationSetup.Apply(configuration, CommandLine.Parse(["once", "--Logging:Console:FormatterName=json"]), "Production", _ => null);
        var services = new ServiceCollection();
        services.AddLogging(logging => FlowCollectorApp.ConfigureLogging(logging, configuration.GetSection("Logging")));
        using var provider = services.BuildServiceProvider();
        var formatter = provider.GetServices<ConsoleFormatter>().Single(f => f.Name == provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        using var output = new StringWriter();

        foreach (var (message, exception) in new[] { ("Reading github:contoso/web from 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z (30d00h, first backfill)", (Exception?)null), ("a \"quoted\"\nmultiline message", new InvalidOperationException("boom")) })
        {
            var entry = new Microsoft.Extensions.Logging.Abstractions.LogEntry<string>(LogLevel.Information, "FlowCollector.Worker.Collection.CollectionProgress", new EventId(1), message, exception, (s, _) => s);
            formatter.Write(in entry, null, output);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // one line per record, even for a multi-line message and an exception
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", json.RootElement.GetProperty("Timestamp").GetString());
            Assert.Equal("Information", json.RootElement.GetProperty("LogLevel").GetString());
        }

        Assert.Equal("a \"quoted\"\nmultiline message", JsonDocument.Parse(lines[1]).RootElement.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_logs_carry_the_trace_of_their_run_and_the_resource_names_the_version_and_pod()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var otlp = OtlpReceiver.Start();
        var config = scenario.WriteConfig();

        var (code, stdout, stderr) = await WorkerScenario.RunAsync(
            "once", "--config", config, $"--OTEL_EXPORTER_OTLP_ENDPOINT={otlp.Url}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--K8S_POD_NAME=flowcollector-7d9f8-x2x4q", "--K8S_NAMESPACE_NAME=flow", "--K8S_NODE_NAME=node-1");

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        var logs = otlp.Bodies("/v1/logs").SelectMany(LogRecords).ToList();
        var spans = otlp.Bodies("/v1/traces").SelectMany(Spans).ToList();
        // The tracer listens to every FlowCollector span in this process (other tests run once too); the logger only to this host's.
        var collected = Assert.Single(logs, l => l.Body.StartsWith("Collected github:contoso/web:", StringComparison.Ordinal));
        var run = Assert.Single(spans, s => s.TraceId.SequenceEqual(collected.TraceId) && s.Name.StartsWith("collect ", StringComparison.Ordinal));
        Assert.Equal("collect github:contoso/web", run.Name);
        Assert.Contains(spans, s => s.TraceId.SequenceEqual(collected.TraceId) && s.Name is "GET" or "POST"); // the API calls under it
        Assert.Contains(logs, l => l.Body.StartsWith("Reading github:contoso/web from", StringComparison.Ordinal) && l.TraceId.SequenceEqual(run.TraceId));

        var resource = otlp.Bodies("/v1/logs").SelectMany(ResourceAttributes).DistinctBy(a => a.Key).ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("flowcollector", resource["service.name"]);
        Assert.Equal(CommandLine.Version, resource["service.version"]);
        Assert.Equal(("flowcollector-7d9f8-x2x4q", "flow", "node-1"), (resource["k8s.pod.name"], resource["k8s.namespace.name"], resource["k8s.node.name"]));

        // The metrics exported when once ends: the collector's own with semantic-convention attribute names, the
        // HttpClient's request duration (which replaced the collector's own request counter) and runtime metrics.
        var metrics = otlp.Bodies("/v1/metrics").SelectMany(MetricNames).ToHashSet();
        Assert.Contains("flowcollector.job.runs", metrics);
        Assert.Contains("http.client.request.duration", metrics);
        Assert.DoesNotContain("flowcollector.api.requests", metrics);
        Assert.Contains(metrics, m => m.StartsWith("dotnet.", StringComparison.Ordinal));
        var raw = otlp.Bodies("/v1/metrics").Select(b => Encoding.UTF8.GetString(b)).ToList();
        Assert.Contains(raw, b => b.Contains("vcs.provider.name", StringComparison.Ordinal) && b.Contains("flowcollector.outcome", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_an_OTLP_endpoint_no_log_record_is_exported()
    {
        var configuration = new ConfigurationManager();
        var services = new ServiceCollection().AddLogging();
        services.AddFlowCollectorTelemetry(configuration, prometheus: false);
        using var provider = services.BuildServiceProvider();

        Assert.DoesNotContain(provider.GetServices<ILoggerProvider>(), p => p.GetType().FullName!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318";
        var exporting = new ServiceCollection().AddLogging();
        exporting.AddFlowCollectorTelemetry(configuration, prometheus: false);
        using var withOtlp = exporting.BuildServiceProvider();
        Assert.Contains(withOtlp.GetServices<ILoggerProvider>(), p => p.GetType().FullName!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("github:contoso/web", "github", "contoso", "web")]
    [InlineData("azuredevops:fabrikam/payments/shop", "azuredevops", "fabrikam/payments", "shop")]
    public void A_target_is_named_by_the_VCS_semantic_conventions(string key, string provider, string owner, string repository)
    {
        var tags = FlowCollectorTelemetry.TargetTags(key).ToDictionary(t => t.Key, t => t.Value);

        Assert.Equal(new Dictionary<string, object?> { ["vcs.provider.name"] = provider, ["vcs.owner.name"] = owner, ["vcs.repository.name"] = repository }, tags);
    }

    // OTLP/protobuf, read just far enough (opentelemetry-proto: collector/*/v1/*_service.proto, logs/v1, trace/v1,
    // metrics/v1, resource/v1, common/v1 — field numbers from those files).
    private static IEnumerable<(string Body, byte[] TraceId)> LogRecords(byte[] request) =>
        from resourceLogs in Protobuf.Messages(request, 1)
        from scopeLogs in Protobuf.Messages(resourceLogs, 2)
        from record in Protobuf.Messages(scopeLogs, 2)
        select (Protobuf.Messages(record, 5).Select(v => Protobuf.String(v, 1)).FirstOrDefault() ?? "", Protobuf.Messages(record, 9).FirstOrDefault() ?? []);

    private static IEnumerable<(string Name, byte[] TraceId)> Spans(byte[] request) =>
        from resourceSpans in Protobuf.Messages(request, 1)
        from scopeSpans in Protobuf.Messages(resourceSpans, 2)
        from span in Protobuf.Messages(scopeSpans, 2)
        select (Protobuf.String(span, 5) ?? "", Protobuf.Messages(span, 1).First());

    private static IEnumerable<string> MetricNames(byte[] request) =>
        from resourceMetrics in Protobuf.Messages(request, 1)
        from scopeMetrics in Protobuf.Messages(resourceMetrics, 2)
        from metric in Protobuf.Messages(scopeMetrics, 2)
        select Protobuf.String(metric, 1) ?? "";

    private static IEnumerable<KeyValuePair<string, string>> ResourceAttributes(byte[] request) =>
        (from resourceLogs in Protobuf.Messages(request, 1)
         from resource in Protobuf.Messages(resourceLogs, 1)
         from attribute in Protobuf.Messages(resource, 1)
         select new KeyValuePair<string, string>(Protobuf.String(attribute, 1) ?? "", Protobuf.Messages(attribute, 2).Select(v => Protobuf.String(v, 1)).FirstOrDefault() ?? ""))
        .DistinctBy(a => a.Key);

    /// <summary>The few protobuf wire-format rules the assertions need: varint keys, length-delimited fields.</summary>
    private static class Protobuf
    {
        public static IEnumerable<byte[]> Messages(byte[] message, int field)
        {
            var i = 0;
            while (i < message.Length)
            {
                var key = Varint(message, ref i);
                var (number, wire) = ((int)(key >> 3), (int)(key & 7));
                switch (wire)
                {
                    case 0:
                        Varint(message, ref i);
                        break;
                    case 1:
                        i += 8;
                        break;
                    case 5:
                        i += 4;
                        break;
                    case 2:
                        var length = (int)Varint(message, ref i);
                        if (number == field)
                        {
                            yield return message[i..(i + length)];
                        }

                        i += length;
                        break;
                    default:
                        throw new InvalidDataException($"wire type {wire}");
                }
            }
        }

        public static string? String(byte[] message, int field) => Messages(message, field).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault();

        private static ulong Varint(byte[] data, ref int i)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[i++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }

    /// <summary>An OTLP/HTTP endpoint that accepts everything and keeps the request bodies by path.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> received = new();
        private readonly Task loop;

        private OtlpReceiver(int port)
        {
            Url = $"http://127.0.0.1:{port}";
            listener.Prefixes.Add(Url + "/");
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public static OtlpReceiver Start()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new OtlpReceiver(port);
        }

        public List<byte[]> Bodies(string path) => received.Where(r => r.Path == path).Select(r => r.Body).ToList();

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
