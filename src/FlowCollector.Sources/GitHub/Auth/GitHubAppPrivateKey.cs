using System.Security.Cryptography;
using FlowCollector.Sources.GitHub.Shared;

namespace FlowCollector.Sources.GitHub.Auth;

/// <summary>
/// Reads the GitHub App's private key from <c>Sources:GitHub:App:PrivateKey</c> (PEM text) or <c>PrivateKeyPath</c> (a
/// file). Problems name the key and the fix and never repeat any part of the key.
/// </summary>
internal static class GitHubAppPrivateKey
{
    public const string Section = GitHubSourceNames.AppSection;

    /// <summary>Loads the key, or returns null with <paramref name="problem"/> saying what to fix.</summary>
    public static RSA? TryLoad(GitHubAppOptions app, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(app);
        var hasText = !string.IsNullOrWhiteSpace(app.PrivateKey);
        var hasPath = !string.IsNullOrWhiteSpace(app.PrivateKeyPath);
        if (hasText == hasPath)
        {
            problem = hasText
                ? $"{Section}:PrivateKey and {Section}:PrivateKeyPath are both set; keep one of them."
                : $"{Section}:PrivateKey and {Section}:PrivateKeyPath are both empty; set one: the PEM text from a secret (env Sources__GitHub__App__PrivateKey) or the path of the mounted .pem file GitHub generated.";
            return null;
        }

        string pem;
        string where;
        if (hasText)
        {
            pem = app.PrivateKey;
            where = $"{Section}:PrivateKey";
        }
        else
        {
            where = $"{Section}:PrivateKeyPath '{app.PrivateKeyPath}'";
            try
            {
                pem = File.ReadAllText(app.PrivateKeyPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.GetType().Name;
                problem = $"{where} cannot be read ({reason}); mount the app's .pem file there or fix the path.";
                return null;
            }
        }

        // A PEM pasted into a one-line variable often arrives with literal "\n" instead of line breaks.
        if (!pem.Contains('\n', StringComparison.Ordinal) && pem.Contains("\\n", StringComparison.Ordinal))
        {
            pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);

            // A public key imports too, but cannot sign: ask for the private parameters to tell them apart.
            _ = rsa.ExportParameters(includePrivateParameters: true);
            problem = null;
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            var reason = e is ArgumentException ? "no PEM private key block found" : "the PEM block is not an RSA private key";
            problem = $"{where} does not hold a usable private key ({reason}); use the whole .pem file GitHub generated for the app, including the -----BEGIN RSA PRIVATE KEY----- and -----END RSA PRIVATE KEY----- lines.";
            return null;
        }
    }

    /// <summary>Loads the key or throws <see cref="InvalidOperationException"/> with the same message validation gives.</summary>
    public static RSA Load(GitHubAppOptions app) =>
        TryLoad(app, out var problem) ?? throw new InvalidOperationException(problem);
}
