using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.File;
using FlowCollector.Sinks.InfluxDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks;

public static class SinkServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start-up) <c>Sinks:InfluxDb</c> and <c>Sinks:File</c>, and registers exactly one
    /// <see cref="IPointSink"/> singleton: <see cref="InfluxDbSink"/> when <c>Sinks:InfluxDb:Url</c> is set, otherwise
    /// <see cref="LineProtocolFileSink"/>. The InfluxDB sink's HTTP clients come from <see cref="IHttpClientFactory"/>
    /// with the standard resilience handler configured from <c>Sinks:InfluxDb:Resilience</c>.
    /// </summary>
    public static IServiceCollection AddPointSinks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddLogging();
        services.AddOptionsWithValidateOnStart<FileSinkOptions, FileSinkOptionsValidator>()
            .Bind(configuration.GetSection(FileSinkOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileSinkOptions>, FileSinkOptionsCustomValidator>());
        services.AddOptionsWithValidateOnStart<InfluxDbSinkOptions, InfluxDbSinkOptionsValidator>()
            .Bind(configuration.GetSection(InfluxDbSinkOptions.SectionName));

        if (string.IsNullOrWhiteSpace(configuration[$"{InfluxDbSinkOptions.SectionName}:Url"]))
        {
            services.AddSingleton<IPointSink, LineProtocolFileSink>();
            return services;
        }

        // The pipeline's attempt and total timeouts rule, not HttpClient's own 100 s default.
        var writes = services.AddHttpClient(InfluxDbSink.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);

        // AddStandardResilienceHandler(section) rejects a missing section; without one the library defaults apply.
        var resilienceSection = configuration.GetSection(InfluxDbSinkOptions.ResilienceSectionName);
        var pipeline = resilienceSection.Exists() ? writes.AddStandardResilienceHandler(resilienceSection) : writes.AddStandardResilienceHandler();
        pipeline.Configure((resilience, provider) => InfluxDbResilience.Apply(resilience, provider.GetRequiredService<IOptions<InfluxDbSinkOptions>>().Value));
        services.AddHttpClient(InfluxDbSink.CheckHttpClientName)
            .ConfigureHttpClient((provider, http) => http.Timeout = provider.GetRequiredService<IOptions<InfluxDbSinkOptions>>().Value.Timeout);
        services.AddSingleton<IPointSink, InfluxDbSink>();
        return services;
    }
}
