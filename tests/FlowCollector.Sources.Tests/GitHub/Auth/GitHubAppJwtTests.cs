using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowCollector.Sources.GitHub.Auth;

namespace FlowCollector.Sources.Tests.GitHub.Auth;

/// <summary>The app JWT: RS256 over header.payload, the claims GitHub checks, a signature only the app's key makes.</summary>
public sealed class GitHubAppJwtTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    // App id as configured → the iss claim's JSON (numbers stay numbers, a client id is a string).
    [Theory]
    [InlineData("424242", "424242")]
    [InlineData("Iv23liAbCdEf0123", "\"Iv23liAbCdEf0123\"")]
    public void Carries_iss_iat_60_seconds_back_and_exp_9_minutes_ahead(string appId, string issJson)
    {
        var jwt = new GitHubAppJwt(appId, GitHubAppKeys.App).Create(Now);

        var parts = jwt.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));

        Assert.Equal(3, parts.Length);
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(1740992400 - 60, payload.RootElement.GetProperty("iat").GetInt64()); // 2025-03-03T09:00:00Z = 1741021200
        Assert.Equal(1740992400 + 540, payload.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal(issJson, payload.RootElement.GetProperty("iss").GetRawText());
        Assert.Equal(3, payload.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public void The_signature_verifies_with_the_apps_public_key_and_not_with_another()
    {
        var jwt = new GitHubAppJwt("424242", GitHubAppKeys.App).Create(Now);
        var parts = jwt.Split('.');
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        using var publicKey = RSA.Create(GitHubAppKeys.App.ExportParameters(includePrivateParameters: false));
        using var other = RSA.Create();
        other.ImportFromPem(GitHubAppKeys.OtherPem);

        Assert.True(publicKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(other.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1] + "x"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
