using System.Security.Cryptography;
using System.Text;

namespace FlowCollector.Domain.Ports;

/// <summary>
/// How a credential is named wherever its API budget is kept or shown — the GitHub rate limiter's budgets, a credential's
/// budget key, the state store's <c>api_budget</c> rows and <c>flowcollector_api_budget</c> — so they all agree:
/// <c>source:</c> + the first 16 hex digits of the secret's SHA-256. Tells credentials apart, reveals nothing.
/// </summary>
public static class CredentialFingerprint
{
    public static string Of(string source, string? secret) =>
        $"{source}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? "")))[..16]}";
}
