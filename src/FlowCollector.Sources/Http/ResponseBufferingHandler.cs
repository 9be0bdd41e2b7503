namespace FlowCollector.Sources.Http;

/// <summary>
/// The innermost handler of a source's pipeline: reads every answer's body into memory before the resilience handler
/// sees the answer. A connection cut in the middle of a body then fails the attempt itself — inside the retry, the
/// per-attempt timeout and the circuit breaker — instead of surfacing later, outside all of them, while a reader parses
/// the stream. API pages are small (100 items), so holding one in memory costs little.
/// </summary>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            response.Dispose();

            // HttpRequestException is what the standard resilience handler retries as transient.
            throw new ResponseCutException(request.Method, request.RequestUri, e);
        }
    }
}

/// <summary>The connection closed before the whole body of an answer arrived (a transient network error: retried, then reported as such).</summary>
public sealed class ResponseCutException(HttpMethod method, Uri? uri, Exception inner)
    : HttpRequestException(HttpRequestError.ResponseEnded, $"the connection closed in the middle of the answer to {method} {uri?.AbsolutePath} ({inner.Message})", inner)
{
    /// <summary>True when <paramref name="exception"/> (or what it wraps) is a body cut short: by this handler, or by a read outside it.</summary>
    public static bool IsCut(Exception exception) => exception switch
    {
        ResponseCutException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => true,
        HttpIOException => true,
        IOException when exception.InnerException is System.Net.Sockets.SocketException => true,
        HttpRequestException { InnerException: IOException } => true,
        _ => false,
    };
}
