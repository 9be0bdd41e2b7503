namespace FlowCollector.Worker.Telemetry;

/// <summary>Counts every outgoing API request by client name and status code (0 when no response came back).</summary>
internal sealed class ApiRequestMetricsHandler(string client, FlowCollectorTelemetry telemetry) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var status = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            telemetry.ApiRequests.Add(1, new("client", client), new("status", status));
        }
    }
}
