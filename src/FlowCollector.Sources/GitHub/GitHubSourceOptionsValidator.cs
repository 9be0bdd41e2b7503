using System.Globalization;
using System.Text.RegularExpressions;
using FlowCollector.Sources.GitHub.Auth;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.GitHub;

/// <summary>The data-annotation rules of <see cref="GitHubSourceOptions"/>, generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class GitHubSourceOptionsValidator : IValidateOptions<GitHubSourceOptions>;

/// <summary>
/// Rules attributes cannot express. Each message names the key, repeats the offending value (never the token)
/// and says how to fix it.
/// </summary>
internal sealed partial class GitHubSourceOptionsRulesValidator : IValidateOptions<GitHubSourceOptions>
{
    private const string Section = GitHubSourceOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GitHubSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ValidateOptionsResultBuilder();
        ValidateBaseAddress(result, options.ApiBaseAddress);
        var repositories = options.Repositories ?? [];
        ValidateRepositories(result, repositories);
        ValidateCredentials(result, options, repositories.Count, options.Organizations?.Count ?? 0);

        if (options.Interval < TimeSpan.FromMinutes(1))
        {
            result.AddError($"{Section}:Interval is {Show(options.Interval)} but must be at least 00:01:00; set e.g. 00:15:00 (each poll spends rate-limit budget).");
        }

        if (options.Overlap < TimeSpan.Zero)
        {
            result.AddError($"{Section}:Overlap is {Show(options.Overlap)} but must not be negative; set e.g. 01:00:00 (or 00:00:00 for none).");
        }

        if (options.Backfill < TimeSpan.FromHours(1))
        {
            result.AddError($"{Section}:Backfill is {Show(options.Backfill)} but must be at least 01:00:00; set e.g. 30.00:00:00 (30 days).");
        }

        if (!Enum.IsDefined(options.Api))
        {
            result.AddError($"{Section}:Api is '{options.Api}' but must be GraphQl or Rest; leave it out for GraphQl.");
        }

        if (options.DeploymentFallback == GitHubDeploymentFallback.CiRuns && (string.IsNullOrWhiteSpace(options.FallbackWorkflow) || !options.ReadWorkflowRuns))
        {
            result.AddError(
                $"{Section}:DeploymentFallback is CiRuns, so {Section}:FallbackWorkflow must name the workflow whose successful runs on the default branch count as deployments (e.g. Deploy or CI) and {Section}:ReadWorkflowRuns must be true; "
                + $"FallbackWorkflow is '{options.FallbackWorkflow}', ReadWorkflowRuns is {options.ReadWorkflowRuns}.");
        }

        if (options.PageSize is < 1 or > 100)
        {
            result.AddError($"{Section}:PageSize is {options.PageSize} but must be between 1 and 100 (GitHub's maximum); set 100.");
        }

