using System.Net.Http.Headers;
using System.Text;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// The <c>Authorization</c> header of every request: a PAT as HTTP Basic with an empty user name, or a Microsoft Entra ID
/// bearer token for Azure DevOps, cached until shortly before it expires.
/// </summary>
internal sealed class AzureDevOpsCredentials : IDisposable
{
    /// <summary>The Entra ID resource of Azure DevOps (the same for every organisation).</summary>
    public const string EntraScope = "499b84ac-1321-427f-aa17-267ca6975798/.default";

    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private readonly AzureDevOpsSourceOptions options;
    private readonly TimeProvider time;
    private readonly Lazy<TokenCredential> credential;
    private readonly SemaphoreSlim refresh = new(1, 1);
    private AccessToken? token;

    public AzureDevOpsCredentials(IOptions<AzureDevOpsSourceOptions> options, TimeProvider time, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.time = time;
        this.credential = new Lazy<TokenCredential>(() => credential ?? CreateCredential(this.options.EntraId));
    }

    /// <summary>The configuration key a user fixes when the credential is refused.</summary>
    public string Key => options.Authentication == AzureDevOpsAuthentication.Pat
        ? $"{AzureDevOpsSourceOptions.SectionName}:Pat"
        : $"{AzureDevOpsSourceOptions.SectionName}:EntraId";

    public async ValueTask<AuthenticationHeaderValue> GetHeaderAsync(CancellationToken cancellationToken)
    {
        if (options.Authentication == AzureDevOpsAuthentication.Pat)
        {
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + options.Pat)));
        }

        if (token is { } cached && cached.ExpiresOn - RefreshBefore > time.GetUtcNow())
        {
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        }

        await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (token is not { } current || current.ExpiresOn - RefreshBefore <= time.GetUtcNow())
            {
                current = await credential.Value.GetTokenAsync(new TokenRequestContext([EntraScope]), cancellationToken).ConfigureAwait(false);
                token = current;
            }

            return new AuthenticationHeaderValue("Bearer", current.Token);
        }
        finally
        {
            refresh.Release();
        }
    }

    public void Dispose() => refresh.Dispose();

    private static TokenCredential CreateCredential(AzureDevOpsEntraIdOptions entra) => entra.Credential switch
    {
        AzureDevOpsEntraIdCredential.ClientSecret => new ClientSecretCredential(entra.TenantId, entra.ClientId, entra.ClientSecret),
        AzureDevOpsEntraIdCredential.WorkloadIdentity => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions
        {
            // Null keeps what the workload-identity webhook injects (AZURE_TENANT_ID, AZURE_CLIENT_ID).
            TenantId = string.IsNullOrWhiteSpace(entra.TenantId) ? null : entra.TenantId,
            ClientId = string.IsNullOrWhiteSpace(entra.ClientId) ? null : entra.ClientId,
        }),
        AzureDevOpsEntraIdCredential.ManagedIdentity => string.IsNullOrWhiteSpace(entra.ClientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(entra.ClientId)),
        _ => new DefaultAzureCredential(),
    };
}

/// <summary>Sets the <c>Authorization</c> header from <see cref="AzureDevOpsCredentials"/> on every request.</summary>
internal sealed class AzureDevOpsAuthenticationHandler : DelegatingHandler
{
    private readonly AzureDevOpsCredentials credentials;

    public AzureDevOpsAuthenticationHandler(AzureDevOpsCredentials credentials)
    {
        this.credentials = credentials;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = await credentials.GetHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.ParseAdd("application/json");
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
