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
        Description = $"influxdb {(this.options.ApiVersion == InfluxDbApiVersion.V2 ? "v2" : "v1")} {InfluxDbEndpoints.Display(this.options.Url!)} {target}";
    }

    /// <summary>E.g. <c>influxdb v2 http://influxdb:8086 org=o bucket=b</c> or <c>influxdb v1 http://influxdb:8086 db=flow</c>; never a secret.</summary>
    public string Description { get; }

    /// <remarks>
    /// Every point is checked before the first batch is sent (an unwritable point is a bug, and a run should fail
    /// before writing half of itself). Then batches are pipelined: up to <see cref="InfluxDbSinkOptions.MaxBatchesInFlight"/>
    /// are on the wire while the next is serialised and compressed, so memory holds that many batches of text, not the
    /// whole run. The call returns only when every batch is acknowledged; the first failure cancels the batches still
    /// in flight and is the one reported (the caller keeps its watermark, and re-written points are idempotent).
    /// </remarks>
    public async Task WriteAsync(IReadOnlyList<FlowPoint> points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        for (var i = 0; i < points.Count; i++)
        {
            Validate(points[i]);
        }

        var text = new StringBuilder(256);
        using var v2 = options.ApiVersion == InfluxDbApiVersion.V2 ? CreateV2Client() : null;
        var batchSize = options.BatchSize;
        if (options.MaxBatchesInFlight <= 1 || points.Count <= batchSize)
        {
            for (var start = 0; start < points.Count; start += batchSize)
            {
                await WriteBatchAsync(points, start, Math.Min(batchSize, points.Count - start), v2, text, cancellationToken);
            }

            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task>(options.MaxBatchesInFlight);
        try
        {
            for (var start = 0; start < points.Count; start += batchSize)
            {
                if (inFlight.Count == options.MaxBatchesInFlight)
                {
                    await AwaitFirstAsync(inFlight);
                }

                var count = Math.Min(batchSize, points.Count - start);
                var body = Serialise(points, start, count, v2 is not null, text);
                inFlight.Add(SendBatchAsync(points, start, count, body, v2, stop.Token));
            }

            while (inFlight.Count > 0)
            {
                await AwaitFirstAsync(inFlight);
            }
        }
        catch
        {
            // The batches still on the wire would only be thrown away: stop them, and let them end before the client goes.
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(inFlight);
            }
#pragma warning disable CA1031 // Their outcome no longer matters: the first failure is the one reported.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            throw;
        }
    }

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(CheckHttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, InfluxDbEndpoints.Ping(options));
        Authorize(request);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.NoContent or HttpStatusCode.OK => await CheckWriteAsync(http, cancellationToken),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    InfluxDbErrors.FromStatus((int)response.StatusCode, null, options, Description).Message,
                _ => $"{Description}: GET /ping answered HTTP {(int)response.StatusCode}, not 204; check that {InfluxDbSinkOptions.SectionName}:Url points at InfluxDB.",
            };
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return e is HttpRequestException
                ? $"{Description}: cannot reach InfluxDB ({e.Message}); check {InfluxDbSinkOptions.SectionName}:Url and that InfluxDB is running."
                : $"{Description}: InfluxDB did not answer GET /ping within {options.Timeout}; check {InfluxDbSinkOptions.SectionName}:Url.";
        }
    }

    /// <summary>
    /// A write with an empty body: it stores nothing, and InfluxDB still checks that the database (bucket, org) exists
    /// and that the credential may write to it — influxd 1.6.7 answers 204, 404 for a missing database and 403 for a
    /// read-only user (tried against the real server by InfluxDbSinkCheckTests). A server that refuses an empty body
    /// (400) is reachable and says nothing about rights: not a failure.
    /// </summary>
    private async Task<string?> CheckWriteAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var uri = options.ApiVersion == InfluxDbApiVersion.V2 ? InfluxDbEndpoints.V2Write(options) : InfluxDbEndpoints.V1Write(options);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) };
        Authorize(request);
        using var response = await http.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is 204 or 200 or 400 or 422)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return InfluxDbErrors.FromStatus(status, text, options, Description).Message;
    }

    /// <summary>Waits for the first of the in-flight batches to end and removes it; its failure, if any, is thrown.</summary>
    private static async Task AwaitFirstAsync(List<Task> inFlight)
    {
        var done = await Task.WhenAny(inFlight);
        inFlight.Remove(done);
        await done;
    }

    /// <summary>
    /// Sends points[start..start+count) as one request, serialised on the spot (the sequential path, and the halves of
    /// a batch the server found too large).
    /// </summary>
    private Task WriteBatchAsync(IReadOnlyList<FlowPoint> points, int start, int count, InfluxDBClient? v2, StringBuilder text, CancellationToken cancellationToken) =>
        SendBatchAsync(points, start, count, Serialise(points, start, count, v2 is not null, text), v2, cancellationToken);

    /// <summary>
    /// The request body of points[start..start+count): a string for InfluxDB.Client (v2), compressed bytes (v1). Either
    /// is a copy, so <paramref name="text"/> is free for the next batch as soon as this returns.
    /// </summary>
    private BatchBody Serialise(IReadOnlyList<FlowPoint> points, int start, int count, bool forV2, StringBuilder text)
    {
        text.Clear();
        for (var i = start; i < start + count; i++)
        {
            if (i > start)
            {
                text.Append('\n');
            }

            Append(text, points[i]);
        }

        return forV2 ? new BatchBody(text.ToString(), null) : new BatchBody(null, Body(text));
    }

    /// <summary>
    /// Sends one serialised batch. A server that finds the body too large (413: its <c>max-body-size</c> is below what
    /// BatchSize produces) gets the two halves instead, down to single lines, so a conservative server slows the write
    /// down rather than failing it.
    /// </summary>
    private async Task SendBatchAsync(IReadOnlyList<FlowPoint> points, int start, int count, BatchBody body, InfluxDBClient? v2, CancellationToken cancellationToken)
    {
        try
        {
            if (v2 is not null)
            {
                await WriteV2Async(v2, body.Text!, count, cancellationToken);
            }
            else
            {
                await WriteV1Async(body.Content!, count, cancellationToken);
            }
        }
        catch (BatchTooLargeException e) when (count > 1)
        {
            var half = count / 2;
            Log.BatchSplit(logger, Description, count, e.Message);
            var text = new StringBuilder(256);
            await WriteBatchAsync(points, start, half, v2, text, cancellationToken);
            await WriteBatchAsync(points, start + half, count - half, v2, text, cancellationToken);
            return;
        }
        catch (BatchTooLargeException e)
        {
            // One line the server still refuses: name the point (serialised again: the body sent may be compressed).
            var line = new StringBuilder(256);
            Append(line, points[start]);
            throw InfluxDbErrors.LineTooLarge(e.Message, line.ToString(), options, Description);
        }

        Log.BatchWritten(logger, count, Description);
    }

    private void Validate(FlowPoint point)
    {
        try
        {
            LineProtocolWriter.Validate(point);
        }
        catch (ArgumentException e)
        {
            throw new SinkException($"{Description}: a point cannot be written as line protocol: {e.Message} This is a FlowCollector bug; please report it with this message.", permanent: true, e);
        }
    }

    private void Append(StringBuilder text, FlowPoint point)
    {
        try
        {
            LineProtocolWriter.Append(text, point);
        }
        catch (ArgumentException e)
        {
            throw new SinkException($"{Description}: a point cannot be written as line protocol: {e.Message} This is a FlowCollector bug; please report it with this message.", permanent: true, e);
        }
    }

    private async Task WriteV1Async(HttpContent body, int lineCount, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, InfluxDbEndpoints.V1Write(options))
        {
            Content = body,
        };
        Authorize(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(e))
        {
            throw InfluxDbErrors.FromException(e, options, Description);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var errorText = InfluxDbErrors.ErrorText(await response.Content.ReadAsStringAsync(cancellationToken));
            ThrowUnlessOnlyBeyondRetention((int)response.StatusCode, errorText, lineCount);
        }
    }

    private InfluxDBClient CreateV2Client()
    {
        var clientOptions = new InfluxDBClientOptions(InfluxDbEndpoints.Base(options.Url!).AbsoluteUri)
        {
            Token = options.Token,
            Org = options.Org,
            Bucket = options.Bucket,
            HttpClient = httpClientFactory.CreateClient(HttpClientName),

            // The resilience pipeline owns attempt and total timeouts; this outer bound only guards against a hang.
            Timeout = InfluxDbResilience.OuterTimeout(options),
        };
        var client = new InfluxDBClient(clientOptions);
        if (options.Gzip)
        {
            client.EnableGzip();
        }

        return client;
    }

    private async Task WriteV2Async(InfluxDBClient client, string batch, int lineCount, CancellationToken cancellationToken)
    {
        try
        {
            // One record holding the batch's lines: InfluxDB.Client would otherwise join a list of lines into the same text.
            await client.GetWriteApiAsync().WriteRecordAsync(batch, WritePrecision.Ns, options.Bucket, options.Org, cancellationToken);
        }
        catch (HttpException e) when (e.Status > 0)
        {
            ThrowUnlessOnlyBeyondRetention(e.Status, e.Message, lineCount);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is HttpException || IsTransportFailure(e)))
        {
            // InfluxDB.Client reports a failure without an HTTP answer as status 0 with the cause inside.
            throw InfluxDbErrors.FromException(e is HttpException && e.InnerException is not null ? e.InnerException : e, options, Description);
        }
        catch (HttpException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private void ThrowUnlessOnlyBeyondRetention(int status, string? errorText, int lineCount)
    {
        if (status == 413)
        {
            throw new BatchTooLargeException(errorText ?? "");
        }

        if (InfluxDbErrors.IsOnlyBeyondRetention(status, errorText))
        {
            Log.DroppedBeyondRetention(logger, Description, lineCount, errorText);
            return;
        }

        throw InfluxDbErrors.FromStatus(status, errorText, options, Description);
    }

    private ByteArrayContent Body(StringBuilder batch)
    {
        // UTF-8 straight from the builder's chunks (into gzip when on): no string of the whole batch.
        using var buffer = new MemoryStream(batch.Length / (options.Gzip ? 6 : 1));
        using (var output = options.Gzip ? new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true) : (Stream)new NonClosingStream(buffer))
        {
            var encoder = Encoding.UTF8.GetEncoder();
            var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                foreach (var chunk in batch.GetChunks())
                {
                    var chars = chunk.Span;
                    while (!chars.IsEmpty)
                    {
                        var take = Math.Min(chars.Length, 4 * 1024);
                        var written = encoder.GetBytes(chars[..take], bytes, flush: false);
                        output.Write(bytes, 0, written);
                        chars = chars[take..];
                    }
                }

                output.Write(bytes, 0, encoder.GetBytes(ReadOnlySpan<char>.Empty, bytes, flush: true));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
            }
        }

        // A byte array (not a stream) so the resilience handler can send the same body again on a retry.
        var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (options.Gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", options.Token);
        }
        else if (options.ApiVersion == InfluxDbApiVersion.V1 && !string.IsNullOrEmpty(options.Username))
        {
            var pair = Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }
    }

    private static bool IsTransportFailure(Exception e) =>
        e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.ExecutionRejectedException;

    /// <summary>One batch ready to send: <see cref="Text"/> for InfluxDB.Client (v2), <see cref="Content"/> for <c>/write</c> (v1).</summary>
    private sealed record BatchBody(string? Text, HttpContent? Content);

    /// <summary>HTTP 413 for one batch; <see cref="SendBatchAsync"/> splits it.</summary>
    private sealed class BatchTooLargeException(string serverText) : Exception(serverText);

    /// <summary>Lets the plain path share the gzip path's <c>using</c> without closing the buffer it writes into.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Wrote {LineCount} lines to {Sink}")]
        public static partial void BatchWritten(ILogger logger, int lineCount, string sink);

        [LoggerMessage(3, LogLevel.Warning, "{Sink} refused a batch of {LineCount} lines as too large ({InfluxError}); sending it in two halves. Lower Sinks:InfluxDb:BatchSize to avoid the extra requests.")]
        public static partial void BatchSplit(ILogger logger, string sink, int lineCount, string? influxError);

        [LoggerMessage(2, LogLevel.Warning, "{Sink} dropped points of a batch of {LineCount} lines because they are older than the retention policy: {InfluxError}")]
        public static partial void DroppedBeyondRetention(ILogger logger, string sink, int lineCount, string? influxError);
    }
}
