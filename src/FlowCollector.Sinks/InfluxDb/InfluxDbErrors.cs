using System.Net;
using System.Text.Json;
using FlowCollector.Domain.Ports;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FlowCollector.Sinks.InfluxDb;

/// <summary>
/// Turns InfluxDB's answers into <see cref="SinkException"/>s with one actionable line: what failed, where, which key
/// to fix. Permanent: authentication (401/403), missing bucket/database (404), rejected data (400/422), too large (413).
/// Transient (already retried by the HTTP pipeline): 5xx, 429, timeouts, network errors.
/// </summary>
internal static class InfluxDbErrors
{
    private const string Section = InfluxDbSinkOptions.SectionName;
    private const int MaxErrorTextLength = 600;

    /// <summary>
    /// True when InfluxDB dropped only points older than its retention policy (1.x: 400 "partial write: points beyond
    /// retention policy dropped=N"; the other points were stored). Retrying cannot store them and they are outside the
    /// window anyone queries, so the write counts as accepted.
    /// </summary>
    public static bool IsOnlyBeyondRetention(int status, string? errorText) =>
        status is 400 or 422
        && errorText is not null
        && errorText.Contains("beyond retention policy", StringComparison.OrdinalIgnoreCase)
        && !errorText.Contains("field type conflict", StringComparison.OrdinalIgnoreCase)
        && !errorText.Contains("unable to parse", StringComparison.OrdinalIgnoreCase);

    public static SinkException FromStatus(int status, string? errorText, InfluxDbSinkOptions options, string description)
    {
        var said = string.IsNullOrWhiteSpace(errorText) ? "" : $": {Truncate(errorText)}";
        var v2 = options.ApiVersion == InfluxDbApiVersion.V2;
        switch (status)
        {
            case 401:
            case 403:
                var credentials = v2 || !string.IsNullOrEmpty(options.Token)
                    ? $"set a token with write permission in {Section}:Token (env Sinks__InfluxDb__Token)"
                    : string.IsNullOrEmpty(options.Username)
                        ? $"the server requires authentication: set {Section}:Username and {Section}:Password (or {Section}:Token)"
                        : $"check {Section}:Username and {Section}:Password (env Sinks__InfluxDb__Username, Sinks__InfluxDb__Password)";
                return new SinkException($"{description}: InfluxDB refused the credentials (HTTP {status}{said}); {credentials}.", permanent: true);
            case 404:
                return v2
                    ? new SinkException(
                        $"{description}: the bucket or org does not exist (HTTP 404{said}); create bucket '{options.Bucket}' in org '{options.Org}' or fix {Section}:Bucket / {Section}:Org. (An InfluxDB 1.x has no /api/v2/write: set {Section}:ApiVersion to V1.)",
                        permanent: true)
                    : errorText?.Contains("database", StringComparison.OrdinalIgnoreCase) == true
                        ? new SinkException(
                            $"{description}: the database does not exist (HTTP 404{said}); create it (CREATE DATABASE \"{options.Database}\") or fix {Section}:Database (env Sinks__InfluxDb__Database).",
                            permanent: true)
                        : new SinkException(
                            $"{description}: the server has no InfluxDB v1 write API at this address (HTTP 404{said}); check {Section}:Url, or set {Section}:ApiVersion to V2 for an InfluxDB 2.x/3.x without the v1 API.",
                            permanent: true);
            case 400:
            case 422:
                return new SinkException(
                    $"{description}: InfluxDB rejected the points (HTTP {status}{said}). This is a FlowCollector bug (or another writer uses the same measurement with other field types); please report it with this message.",
                    permanent: true);
            case 413:
                // The sink halves a batch the server finds too large down to single lines (InfluxDbSink.WriteBatchAsync), so
                // a 413 that reaches here is one line: a smaller BatchSize cannot help.
                return new SinkException(
                    $"{description}: a single point is larger than InfluxDB accepts in one request (HTTP 413{said}); it cannot be split, so lowering {Section}:BatchSize does not help. Raise the server's limit (InfluxDB 1.x: [http] max-body-size) or report the point (a tag or field value that long is a FlowCollector bug).",
                    permanent: true);
            case 500 when errorText?.Contains("retention policy not found", StringComparison.OrdinalIgnoreCase) == true:
                // InfluxDB 1.x answers a missing retention policy with 500; no retry will create it.
                return new SinkException(
                    $"{description}: the retention policy does not exist (HTTP 500{said}); create it or fix {Section}:RetentionPolicy (empty = the database's default).",
                    permanent: true);
            case 429:
            case >= 500:
                return new SinkException($"{description}: InfluxDB is unavailable (HTTP {status}{said}) and kept failing after retries; the points will be written on the next run.", permanent: false);
            default:
                return new SinkException($"{description}: InfluxDB answered HTTP {status}{said}; check {Section}:Url and {Section}:ApiVersion.", permanent: status is not (408 or 425));
        }
    }