        var bots = options.BotLogins ?? [];
        for (var i = 0; i < bots.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(bots[i]))
            {
                result.AddError($"{Section}:BotLogins[{i}] is empty; remove it or set a login such as renovate-helper.");
            }
        }

        return result.Build();
    }

    private static void ValidateBaseAddress(ValidateOptionsResultBuilder result, Uri? address)
    {
        if (address is null)
        {
            return; // reported by the generated [Required] rule
        }

        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            result.AddError($"{Section}:ApiBaseAddress is '{address.OriginalString}' but must be an absolute http(s) address; set https://api.github.com/ or, for GitHub Enterprise Server, https://<host>/api/v3/.");
            return;
        }

        if (!string.IsNullOrEmpty(address.UserInfo))
        {
            // The address is printed in messages and logs, so credentials must not live in it.
            result.AddError($"{Section}:ApiBaseAddress must not contain credentials; remove them and set {Section}:Token instead.");
        }
        else if (!string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            result.AddError($"{Section}:ApiBaseAddress is '{address.GetLeftPart(UriPartial.Path)}…' but must not have a query or fragment; set only the REST root, e.g. https://api.github.com/.");
        }
    }

    private static void ValidateRepositories(ValidateOptionsResultBuilder result, List<string> repositories)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < repositories.Count; i++)
        {
            var repository = repositories[i] ?? "";
            if (!RepositoryName().IsMatch(repository))
            {
                result.AddError($"{Section}:Repositories[{i}] is '{repository}' but must be 'owner/name' (e.g. contoso/web).");
                continue;
            }

            // GitHub treats owner and name case-insensitively: two spellings are the same repository.
            if (seen.TryGetValue(repository, out var first))
            {
                result.AddError($"{Section}:Repositories[{i}] is '{repository}', a duplicate of Repositories[{first}] '{repositories[first]}'; remove one of them.");
            }
            else
            {
                seen.Add(repository, i);
            }
        }
    }

    /// <summary>Exactly one of Token and App authenticates once anything is to be collected; a configured App is checked either way.</summary>
    private static void ValidateCredentials(ValidateOptionsResultBuilder result, GitHubSourceOptions options, int repositoryCount, int organizationCount)
    {
        var token = options.Token;
        if (options.App is { IsConfigured: true } app)
        {
            if (!string.IsNullOrWhiteSpace(token))
            {
                result.AddError($"{Section}:Token and {Section}:App are both set; keep one: remove the token (GITHUB_TOKEN also fills it) to authenticate as the GitHub App, or remove the App section to use the token.");
            }

            ValidateApp(result, app);
            return;
        }

        ValidateToken(result, token, repositoryCount, organizationCount);
    }

    private static void ValidateApp(ValidateOptionsResultBuilder result, GitHubAppOptions app)
    {
        const string App = Section + ":App";
        var appId = app.AppId?.Trim() ?? "";
        if (appId.Length == 0)
        {
            result.AddError($"{App}:AppId is empty; set the App ID (e.g. 123456) or the Client ID from the GitHub App's settings page (General → About).");
        }
        else if (!AppIdentifier().IsMatch(appId))
        {
            result.AddError($"{App}:AppId is '{appId}' but must be the numeric App ID (e.g. 123456) or the Client ID (letters and digits, e.g. Iv23liAbCdEf); copy it from the GitHub App's settings page.");
        }

        using (GitHubAppPrivateKey.TryLoad(app, out var problem))
        {
            if (problem is not null)
            {
                result.AddError(problem);
            }
        }

        foreach (var (owner, id) in app.InstallationIds ?? [])
        {
            if (!Owner().IsMatch(owner ?? ""))
            {
                result.AddError($"{App}:InstallationIds has the owner '{owner}', which is not a GitHub login; use the organisation's or user's login, e.g. contoso.");
            }
            else if (id <= 0)
            {
                result.AddError($"{App}:InstallationIds:{owner} is {id} but must be a positive installation id (the number at the end of the installation's settings URL); or remove it to look the installation up.");
            }
        }
    }

    private static void ValidateToken(ValidateOptionsResultBuilder result, string? token, int repositoryCount, int organizationCount)
    {
        if (repositoryCount + organizationCount == 0)
        {
            return;
        }

        var noun = (repositoryCount, organizationCount) switch
        {
            (1, 0) => "repository is",
            (_, 0) => "repositories are",
            (0, 1) => "organisation is",
            (0, _) => "organisations are",
            _ => $"repositories and {organizationCount} organisations are",
        };
        var count = repositoryCount > 0 ? repositoryCount : organizationCount;
        if (string.IsNullOrWhiteSpace(token))
        {
            result.AddError($"{Section}:Token is empty but {count} {noun} configured; set it from a secret (env Sources__GitHub__Token or GITHUB_TOKEN).");
        }
        else if (token.Length != token.Trim().Length)
        {
            // Typically the newline at the end of a mounted secret file; GitHub would answer 401.
            result.AddError($"{Section}:Token has leading or trailing whitespace (often a newline from a secret file); remove it from the secret.");
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    // App ID: digits; Client ID: e.g. Iv1.0123456789abcdef or Iv23liAbCdEf0123456.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex AppIdentifier();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$", RegexOptions.CultureInvariant)]
    private static partial Regex Owner();

    // owner: a login (letters, digits, '-'; '_' for Enterprise Managed Users); name: letters, digits, '.', '-', '_' (not "." or "..").
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryName();
}
