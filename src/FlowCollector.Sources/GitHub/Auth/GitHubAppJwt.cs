using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlowCollector.Sources.GitHub.Auth;

/// <summary>
/// The JSON Web Token a GitHub App authenticates with to look up installations and mint their tokens: RS256-signed,
/// issued by the app, valid nine minutes (GitHub refuses more than ten).
/// </summary>
internal sealed class GitHubAppJwt
{
    /// <summary>Issued this far in the past, so a server clock slightly behind ours still accepts it (GitHub's advice).</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromSeconds(60);

    /// <summary>Expires this long after now; GitHub's maximum is ten minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    private static readonly string Header = Encode("""{"alg":"RS256","typ":"JWT"}"""u8);

    private readonly string appId;
    private readonly RSA key;

    public GitHubAppJwt(string appId, RSA key)
    {
        this.appId = appId;
        this.key = key;
    }

    /// <summary>A token issued at <paramref name="now"/> − 60 s that expires at <paramref name="now"/> + 9 min.</summary>
    public string Create(DateTimeOffset now)
    {
        using var payload = new MemoryStream();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteNumber("iat", (now - Backdate).ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());

            // A numeric App ID goes out as a number (as GitHub's own libraries send it), a Client ID as a string.
            if (long.TryParse(appId, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
            {
                json.WriteNumber("iss", numeric);
            }
            else
            {
                json.WriteString("iss", appId);
            }

            json.WriteEndObject();
        }

        var signingInput = Header + "." + Encode(payload.ToArray());
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}