    /// <summary>
    /// 413 for one line: says which point (its measurement and tags, the start of the line) and how long it is. For the
    /// sink's single-line case, in place of <see cref="FromStatus"/>'s generic 413 line.
    /// </summary>
    public static SinkException LineTooLarge(string? serverText, string line, InfluxDbSinkOptions options, string description)
    {
        ArgumentNullException.ThrowIfNull(line);
        var said = string.IsNullOrWhiteSpace(serverText) ? "" : $": {Truncate(serverText)}";
        var key = line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? line[..space] : line;
        var bytes = System.Text.Encoding.UTF8.GetByteCount(line);
        return new SinkException(
            $"{description}: the point {Truncate(key, 200)} is {bytes:N0} bytes, larger than InfluxDB accepts in one request (HTTP 413{said}); one point cannot be split, so lowering {Section}:BatchSize does not help. Raise the server's limit (InfluxDB 1.x: [http] max-body-size) or report the point (a tag or field value that long is a FlowCollector bug).",
            permanent: true);
    }

    /// <summary>A failure without an HTTP answer: network, timeout, open circuit. Always transient.</summary>
    public static SinkException FromException(Exception exception, InfluxDbSinkOptions options, string description) => exception switch
    {
        TimeoutRejectedException or TaskCanceledException or TimeoutException =>
            new SinkException($"{description}: InfluxDB did not answer in time ({Section}:Timeout is {options.Timeout}) and retries ran out; the points will be written on the next run.", permanent: false, exception),
        BrokenCircuitException =>
            new SinkException($"{description}: InfluxDB failed repeatedly, so writes are paused for a moment (circuit open); the points will be written on the next run.", permanent: false, exception),
        HttpRequestException http =>
            new SinkException($"{description}: cannot reach InfluxDB ({Describe(http)}); check {Section}:Url and that InfluxDB is running. The points will be written on the next run.", permanent: false, exception),
        _ =>
            new SinkException($"{description}: writing to InfluxDB failed ({exception.GetType().Name}: {exception.Message}); the points will be written on the next run.", permanent: false, exception),
    };

    /// <summary>InfluxDB's error text: <c>{"error": …}</c> (1.x), <c>{"message": …}</c> (2.x), or the raw body.</summary>
    public static string? ErrorText(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in (ReadOnlySpan<string>)["error", "message"])
                {
                    if (document.RootElement.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        return text.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, "404 page not found"): the raw body is the best we have.
        }

        return body.Trim();
    }

    private static string Describe(HttpRequestException exception)
    {
        var message = exception.Message;
        if (exception.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) && !message.Contains(inner.Message, StringComparison.Ordinal))
        {
            message += $" {inner.Message}";
        }

        return exception.StatusCode is HttpStatusCode code ? $"HTTP {(int)code}: {message}" : message;
    }

    private static string Truncate(string text, int length = MaxErrorTextLength)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= length ? oneLine : string.Concat(oneLine.AsSpan(0, length), "…");
    }
}
