using System.Net;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Auth;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.Sources.GitHub.Shared;
using FlowCollector.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.GitHub;

public static class GitHubSourceServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> pipeline every GitHub request goes through (also the <c>client</c> tag of request metrics).</summary>
    public const string HttpClientName = GitHubSourceNames.HttpClientName;

    /// <summary>
    /// Binds and validates (at start-up) <c>Sources:GitHub</c>, registers the <c>github</c> HTTP pipeline with the
    /// standard resilience handler (configured from <c>Sources:GitHub:Resilience</c>) and adds
    /// <see cref="GitHubEventSource"/> as one of the <see cref="IFlowEventSource"/>s. With no repositories
    /// configured the source has nothing to collect and needs no token. Requests authenticate with
    /// <c>Sources:GitHub:Token</c>, or as a GitHub App when <c>Sources:GitHub:App</c> is configured (<see cref="GitHubAppCredentials"/>).
    /// </summary>
    public static IServiceCollection AddGitHubSource(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(GitHubSourceOptions.SectionName);
        services.AddOptionsWithValidateOnStart<GitHubSourceOptions, GitHubSourceOptionsValidator>().Bind(section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubSourceOptions>, GitHubSourceOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubSourceOptions>, GitHubOrganizationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        // Rate limits: one budget per credential shared by every collection, waited out instead of failing the run. The
        // limiter is outermost, so its waits never count against the resilience handler's timeouts and its retries
        // wrap everything; the client's own 100 s timeout would cut a wait for the reset short.
        services.AddOptionsWithValidateOnStart<GitHubRateLimitOptions, GitHubRateLimitOptionsValidator>().Bind(configuration.GetSection(GitHubRateLimitOptions.SectionName));
        services.AddMetrics();
        services.TryAddSingleton<IBudgetSharing, SingleProcessBudget>();
        services.TryAddSingleton<GitHubRateBudgets>();
        services.AddTransient<GitHubRateLimiter>();
        var http = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<GitHubRateLimiter>()
            .AddHttpMessageHandler(() => new GitHubApiHeadersHandler());

        // Retries 408/5xx/timeouts/a body cut short with jittered backoff, per-attempt and total timeouts, circuit breaker
        // (Sources:GitHub:Resilience). GitHub answers 429 (and 403) when a rate limit is exhausted; retrying before the
        // reset only burns the secondary limit, so the outer GitHubRateLimiter waits as GitHub asks and retries.
        http.AddSourceResilience(configuration.GetSection(GitHubSourceOptions.ResilienceSectionName));

        services.TryAddSingleton<GitHubCredentials>(provider =>
        {
            // Resolved after start-up validation, so a configured App has a usable key here.
            var options = provider.GetRequiredService<IOptions<GitHubSourceOptions>>().Value;
            return options.App is { IsConfigured: true } app
                ? new GitHubAppCredentials(
                    app, options.ApiBaseAddress, provider.GetRequiredService<IHttpMessageHandlerFactory>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<GitHubAppCredentials>>())
                : new GitHubTokenCredentials(options.Token);
        });
        services.AddSingleton<IFlowEventSource, GitHubEventSource>();
        return services;
    }
}
