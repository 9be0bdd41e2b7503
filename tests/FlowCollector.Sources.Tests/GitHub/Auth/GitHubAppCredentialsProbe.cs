using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Auth;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Sources.Tests.GitHub.Auth;

/// <summary>The <see cref="GitHubCredentials"/> production registers for an App configuration pointed at a simulator.</summary>
internal sealed class GitHubAppCredentialsProbe : IDisposable
{
    private readonly ServiceProvider provider;

    public GitHubAppCredentialsProbe(GitHubSimulator github, TimeProvider time, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Sources:GitHub:ApiBaseAddress"] = github.Url,
            ["Sources:GitHub:App:AppId"] = GitHubAppKeys.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sources:GitHub:App:PrivateKey"] = GitHubAppKeys.AppPem,
            ["Sources:GitHub:Repositories:0"] = "contoso/web",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        provider = new ServiceCollection().AddSingleton(time).AddGitHubSource(configuration).BuildServiceProvider(validateScopes: true);
        Credentials = provider.GetRequiredService<GitHubCredentials>();
    }

    public GitHubCredentials Credentials { get; }

    public void Dispose() => provider.Dispose();
}
