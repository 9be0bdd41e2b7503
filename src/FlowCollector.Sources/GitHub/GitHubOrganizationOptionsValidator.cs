using FlowCollector.Sources.GitHub.Discovery;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.GitHub;

/// <summary>
/// Rules of <see cref="GitHubSourceOptions.Organizations"/>: every entry names an organisation once, and every
/// include/exclude pattern is a glob on repository names. Messages name the key, the value and the fix.
/// </summary>
internal sealed class GitHubOrganizationOptionsValidator : IValidateOptions<GitHubSourceOptions>
{
    private const string Section = GitHubSourceOptions.SectionName + ":Organizations";

    public ValidateOptionsResult Validate(string? name, GitHubSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ValidateOptionsResultBuilder();
        var organizations = options.Organizations ?? [];
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < organizations.Count; i++)
        {
            var organization = organizations[i];
            var key = $"{Section}:{i}";
            if (organization is null || string.IsNullOrWhiteSpace(organization.Name))
            {
                result.AddError($"{key}:Name is empty; set the organisation's (or user's) login, e.g. contoso, or remove the entry.");
                continue;
            }

            var login = organization.Name.Trim();
            if (login.Contains('/', StringComparison.Ordinal))
            {
                result.AddError($"{key}:Name is '{login}' but must be a login without '/'; list single repositories under {GitHubSourceOptions.SectionName}:Repositories instead.");
            }
            else if (seen.TryGetValue(login, out var first))
            {
                result.AddError($"{key}:Name '{login}' is listed already as {Section}:{first}:Name; merge the two entries (their Include/Exclude lists) into one.");
            }
            else
            {
                seen[login] = i;
            }

            Patterns(result, $"{key}:Include", organization.Include);
            Patterns(result, $"{key}:Exclude", organization.Exclude);
            var topics = organization.Topics ?? [];
            for (var t = 0; t < topics.Count; t++)
            {
                if (string.IsNullOrWhiteSpace(topics[t]))
                {
                    result.AddError($"{key}:Topics:{t} is empty; remove it or set a topic such as payments.");
                }
            }
        }

        return result.Build();
    }

    private static void Patterns(ValidateOptionsResultBuilder result, string key, List<string>? patterns)
    {
        var list = patterns ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (RepositoryNameGlob.Problem(list[i]) is { } problem)
            {
                result.AddError($"{key}:{i} '{list[i]}' {problem}; e.g. service-* or *-api.");
            }
        }
    }
}
