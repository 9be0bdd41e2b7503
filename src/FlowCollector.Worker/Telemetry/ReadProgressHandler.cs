using FlowCollector.Domain.Ports;

namespace FlowCollector.Worker.Telemetry;

/// <summary>
/// Tells the read running on this async flow (<see cref="ReadProgress"/>) that one more API request was answered, with
/// the rate limit left when the response says. Counting requests is <c>http.client.request.duration</c>'s job (the
/// HttpClient instrumentation, by <c>server.address</c>, <c>http.response.status_code</c> and <c>error.type</c>); the
/// collector's own request counter, which only duplicated it, is gone.
/// </summary>
internal sealed class ReadProgressHandler : DelegatingHandler
{
    // GitHub: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api (x-ratelimit-remaining);
    // Azure DevOps sends X-RateLimit-Remaining only while it is delaying or about to (learn.microsoft.com/azure/devops/integrate/concepts/rate-limits).
    private const string RemainingHeader = "x-ratelimit-remaining";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        ReadProgress.Requested(
            response.Headers.TryGetValues(RemainingHeader, out var values) && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var left)
                ? left
                : null);
        return response;
    }
}
