using System.Security.Cryptography;

namespace FlowCollector.Sources.Tests.GitHub.Auth;

/// <summary>RSA keys made once per test run (2048 bits, as GitHub generates them): the app's key and an unrelated one.</summary>
internal static class GitHubAppKeys
{
    public const long AppId = 424242;

    private static readonly Lazy<RSA> AppKey = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> OtherKey = new(() => RSA.Create(2048));

    public static RSA App => AppKey.Value;

    /// <summary>The app key as GitHub hands it out: PKCS#1 PEM (<c>-----BEGIN RSA PRIVATE KEY-----</c>).</summary>
    public static string AppPem => App.ExportRSAPrivateKeyPem();

    /// <summary>A well-formed private key that is not the app's.</summary>
    public static string OtherPem => OtherKey.Value.ExportRSAPrivateKeyPem();

    /// <summary>The base64 body of a PEM, which no message may contain any part of (checked by a 24-character slice).</summary>
    public static IEnumerable<string> Slices(string pem) =>
        pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal) && l.Length >= 24).Select(l => l[..24]);
}
