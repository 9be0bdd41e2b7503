using Azure.Core;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Testing.Simulation.AzureDevOps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>The Azure DevOps source as production registers it (<c>AddAzureDevOpsSource</c>); only configuration differs.</summary>
internal sealed class AzureDevOpsSourceHost : IDisposable
{
    private readonly ServiceProvider provider;

    public AzureDevOpsSourceHost(IDictionary<string, string?> settings, TimeProvider? time = null, TokenCredential? credential = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (credential is not null)
        {
            services.AddKeyedSingleton(AzureDevOpsSourceServiceCollectionExtensions.CredentialServiceKey, credential);
        }

        services.AddAzureDevOpsSource(configuration);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Source = provider.GetServices<IFlowEventSource>().Single(s => s.Source == "azuredevops");
    }

    public IFlowEventSource Source { get; }

    /// <summary>A source pointed at <paramref name="simulator"/> with its PAT and retries without delay.</summary>
    public static AzureDevOpsSourceHost For(
        AzureDevOpsSimulator simulator, string[] repositories, IDictionary<string, string?>? overrides = null, TimeProvider? time = null, TokenCredential? credential = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = simulator.Url,
            ["Sources:AzureDevOps:Pat"] = simulator.Pat,
            ["Sources:AzureDevOps:Resilience:Retry:Delay"] = "00:00:00", // keep retry tests fast
        };
        for (var i = 0; i < repositories.Length; i++)
        {
            settings[$"Sources:AzureDevOps:Repositories:{i}"] = repositories[i];
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new AzureDevOpsSourceHost(settings, time, credential);
    }

    /// <summary>The target of <c>project/repository</c> in organisation <paramref name="organization"/>.</summary>
    public static RepositoryRef Repo(string projectAndRepository, string organization = "contoso") =>
        projectAndRepository.Split('/') is [var project, var name]
            ? new RepositoryRef("azuredevops", $"{organization}/{project}", name)
            : throw new ArgumentException(projectAndRepository);

    public Task<SourceReadResult> ReadAsync(string projectAndRepository, DateTimeOffset since, string organization = "contoso") =>
        Source.ReadAsync(Repo(projectAndRepository, organization), since, TestContext.Current.CancellationToken);

    public void Dispose() => provider.Dispose();
}
