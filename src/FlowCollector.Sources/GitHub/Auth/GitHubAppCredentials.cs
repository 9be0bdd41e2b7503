using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Shared;
using FlowCollector.Sources.Http;
using Microsoft.Extensions.Logging;
using Octokit;
using Octokit.Internal;

namespace FlowCollector.Sources.GitHub.Auth;

/// <summary>
/// Authenticates as a GitHub App: finds the app's installation on each repository owner once, mints that installation's
/// access token and renews it <see cref="RefreshBefore"/> before it expires. Every caller of one installation shares one
/// token and, when it is due, one renewal. Requests are Octokit's, on the <c>github</c> pipeline (<see cref="GitHubOctokit"/>).
/// </summary>
/// <remarks>
/// Cost: per owner one lookup (<c>GET /orgs/{owner}/installation</c>, plus <c>/users/{owner}/installation</c> for a
/// user account) for the process's lifetime, and one <c>POST /app/installations/{id}/access_tokens</c> about every
/// 55 minutes; both are authenticated by the JWT and spend none of the installation's rate limit.
/// </remarks>
public sealed partial class GitHubAppCredentials : GitHubCredentials, IDisposable
{
    /// <inheritdoc/>
    public override string Described => "the GitHub App's installation (" + GitHubSourceNames.AppSection + ")";

    /// <summary>A token is renewed this long before GitHub's <c>expires_at</c>, so no request goes out with one about to lapse.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private const string Section = GitHubAppPrivateKey.Section;

    private static readonly Dictionary<string, string> NoParameters = [];

    /// <summary>
    /// The token request's body: Octokit sends no POST without one, and GitHub's description of
    /// <c>apps/create-installation-access-token</c> (@octokit/openapi) makes every field optional (<c>repositories</c>,
    /// <c>repository_ids</c>, <c>permissions</c>), so <c>{}</c> asks for what no body does: the whole installation.
    /// </summary>
    private static readonly Dictionary<string, object> AllRepositories = [];

    private readonly string appId;
    private readonly RSA key;
    private readonly GitHubAppJwt jwt;
    private readonly Uri baseAddress;
    private readonly IHttpMessageHandlerFactory handlers;
    private readonly TimeProvider time;
    private readonly ILogger<GitHubAppCredentials> logger;
    private readonly Dictionary<string, long> configuredInstallations;
    private readonly ConcurrentDictionary<string, Lazy<Task<long>>> installations = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, TokenSlot> tokens = new();

