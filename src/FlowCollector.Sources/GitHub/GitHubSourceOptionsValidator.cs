using System.Globalization;
using System.Text.RegularExpressions;
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
        ValidateToken(result, options.Token, repositories.Count);

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

    private static void ValidateToken(ValidateOptionsResultBuilder result, string? token, int repositoryCount)
    {
        if (repositoryCount == 0)
        {
            return;
        }

        var noun = repositoryCount == 1 ? "repository is" : "repositories are";
        if (string.IsNullOrWhiteSpace(token))
        {
            result.AddError($"{Section}:Token is empty but {repositoryCount} {noun} configured; set it from a secret (env Sources__GitHub__Token or GITHUB_TOKEN).");
        }
        else if (token.Length != token.Trim().Length)
        {
            // Typically the newline at the end of a mounted secret file; GitHub would answer 401.
            result.AddError($"{Section}:Token has leading or trailing whitespace (often a newline from a secret file); remove it from the secret.");
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    // owner: a login (letters, digits, '-'; '_' for Enterprise Managed Users); name: letters, digits, '.', '-', '_' (not "." or "..").
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryName();
}
