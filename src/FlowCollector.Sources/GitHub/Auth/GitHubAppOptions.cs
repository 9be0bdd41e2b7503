namespace FlowCollector.Sources.GitHub.Auth;

/// <summary>
/// Authenticate as a GitHub App instead of with a token: bound from <c>Sources:GitHub:App</c>. The source signs a
/// short-lived JWT with the app's private key, finds the app's installation on each repository owner and uses that
/// installation's access token (valid one hour, renewed five minutes before it expires). Configure either this section
/// or <c>Sources:GitHub:Token</c>, not both.
/// </summary>
public sealed class GitHubAppOptions
{
    /// <summary>The App ID (e.g. <c>123456</c>) or the Client ID (e.g. <c>Iv23liAbCdEf…</c>) from the app's settings page: the JWT's issuer.</summary>
    public string AppId { get; set; } = "";

    /// <summary>
    /// The app's private key, the PEM text GitHub generated (<c>-----BEGIN RSA PRIVATE KEY-----</c> …). Secret: comes from
    /// the environment (<c>Sources__GitHub__App__PrivateKey</c>) or a mounted secret file, is never logged or echoed.
    /// Set this or <see cref="PrivateKeyPath"/>.
    /// </summary>
    public string PrivateKey { get; set; } = "";

    /// <summary>A file holding the PEM private key (e.g. a mounted secret), read once at start-up. Set this or <see cref="PrivateKey"/>.</summary>
    public string PrivateKeyPath { get; set; } = "";

    /// <summary>
    /// Installation ids by owner (organisation or user login, case-insensitive), e.g. <c>contoso: 4711</c>. Optional: an
    /// owner not listed is looked up once (<c>GET /orgs/{owner}/installation</c>, then <c>/users/{owner}/installation</c>).
    /// </summary>
    public Dictionary<string, long> InstallationIds { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when any key of the section is set: the user means to authenticate as an app.</summary>
    internal bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AppId) || !string.IsNullOrWhiteSpace(PrivateKey) || !string.IsNullOrWhiteSpace(PrivateKeyPath)
        || InstallationIds is { Count: > 0 };
}
