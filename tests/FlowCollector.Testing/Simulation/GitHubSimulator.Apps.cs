using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WireMock;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// GitHub App authentication: a registered app (<see cref="RegisterApp"/>) installed on owners (<see cref="InstallApp"/>)
/// looks up its installations with an RS256 JWT and mints installation tokens, which the simulator then accepts like the
/// PAT — but only for repositories of the owner the installation belongs to, and only until they expire.
/// </summary>
/// <remarks>
/// Endpoints (JWT in <c>Authorization: Bearer</c>; the signature is checked with the app's public key, <c>iss</c> against
/// the app id or client id, <c>exp</c> in the future and at most 10 minutes away, <c>iat</c> not in the future):
/// <c>GET /orgs/{org}/installation</c>, <c>GET /users/{user}/installation</c> (404 when the app is not installed on that
/// kind of account), <c>POST /app/installations/{id}/access_tokens</c> (201 <c>{token, expires_at, permissions,
/// repository_selection}</c>). Clock: <see cref="GitHubSimulatorOptions.Time"/>. None of them spends the rate limit.
/// </remarks>
public sealed partial class GitHubSimulator
{
    private const string AppDocs = "https://docs.github.com/rest/apps/apps";

    private readonly Lock appGate = new();
    private readonly Dictionary<string, SimulatedInstallation> installationsByOwner = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IssuedInstallationToken> installationTokens = new(StringComparer.Ordinal);
    private SimulatedApp? app;
    private int installationTokensIssued;

    /// <summary>How long a minted installation token is valid (<c>expires_at</c> = now + this); GitHub: one hour.</summary>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Installation tokens minted so far (successful <c>POST …/access_tokens</c>).</summary>
    public int InstallationTokensIssued
    {
        get
        {
            lock (appGate)
            {
                return installationTokensIssued;
            }
        }
    }

    /// <summary>Registers the GitHub App whose JWTs the simulator accepts: its id (and optional client id) and the public half of its key.</summary>
    public void RegisterApp(long appId, RSA key, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(appId);
        var publicKey = RSA.Create();
        publicKey.ImportParameters(key.ExportParameters(includePrivateParameters: false));
        lock (appGate)
        {
            app?.PublicKey.Dispose();
            app = new SimulatedApp(appId, clientId, publicKey);
        }
    }

