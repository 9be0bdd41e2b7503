using FlowCollector.Domain.Ports;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Sinks;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.Scheduling;
using FlowCollector.Worker.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Hosting;

/// <summary>The composition root shared by <c>run</c>, <c>once</c> and <c>validate</c>: a list of <c>Add…()</c> calls.</summary>
public static class FlowCollectorComposition
{
    /// <summary>The configuration sections of the sources, for schedule validation and <c>validate</c>'s listing.</summary>
    public static readonly IReadOnlyList<string> SourceSections = ["GitHub", "AzureDevOps"];

    public static IServiceCollection AddFlowCollector(this IServiceCollection services, IConfiguration configuration, bool prometheus)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddFlowCollectorTelemetry(configuration, prometheus);
        services.TryAddSingleton<CollectionProgress>();
        services.AddGitHubSource(configuration);
        services.AddAzureDevOpsSource(configuration);
        services.AddPointSinks(configuration);
        services.AddStateStore(configuration);
        services.AddSingleton<IBudgetSharing, QuartzClusterReplicas>();

        services.AddOptionsWithValidateOnStart<CollectionOptions, CollectionOptionsValidator>().Bind(configuration.GetSection(CollectionOptions.SectionName));
        services.AddOptionsWithValidateOnStart<HealthOptions, HealthOptionsValidator>().Bind(configuration.GetSection(HealthOptions.SectionName));
        services.AddOptionsWithValidateOnStart<ValueStreamOptions>().Bind(configuration.GetSection(ValueStreamOptions.SectionName));
        services.AddSingleton<IValidateOptions<ValueStreamOptions>, ValueStreamOptionsValidator>();
        services.AddSingleton(sp => ValueStreamCatalog.From(sp.GetRequiredService<IOptions<ValueStreamOptions>>().Value));
        services.AddSingleton(sp => new TeamDirectory(sp.GetRequiredService<IOptions<ValueStreamOptions>>().Value.Teams));

        services.AddSingleton<CollectionTargets>();
        services.AddSingleton<TargetHealthRegistry>();
        services.AddSingleton<TargetCollector>();
        services.AddSingleton<QueueRollupWriter>();
        return services;
    }
}
