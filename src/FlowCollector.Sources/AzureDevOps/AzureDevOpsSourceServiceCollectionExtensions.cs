using System.Net;
using Azure.Core;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.AzureDevOps;

public static class AzureDevOpsSourceServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> pipeline every Azure DevOps request goes through (also the <c>client</c> tag of request metrics).</summary>
    public const string HttpClientName = "azuredevops";

    /// <summary>
    /// The key of an optional keyed <see cref="TokenCredential"/> service that replaces the credential built from
    /// <c>Sources:AzureDevOps:EntraId</c> (tests, or a host that already has one).
    /// </summary>
    public const string CredentialServiceKey = "azuredevops";

    /// <summary>
    /// Binds and validates (at start-up) <c>Sources:AzureDevOps</c>, registers the <c>azuredevops</c> HTTP pipeline —
    /// credentials (PAT or Entra ID), the organisation's throttle (bounded concurrency, <c>Retry-After</c> honoured even
    /// on 200, <c>X-RateLimit-*</c> tracked) and the standard resilience handler (configured from
    /// <c>Sources:AzureDevOps:Resilience</c>) — and adds <see cref="AzureDevOpsEventSource"/> as one of the
    /// <see cref="IFlowEventSource"/>s. With no repositories and no projects configured the source has nothing to collect and needs no credential.
    /// </summary>
    public static IServiceCollection AddAzureDevOpsSource(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(AzureDevOpsSourceOptions.SectionName);
        services.AddOptionsWithValidateOnStart<AzureDevOpsSourceOptions, AzureDevOpsSourceOptionsValidator>().Bind(section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureDevOpsSourceOptions>, AzureDevOpsSourceOptionsRulesValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<AzureDevOpsThrottle>();
        services.TryAddSingleton(sp => new AzureDevOpsCredentials(
            sp.GetRequiredService<IOptions<AzureDevOpsSourceOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetKeyedService<TokenCredential>(CredentialServiceKey)));

        // Outermost first: credentials once per request, then the organisation's throttle (so a pause is honoured once,
        // outside the per-attempt timeouts), then retries of transient failures.
        var http = services.AddHttpClient(HttpClientName)
            .AddHttpMessageHandler(sp => new AzureDevOpsAuthenticationHandler(sp.GetRequiredService<AzureDevOpsCredentials>()))
            .AddHttpMessageHandler(sp => new AzureDevOpsThrottlingHandler(sp.GetRequiredService<AzureDevOpsThrottle>()));

        // Retries of transient failures (5xx, timeouts, a body cut short: see ResponseBufferingHandler), per-attempt and
        // total timeouts, circuit breaker; configured from Sources:AzureDevOps:Resilience.
        http.AddSourceResilience(configuration.GetSection(AzureDevOpsSourceOptions.ResilienceSectionName), AzureDevOpsResilienceDefaults);

        services.AddSingleton<IFlowEventSource>(sp => new AzureDevOpsEventSource(
            sp.GetRequiredService<IOptions<AzureDevOpsSourceOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<AzureDevOpsThrottle>(),
            sp.GetRequiredService<AzureDevOpsCredentials>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AzureDevOpsEventSource>>()));
        return services;
    }

    /// <summary>
    /// The library's breaker opens when 10 % of the attempts of 30 s fail (at least 100 attempts), and it counts every
    /// attempt, also those a retry then absorbs. Azure DevOps answers an occasional transient 500 at about that rate on
    /// a busy organisation, and one breaker serves the whole organisation, so it opened and failed every target although
    /// one retry absorbed each 500. It opens at half the attempts failing instead — an outage, not a bad minute. Retries
    /// start after 0.5 s rather than 2 s: a transient 500 is usually gone at once, and a read makes hundreds of requests
    /// one after another. Either is kept when <c>Sources:AzureDevOps:Resilience</c> sets it.
    /// </summary>
    internal static void AzureDevOpsResilienceDefaults(HttpStandardResilienceOptions options, IConfigurationSection section)
    {
        if (!section.Sets("CircuitBreaker:FailureRatio"))
        {
            options.CircuitBreaker.FailureRatio = 0.5;
        }

        if (!section.Sets("Retry:Delay"))
        {
            options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        }
    }
}
