using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlowCollector.Worker.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Metrics, traces and logs of the collector itself. OTLP export of all three is switched on by the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting (and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>);
    /// log records carry the trace and span of the collection run they were written in. The Prometheus endpoint is added
    /// only when <paramref name="prometheus"/> is true (the long-running <c>run</c> command).
    /// </summary>
    public static IServiceCollection AddFlowCollectorTelemetry(this IServiceCollection services, IConfiguration configuration, bool prometheus)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<FlowCollectorTelemetry>();

        // Every HTTP client (GitHub, Azure DevOps, InfluxDB) tells a running read that a request was answered.
        services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new ReadProgressHandler()));

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService("flowcollector", serviceVersion: FlowCollectorTelemetry.Version)
                .AddAttributes(KubernetesAttributes(configuration)))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FlowCollectorTelemetry.Name).AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithTracing(tracing => tracing.AddSource(FlowCollectorTelemetry.Name).AddHttpClientInstrumentation());

        if (OtlpEnabled(configuration))
        {
            // Logs go to the console as configured and, here, to the collector too: with their scopes, the formatted
            // message beside the template, and the trace/span ids of the Activity current when they were written.
            otel.WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
            otel.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// Builds the tracer and meter providers. The hosted service that does so in <c>run</c> never starts in <c>once</c>,
    /// which uses the host's services without running it: without this its spans and metrics would not be recorded.
    /// </summary>
    public static void StartTelemetry(this IServiceProvider services)
    {
        _ = services.GetService<MeterProvider>();
        _ = services.GetService<TracerProvider>();
    }

    /// <summary>True when telemetry is to be exported over OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
    public static bool OtlpEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// <c>k8s.pod.name</c>, <c>k8s.namespace.name</c>, <c>k8s.node.name</c> from the variables the chart fills from the
    /// downward API (<c>K8S_POD_NAME</c>, <c>K8S_NAMESPACE_NAME</c>, <c>K8S_NODE_NAME</c>); outside Kubernetes, none.
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c> stays the user's, and is read by the SDK as usual.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, object>> KubernetesAttributes(IConfiguration configuration)
    {
        foreach (var (attribute, variable) in new[] { ("k8s.pod.name", "K8S_POD_NAME"), ("k8s.namespace.name", "K8S_NAMESPACE_NAME"), ("k8s.node.name", "K8S_NODE_NAME") })
        {
            if (configuration[variable] is { Length: > 0 } value)
            {
                yield return new(attribute, value);
            }
        }
    }
}
