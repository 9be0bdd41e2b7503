using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.LineProtocol;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks.InfluxDb;

/// <summary>
/// Writes points to InfluxDB in batches of <see cref="InfluxDbSinkOptions.BatchSize"/> lines: V2 through
/// InfluxDB.Client (<c>/api/v2/write</c>), V1 with a plain <c>POST /write</c>; both on the
/// <see cref="HttpClientName"/> client from <see cref="IHttpClientFactory"/>, whose standard resilience handler
/// retries transient errors. Failures surface as <see cref="SinkException"/> (see <see cref="InfluxDbErrors"/>).
/// </summary>
/// <remarks>
/// The HttpClient is created per write rather than held (the sink is a singleton; a held client would never see its
/// handler rotated, so DNS changes of the InfluxDB host would be missed). InfluxDB.Client accepts it through
/// <see cref="InfluxDBClientOptions.HttpClient"/> and does not dispose it.
/// </remarks>
public sealed partial class InfluxDbSink : IPointSink
{
    /// <summary>The named client used for writes (standard resilience handler, <c>Sinks:InfluxDb:Resilience</c>).</summary>
    public const string HttpClientName = "FlowCollector.Sinks.InfluxDb";

    /// <summary>The named client used by <see cref="CheckAsync"/>: no retries, so <c>validate</c> answers quickly.</summary>
    public const string CheckHttpClientName = "FlowCollector.Sinks.InfluxDb.Check";

    private readonly IHttpClientFactory httpClientFactory;
    private readonly InfluxDbSinkOptions options;
    private readonly ILogger logger;

    public InfluxDbSink(IHttpClientFactory httpClientFactory, IOptions<InfluxDbSinkOptions> options, ILogger<InfluxDbSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        this.httpClientFactory = httpClientFactory;
        this.options = options.Value;
        this.logger = logger ?? NullLogger<InfluxDbSink>.Instance;
        if (!this.options.IsEnabled)
        {
            throw new InvalidOperationException($"{InfluxDbSinkOptions.SectionName}:Url is not set; the InfluxDB sink needs it.");
        }

        var target = this.options.ApiVersion == InfluxDbApiVersion.V2
            ? $"org={this.options.Org} bucket={this.options.Bucket}"
            : string.IsNullOrEmpty(this.options.RetentionPolicy) ? $"db={this.options.Database}" : $"db={this.options.Database} rp={this.options.RetentionPolicy}";
        this.Description = $"influxdb {(this.options.ApiVersion == InfluxDbApiVersion.V2 ? "v2" : "v1")} {InfluxDbEndpoints.Display(this.options.Url!)} {target}";
    }

    /// <summary>E.g. <c>influxdb v2 http://influxdb:8086 org=o bucket=b</c> or <c>influxdb v1 http://influxdb:8086 db=flow</c>; never a secret.</summary>
    public string Description { get; }

