using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlowCollector.Worker.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Metrics and traces of the collector itself. OTLP export is switched on by the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting; the Prometheus endpoint is added only when
    /// <paramref name="prometheus"/> is true (the long-running <c>run</c> command).
    /// </summary>
    public static IServiceCollection AddFlowCollectorTelemetry(this IServiceCollection services, IConfiguration configuration, bool prometheus)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<FlowCollectorTelemetry>();

        // Every HTTP client (GitHub, Azure DevOps, InfluxDB) reports its requests by client name and status.
        services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(sp =>
            new ApiRequestMetricsHandler(http.Name, sp.GetRequiredService<FlowCollectorTelemetry>())));

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("flowcollector", serviceVersion: Cli.CommandLine.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FlowCollectorTelemetry.Name).AddHttpClientInstrumentation();
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithTracing(tracing => tracing.AddSource(FlowCollectorTelemetry.Name).AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return services;
    }
}