    /// <param name="app">The validated <c>Sources:GitHub:App</c> section; the private key is read here (throws naming the key when it is unusable).</param>
    /// <param name="apiBaseAddress">The REST root, e.g. <c>https://api.github.com/</c> or <c>https://host/api/v3/</c>.</param>
    /// <param name="handlers">The <c>github</c> pipeline Octokit sends through.</param>
    /// <param name="time">Every clock read (JWT times, token expiry).</param>
    /// <param name="logger">Lookups and renewals at debug level; never a token or the JWT.</param>
    public GitHubAppCredentials(GitHubAppOptions app, Uri apiBaseAddress, IHttpMessageHandlerFactory handlers, TimeProvider time, ILogger<GitHubAppCredentials> logger)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(apiBaseAddress);
        appId = app.AppId.Trim();
        key = GitHubAppPrivateKey.Load(app);
        jwt = new GitHubAppJwt(appId, key);
        baseAddress = GitHubOctokit.RestRoot(apiBaseAddress);
        this.handlers = handlers;
        this.time = time;
        this.logger = logger;
        configuredInstallations = new Dictionary<string, long>(app.InstallationIds ?? [], StringComparer.OrdinalIgnoreCase);
    }

    public override async ValueTask<string> GetTokenAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var installation = await InstallationOfAsync(owner, cancellationToken).ConfigureAwait(false);
        var slot = tokens.GetOrAdd(installation, _ => new TokenSlot());
        Task<InstallationToken> pending;
        lock (slot.Gate)
        {
            if (slot.Current is { } current && current.ExpiresAt - RefreshBefore > time.GetUtcNow())
            {
                return current.Token;
            }

            // One renewal per installation, whoever asks; it runs on its own so a caller's cancellation does not fail the others.
            pending = slot.Pending ??= Task.Run(() => RenewAsync(slot, installation, owner));
        }

        return (await pending.WaitAsync(cancellationToken).ConfigureAwait(false)).Token;
    }

    /// <summary>
    /// Per owner, which is per installation: an app has at most one installation on an account, and the owner is known
    /// before the first lookup, so the key never changes — not when the token rotates, not after the lookup.
    /// </summary>
    public override string BudgetKey(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return Fingerprint($"app:{appId}/owner:{owner.ToUpperInvariant()}");
    }

    public void Dispose() => key.Dispose();

    private async Task<long> InstallationOfAsync(string owner, CancellationToken cancellationToken)
    {
        if (configuredInstallations.TryGetValue(owner, out var configured))
        {
            return configured;
        }

        var lookup = installations.GetOrAdd(owner, o => new Lazy<Task<long>>(() => Task.Run(() => LookUpInstallationAsync(o))));
        try
        {
            return await lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not cached: once the app is installed (or GitHub answers again) the next read finds it.
            installations.TryRemove(new KeyValuePair<string, Lazy<Task<long>>>(owner, lookup));
            throw;
        }
    }

    private async Task<long> LookUpInstallationAsync(string owner)
    {
        var escaped = Uri.EscapeDataString(owner);
        using var transport = GitHubOctokit.Transport(handlers);
        var connection = Connect(transport);
        foreach (var path in (string[])[$"orgs/{escaped}/installation", $"users/{escaped}/installation"])
        {
            Installation? installation;
            try
            {
                installation = await SendAsync(() => connection.Get<Installation>(new Uri(path, UriKind.Relative), NoParameters, GitHubOctokit.MediaType, CancellationToken.None), "GET", path, owner).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                continue; // an organisation's endpoint knows no user, and the other way round
            }

            if (installation is not { Id: > 0 } found)
            {
                throw Malformed($"GET /{path}", owner, "no installation id");
            }

            LogInstallationFound(logger, owner, found.Id);
            return found.Id;
        }

        throw new SourceException(
            $"The GitHub App {appId} is not installed on {owner} (GET /orgs/{owner}/installation and /users/{owner}/installation answered 404): install it on {owner} with access to the repositories to collect (the app's page → Install App), or check {Section}:AppId.");
    }

    private async Task<InstallationToken> RenewAsync(TokenSlot slot, long installation, string owner)
    {
        try
        {
            var path = $"app/installations/{installation.ToString(CultureInfo.InvariantCulture)}/access_tokens";
            using var transport = GitHubOctokit.Transport(handlers);
            var connection = Connect(transport);
            AccessToken? minted;
            try
            {
                minted = await SendAsync(() => connection.Post<AccessToken>(new Uri(path, UriKind.Relative), AllRepositories, GitHubOctokit.MediaType, "application/json", CancellationToken.None), "POST", path, owner).ConfigureAwait(false);
            }
            catch (NotFoundException e)
            {
                throw new SourceException(
                    $"GitHub has no installation {installation} of the GitHub App {appId} (POST /{path} answered 404) for {owner}: the app was uninstalled or {Section}:InstallationIds:{owner} is wrong; install the app on {owner} or fix the id.", e);
            }

            if (minted is null || minted.ExpiresAt == default)
            {
                throw Malformed($"POST /{path}", owner, "no expires_at");
            }

            if (string.IsNullOrEmpty(minted.Token))
            {
                throw Malformed($"POST /{path}", owner, "an empty token");
            }

            var token = new InstallationToken(minted.Token, minted.ExpiresAt);
            LogTokenMinted(logger, owner, installation, token.ExpiresAt);
            lock (slot.Gate)
            {
                slot.Current = token;
                slot.Pending = null;
            }

            return token;
        }
        catch
        {
            lock (slot.Gate)
            {
                slot.Pending = null; // the next caller tries again
            }

            throw;
        }
    }

    /// <summary>Authenticated by a fresh JWT on every request (it lives 10 minutes; Octokit asks the store each time).</summary>
    private Connection Connect(IHttpClient transport) =>
        GitHubOctokit.Connect(baseAddress, new JwtCredentialStore(jwt, time), transport);

    /// <summary>
    /// One request; Octokit's answer, or a <see cref="SourceException"/> that says what to fix. A 404 stays Octokit's
    /// <see cref="NotFoundException"/>: lookup and renewal each mean something else by it.
    /// </summary>
    private async Task<T?> SendAsync<T>(Func<Task<IApiResponse<T>>> send, string method, string path, string owner)
        where T : class
    {
        try
        {
            return (await send().ConfigureAwait(false)).Body;
        }
        catch (NotFoundException)
        {
            throw;
        }
        catch (ApiException e)
        {
            throw Refused(e, $"{method} /{path}", owner);
        }
        catch (HttpRequestException e)
        {
            throw new SourceException(
                $"Could not reach GitHub at {baseAddress} to authenticate as the GitHub App for {owner} ({ErrorText.OneLine(e.Message)}); check {GitHubSourceNames.Section}:ApiBaseAddress and the network.", e);
        }
        catch (Exception e) when (e is OperationCanceledException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new SourceException(
                $"GitHub did not answer {method} /{path} for {owner} in time, even after retries; the next run tries again (timeouts: {GitHubSourceNames.ResilienceSection}).", e);
        }
        catch (Exception e) when (e is not SourceException)
        {
            // Octokit could not read the body, which may hold a token: name the problem, never the content.
            throw Malformed($"{method} /{path}", owner, e.GetType().Name);
        }
    }

    private SourceException Refused(ApiException e, string endpoint, string owner)
    {
        var status = e.StatusCode;
        var code = (int)status;
        var said = ErrorText.OneLine(e.ApiError?.Message is { Length: > 0 } message ? message : (HttpErrorText.ReasonPhrase(code) ?? status.ToString()));
        return status switch
        {
            HttpStatusCode.Unauthorized => new SourceException(
                $"GitHub rejected the GitHub App's JWT ({code} {said}) at {endpoint} for {owner}: check that {Section}:AppId ({appId}) is the app's ID and that {Section}:PrivateKey (or PrivateKeyPath) is a current private key of that app (its settings page → Private keys); GitHub also refuses a JWT when this machine's clock is off by more than a minute."),
            HttpStatusCode.Forbidden => new SourceException(
                $"GitHub refused {endpoint} for {owner} ({code} {said}): the GitHub App {appId}'s installation may be suspended; unsuspend it on {owner} (settings → GitHub Apps)."),
            _ => new SourceException(
                $"GitHub answered {code} {said} for {endpoint} ({owner}) while authenticating as the GitHub App {appId}; the next run tries again."),
        };
    }

    private SourceException Malformed(string endpoint, string owner, string detail) =>
        new($"GitHub returned a malformed payload for {endpoint} ({owner}): {detail}. Check that {GitHubSourceNames.Section}:ApiBaseAddress ({baseAddress}) is a GitHub REST root.");

    [LoggerMessage(Level = LogLevel.Debug, Message = "GitHub App installation of {Owner}: {InstallationId}")]
    private static partial void LogInstallationFound(ILogger logger, string owner, long installationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "New GitHub App installation token for {Owner} (installation {InstallationId}), valid until {ExpiresAt:O}")]
    private static partial void LogTokenMinted(ILogger logger, string owner, long installationId, DateTimeOffset expiresAt);

    private sealed record InstallationToken(string Token, DateTimeOffset ExpiresAt)
    {
        // The token must not reach a log through a record's generated ToString.
        public override string ToString() => $"installation token valid until {ExpiresAt:O}";
    }

    /// <summary>Octokit asks for credentials on every request: each gets a JWT minted then, on <see cref="TimeProvider"/>'s clock.</summary>
    private sealed class JwtCredentialStore(GitHubAppJwt jwt, TimeProvider time) : ICredentialStore
    {
        public Task<Credentials> GetCredentials() => Task.FromResult(new Credentials(jwt.Create(time.GetUtcNow()), AuthenticationType.Bearer));
    }

    private sealed class TokenSlot
    {
        public Lock Gate { get; } = new();

        public InstallationToken? Current { get; set; }

        public Task<InstallationToken>? Pending { get; set; }
    }
}
