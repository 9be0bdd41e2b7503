using Octokit;

namespace FlowCollector.Sources.GitHub.Auth;

/// <summary>Octokit asks its credential store before every request: answer with the owner's current token.</summary>
internal sealed class GitHubCredentialStore(GitHubCredentials credentials, string owner) : ICredentialStore
{
    public async Task<Credentials> GetCredentials() =>
        await credentials.GetTokenAsync(owner, CancellationToken.None) is { Length: > 0 } token ? new Credentials(token) : Credentials.Anonymous;
}
