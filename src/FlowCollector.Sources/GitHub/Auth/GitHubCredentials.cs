using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Shared;

namespace FlowCollector.Sources.GitHub.Auth;

/// <summary>
/// The one place that knows which secret authenticates requests for a repository owner. Every GitHub request (Octokit
/// REST, GraphQL, conditional probes) asks here, so a credential that rotates (a GitHub App installation token) is
/// refreshed in one place and every caller sees the current one.
/// </summary>
public abstract class GitHubCredentials
{
    /// <summary>The token to send for repositories of <paramref name="owner"/>; empty for anonymous access.</summary>
    public abstract ValueTask<string> GetTokenAsync(string owner, CancellationToken cancellationToken);

    /// <summary>
    /// A stable name of the rate-limit budget requests for <paramref name="owner"/> spend (<c>github:</c> + 16 hex digits
    /// of a SHA-256): tells budgets apart, reveals nothing. Stable across token rotations of the same installation.
    /// </summary>
    public abstract string BudgetKey(string owner);

    /// <summary>How error messages name this credential and its configuration key (the fix for a 401 or a 403).</summary>
    public virtual string Described => GitHubSourceNames.TokenKey;

    /// <summary>The <see cref="CredentialFingerprint"/> of <paramref name="identity"/>.</summary>
    protected static string Fingerprint(string identity) => CredentialFingerprint.Of("github", identity);
}

/// <summary>A personal access token (classic or fine-grained) or no token at all: the same secret for every owner.</summary>
public sealed class GitHubTokenCredentials(string token) : GitHubCredentials
{
    public override ValueTask<string> GetTokenAsync(string owner, CancellationToken cancellationToken) => ValueTask.FromResult(token);

    public override string BudgetKey(string owner) => Fingerprint(token);
}
