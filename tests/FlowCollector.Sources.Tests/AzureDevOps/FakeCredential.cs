using Azure.Core;
using Azure.Identity;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>A token credential that hands out a fixed token (or fails), recording the scopes asked for.</summary>
internal sealed class FakeCredential(string? token, DateTimeOffset? expiresOn = null) : TokenCredential
{
    private readonly List<string> scopes = [];

    public IReadOnlyList<string> Scopes => scopes;

    public int Calls { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Calls++;
        scopes.AddRange(requestContext.Scopes);
        return token is null
            ? throw new AuthenticationFailedException("WorkloadIdentityCredential authentication failed: AADSTS700211: No matching federated identity record found.")
            : ValueTask.FromResult(new AccessToken(token, expiresOn ?? DateTimeOffset.UtcNow.AddHours(1)));
    }
}