    public async Task WriteAsync(IReadOnlyList<FlowPoint> points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        var lines = this.Serialise(points);
        for (var start = 0; start < lines.Count; start += this.options.BatchSize)
        {
            var batch = lines.GetRange(start, Math.Min(this.options.BatchSize, lines.Count - start));
            if (this.options.ApiVersion == InfluxDbApiVersion.V2)
            {
                await this.WriteV2Async(batch, cancellationToken);
            }
            else
            {
                await this.WriteV1Async(batch, cancellationToken);
            }

            Log.BatchWritten(this.logger, batch.Count, this.Description);
        }
    }

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var http = this.httpClientFactory.CreateClient(CheckHttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, InfluxDbEndpoints.Ping(this.options));
        this.Authorize(request);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.NoContent or HttpStatusCode.OK => null,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    InfluxDbErrors.FromStatus((int)response.StatusCode, null, this.options, this.Description).Message,
                _ => $"{this.Description}: GET /ping answered HTTP {(int)response.StatusCode}, not 204; check that {InfluxDbSinkOptions.SectionName}:Url points at InfluxDB.",
            };
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return e is HttpRequestException
                ? $"{this.Description}: cannot reach InfluxDB ({e.Message}); check {InfluxDbSinkOptions.SectionName}:Url and that InfluxDB is running."
                : $"{this.Description}: InfluxDB did not answer GET /ping within {this.options.Timeout}; check {InfluxDbSinkOptions.SectionName}:Url.";
        }
    }

    private List<string> Serialise(IReadOnlyList<FlowPoint> points)
    {
        var lines = new List<string>(points.Count);
        foreach (var point in points)
        {
            try
            {
                lines.Add(LineProtocolWriter.Write(point));
            }
            catch (ArgumentException e)
            {
                throw new SinkException($"{this.Description}: a point cannot be written as line protocol: {e.Message} This is a FlowCollector bug; please report it with this message.", permanent: true, e);
            }
        }

        return lines;
    }

    private async Task WriteV1Async(List<string> batch, CancellationToken cancellationToken)
    {
        var http = this.httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, InfluxDbEndpoints.V1Write(this.options))
        {
            Content = this.Body(batch),
        };
        this.Authorize(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(e))
        {
            throw InfluxDbErrors.FromException(e, this.options, this.Description);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var errorText = InfluxDbErrors.ErrorText(await response.Content.ReadAsStringAsync(cancellationToken));
            this.ThrowUnlessOnlyBeyondRetention((int)response.StatusCode, errorText, batch.Count);
        }
    }

    private async Task WriteV2Async(List<string> batch, CancellationToken cancellationToken)
    {
        var clientOptions = new InfluxDBClientOptions(InfluxDbEndpoints.Base(this.options.Url!).AbsoluteUri)
        {
            Token = this.options.Token,
            Org = this.options.Org,
            Bucket = this.options.Bucket,
            HttpClient = this.httpClientFactory.CreateClient(HttpClientName),

            // The resilience pipeline owns attempt and total timeouts; this outer bound only guards against a hang.
            Timeout = InfluxDbResilience.OuterTimeout(this.options),
        };
        using var client = new InfluxDBClient(clientOptions);
        if (this.options.Gzip)
        {
            client.EnableGzip();
        }

        try
        {
            await client.GetWriteApiAsync().WriteRecordsAsync(batch, WritePrecision.Ns, this.options.Bucket, this.options.Org, cancellationToken);
        }
        catch (HttpException e) when (e.Status > 0)
        {
            this.ThrowUnlessOnlyBeyondRetention(e.Status, e.Message, batch.Count);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is HttpException || IsTransportFailure(e)))
        {
            // InfluxDB.Client reports a failure without an HTTP answer as status 0 with the cause inside.
            throw InfluxDbErrors.FromException(e is HttpException && e.InnerException is not null ? e.InnerException : e, this.options, this.Description);
        }
        catch (HttpException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private void ThrowUnlessOnlyBeyondRetention(int status, string? errorText, int lineCount)
    {
        if (InfluxDbErrors.IsOnlyBeyondRetention(status, errorText))
        {
            Log.DroppedBeyondRetention(this.logger, this.Description, lineCount, errorText);
            return;
        }

        throw InfluxDbErrors.FromStatus(status, errorText, this.options, this.Description);
    }

    private ByteArrayContent Body(List<string> batch)
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\n', batch));
        if (!this.options.Gzip)
        {
            var plain = new ByteArrayContent(text);
            plain.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            return plain;
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(text);
        }

        // A byte array (not a stream) so the resilience handler can send the same body again on a retry.
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(this.options.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", this.options.Token);
        }
        else if (this.options.ApiVersion == InfluxDbApiVersion.V1 && !string.IsNullOrEmpty(this.options.Username))
        {
            var pair = Encoding.UTF8.GetBytes($"{this.options.Username}:{this.options.Password}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }
    }

    private static bool IsTransportFailure(Exception e) =>
        e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.ExecutionRejectedException;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Wrote {LineCount} lines to {Sink}")]
        public static partial void BatchWritten(ILogger logger, int lineCount, string sink);

        [LoggerMessage(2, LogLevel.Warning, "{Sink} dropped points of a batch of {LineCount} lines because they are older than the retention policy: {InfluxError}")]
        public static partial void DroppedBeyondRetention(ILogger logger, string sink, int lineCount, string? influxError);
    }
}
