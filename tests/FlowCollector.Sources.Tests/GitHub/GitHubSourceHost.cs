using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>The GitHub source as production registers it (<c>AddGitHubSource</c>); only configuration differs.</summary>
internal sealed class GitHubSourceHost : IDisposable
{
    private readonly ServiceProvider provider;

    public GitHubSourceHost(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        // Tests written for the REST reader (request counts, REST stubs) get it unless they choose an Api.
        var withApi = new Dictionary<string, string?>(settings);
        withApi.TryAdd("Sources:GitHub:Api", "Rest");

        // The page-size and operation-name tests were written for the 49-per-point document; GitHubLinkedIssueTests
        // (and any test that says so) read the issues pull requests close with the production default.
        withApi.TryAdd("Sources:GitHub:ReadLinkedIssues", "false");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(withApi).Build();
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddGitHubSource(configuration);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Source = provider.GetServices<IFlowEventSource>().Single(s => s.Source == "github");
    }

    public IFlowEventSource Source { get; }

    /// <summary>The overrides that select the GraphQL reader (the production default; <see cref="For"/> defaults to REST).</summary>
    public static Dictionary<string, string?> GraphQl(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(more ?? new Dictionary<string, string?>()) { ["Sources:GitHub:Api"] = "GraphQl" };
        return settings;
    }

    /// <summary>
    /// A source pointed at <paramref name="simulator"/> with its token and retries without delay. Reads pull requests
    /// through REST unless <paramref name="overrides"/> set <c>Sources:GitHub:Api</c>: the request-counting tests
    /// were written for REST, and the GraphQL tests (GitHubGraphQl*Tests) say so with <see cref="GraphQl"/>.
    /// </summary>
    public static GitHubSourceHost For(GitHubSimulator simulator, string[] repositories, IDictionary<string, string?>? overrides = null, TimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = simulator.Url,
            ["Sources:GitHub:Token"] = simulator.Token,
            ["Sources:GitHub:Resilience:Retry:Delay"] = "00:00:00", // keep retry tests fast
        };
        for (var i = 0; i < repositories.Length; i++)
        {
            settings[$"Sources:GitHub:Repositories:{i}"] = repositories[i];
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new GitHubSourceHost(settings, time);
    }

    public static RepositoryRef Repo(string fullName) =>
        fullName.Split('/') is [var owner, var name] ? new RepositoryRef("github", owner, name) : throw new ArgumentException(fullName);

    public Task<SourceReadResult> ReadAsync(string fullName, DateTimeOffset since) =>
        Source.ReadAsync(Repo(fullName), since, TestContext.Current.CancellationToken);

    public void Dispose() => provider.Dispose();
}
