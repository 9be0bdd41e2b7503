using System.Net;
using Azure.Core;
using FlowCollector.Domain.Ports;
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

        // The section overload refuses a missing section, and most deployments keep the defaults.
        var resilienceSection = configuration.GetSection(AzureDevOpsSourceOptions.ResilienceSectionName);
        var resilience = resilienceSection.Exists() ? http.AddStandardResilienceHandler(resilienceSection) : http.AddStandardResilienceHandler();
        resilience.Configure(options => options.Retry.ShouldHandle = args => ValueTask.FromResult(
            // 429 belongs to the throttle (it waits for Retry-After); a retry here would only deepen the block.
            args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests
            && HttpClientResiliencePredicates.IsTransient(args.Outcome)));

        services.AddSingleton<IFlowEventSource>(sp => new AzureDevOpsEventSource(
            sp.GetRequiredService<IOptions<AzureDevOpsSourceOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<AzureDevOpsThrottle>(),
            sp.GetRequiredService<AzureDevOpsCredentials>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AzureDevOpsEventSource>>()));
        return services;
    }
}