    /// <summary>
    /// Installs the registered app on <paramref name="owner"/> and returns the installation id (stable per owner). The
    /// account is a user when a repository of the model says so (<see cref="SimulatedRepository.OwnerIsUser"/>), else an organisation.
    /// </summary>
    public long InstallApp(string owner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var isUser = Model.Repositories.Any(r => string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase) && r.OwnerIsUser);
        var installation = new SimulatedInstallation(SimulatedIds.StableNumber("installation:" + owner.ToUpperInvariant()), owner, isUser);
        lock (appGate)
        {
            installationsByOwner[owner] = installation;
            return installation.Id;
        }
    }

    /// <summary>Uninstalls the app from <paramref name="owner"/>: lookups answer 404 and its tokens stop working.</summary>
    public void UninstallApp(string owner)
    {
        lock (appGate)
        {
            if (installationsByOwner.Remove(owner, out var removed))
            {
                foreach (var token in installationTokens.Where(t => t.Value.InstallationId == removed.Id).Select(t => t.Key).ToList())
                {
                    installationTokens.Remove(token);
                }
            }
        }
    }

    /// <summary>The app endpoints' answer, or null when the request is for another endpoint.</summary>
    private Reply? AnswerApp(IRequestMessage request, string rawPath)
    {
        if (!rawPath.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = rawPath[prefix.Length..].Trim('/').Split('/');
        var method = request.Method ?? "";
        var get = method.Equals("GET", StringComparison.OrdinalIgnoreCase);
        var post = method.Equals("POST", StringComparison.OrdinalIgnoreCase);
        var (kind, argument) = segments switch
        {
            ["orgs", var org, "installation"] when get => ("org", org),
            ["users", var user, "installation"] when get => ("user", user),
            ["app", "installations", var id, "access_tokens"] when post => ("token", id),
            _ => ("", ""),
        };
        if (kind.Length == 0)
        {
            return null;
        }

        lock (appGate)
        {
            if (VerifyJwt(Header(request, "Authorization")) is { } refused)
            {
                return Reply.Error(401, refused, "https://docs.github.com/rest");
            }

            if (kind == "token")
            {
                var installation = long.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? installationsByOwner.Values.FirstOrDefault(i => i.Id == id)
                    : null;
                return installation is null
                    ? Reply.Error(404, "Not Found", AppDocs + "#create-an-installation-access-token-for-an-app")
                    : MintInstallationToken(installation);
            }

            var owner = Uri.UnescapeDataString(argument);
            return installationsByOwner.TryGetValue(owner, out var found) && found.IsUser == (kind == "user")
                ? Reply.Ok(GitHubPayloads.Json(w => WriteInstallation(w, found)))
                : Reply.Error(404, "Not Found", AppDocs + (kind == "user" ? "#get-a-user-installation-for-the-authenticated-app" : "#get-an-organization-installation-for-the-authenticated-app"));
        }
    }

    /// <summary>True when <paramref name="authorization"/> carries a live installation token of the owner of <paramref name="repository"/> (any owner for GraphQL and listings).</summary>
    private bool AuthorisedByInstallation(string? authorization, SimulatedRepository? repository)
    {
        var parts = authorization?.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (parts is not [var scheme, var value] || !(scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        lock (appGate)
        {
            return installationTokens.TryGetValue(value, out var token)
                && token.ExpiresAt > options.Time.GetUtcNow()
                && (repository is null || string.Equals(repository.Owner, token.Owner, StringComparison.OrdinalIgnoreCase));
        }
    }

    private Reply MintInstallationToken(SimulatedInstallation installation)
    {
        var token = "ghs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        var expiresAt = options.Time.GetUtcNow() + InstallationTokenLifetime;
        installationTokens[token] = new IssuedInstallationToken(installation.Id, installation.Owner, expiresAt);
        installationTokensIssued++;
        return new Reply(201, GitHubPayloads.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("token", token);
            w.WriteString("expires_at", GitHubPayloads.Time(expiresAt));
            w.WritePropertyName("permissions");
            WritePermissions(w);
            w.WriteString("repository_selection", "all");
            w.WriteEndObject();
        }));
    }

    /// <summary>Null when the JWT is one GitHub would accept now, else GitHub's message for the refusal.</summary>
    private string? VerifyJwt(string? authorization)
    {
        const string Undecodable = "A JSON web token could not be decoded";
        var parts = authorization?.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (app is not { } registered || parts is not [var scheme, var jwt] || !scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)
            || jwt.Split('.') is not [var header, var payload, var signature])
        {
            return Undecodable;
        }

        try
        {
            using var head = JsonDocument.Parse(Base64UrlDecode(header));
            if (head.RootElement.GetProperty("alg").GetString() != "RS256"
                || !registered.PublicKey.VerifyData(Encoding.ASCII.GetBytes(header + "." + payload), Base64UrlDecode(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return Undecodable;
            }

            using var claims = JsonDocument.Parse(Base64UrlDecode(payload));
            var root = claims.RootElement;
            var issuer = root.GetProperty("iss") is { ValueKind: JsonValueKind.Number } number
                ? number.GetInt64().ToString(CultureInfo.InvariantCulture)
                : root.GetProperty("iss").GetString();
            if (issuer != registered.AppId.ToString(CultureInfo.InvariantCulture) && (registered.ClientId is null || issuer != registered.ClientId))
            {
                return Undecodable; // another app's id: the signature cannot be one of its keys
            }

            var now = options.Time.GetUtcNow().ToUnixTimeSeconds();
            var exp = root.GetProperty("exp").GetInt64();
            var iat = root.GetProperty("iat").GetInt64();
            if (exp <= now)
            {
                return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
            }

            if (exp > now + 600)
            {
                return "'Expiration time' claim ('exp') is too far in the future";
            }

            return iat > now + 60 ? "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued." : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return Undecodable;
        }
    }

    private void WriteInstallation(Utf8JsonWriter w, SimulatedInstallation installation)
    {
        var registered = app!;
        var id = installation.Id.ToString(CultureInfo.InvariantCulture);
        var type = installation.IsUser ? "User" : "Organization";
        w.WriteStartObject();
        w.WriteNumber("id", installation.Id);
        w.WriteString("client_id", registered.ClientId ?? $"Iv23li{registered.AppId:x12}");
        payloads.User(w, SimulatedUser.Named(installation.Owner, false), "account", typeOverride: type);
        w.WriteString("repository_selection", "all");
        w.WriteString("access_tokens_url", $"{Url}app/installations/{id}/access_tokens");
        w.WriteString("repositories_url", $"{Url}installation/repositories");
        w.WriteString("html_url", installation.IsUser
            ? $"https://github.com/settings/installations/{id}"
            : $"https://github.com/organizations/{installation.Owner}/settings/installations/{id}");
        w.WriteNumber("app_id", registered.AppId);
        w.WriteString("app_slug", "flowcollector");
        w.WriteNumber("target_id", SimulatedIds.StableNumber("owner:" + installation.Owner.ToUpperInvariant()));
        w.WriteString("target_type", type);
        w.WritePropertyName("permissions");
        WritePermissions(w);
        w.WriteStartArray("events");
        w.WriteEndArray();
        w.WriteString("created_at", "2024-01-15T09:30:00.000Z");
        w.WriteString("updated_at", "2024-01-15T09:30:00.000Z");
        w.WriteNull("single_file_name");
        w.WriteBoolean("has_multiple_single_files", false);
        w.WriteStartArray("single_file_paths");
        w.WriteEndArray();
        w.WriteNull("suspended_by");
        w.WriteNull("suspended_at");
        w.WriteEndObject();
    }

    /// <summary>The read permissions FlowCollector's documentation asks for.</summary>
    private static void WritePermissions(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        foreach (var permission in (string[])["actions", "contents", "deployments", "issues", "metadata", "pull_requests"])
        {
            w.WriteString(permission, "read");
        }

        w.WriteEndObject();
    }

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private sealed record SimulatedApp(long AppId, string? ClientId, RSA PublicKey);

    private sealed record SimulatedInstallation(long Id, string Owner, bool IsUser);

    private sealed record IssuedInstallationToken(long InstallationId, string Owner, DateTimeOffset ExpiresAt);
}
