using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace FlowCollector.Sources.Http;

/// <summary>The standard resilience handler as both sources use it, plus the body buffering that puts body reads inside it.</summary>
internal static class SourceResilience
{
    /// <summary>
    /// Adds the standard resilience handler (from <paramref name="section"/> when it exists; the section overload refuses a
    /// missing one) with 429 left to the source's own throttle, then <see cref="ResponseBufferingHandler"/> inside it.
    /// <paramref name="defaults"/> adjusts the library defaults for keys the section does not set.
    /// </summary>
    public static IHttpClientBuilder AddSourceResilience(this IHttpClientBuilder http, IConfigurationSection section, Action<HttpStandardResilienceOptions, IConfigurationSection>? defaults = null)
    {
        var resilience = section.Exists() ? http.AddStandardResilienceHandler(section) : http.AddStandardResilienceHandler();
        resilience.Configure(options =>
        {
            defaults?.Invoke(options, section);
            options.Retry.ShouldHandle = args => ValueTask.FromResult(
                // 429 belongs to the source's rate limiting (it waits as the server asks); a retry here would only deepen the block.
                args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests
                && HttpClientResiliencePredicates.IsTransient(args.Outcome));
        });
        return http.AddHttpMessageHandler(() => new ResponseBufferingHandler());
    }

    /// <summary>True when the configuration sets <paramref name="key"/> (e.g. <c>CircuitBreaker:FailureRatio</c>) under the resilience section.</summary>
    public static bool Sets(this IConfigurationSection section, string key) => section[key] is not null;
}
