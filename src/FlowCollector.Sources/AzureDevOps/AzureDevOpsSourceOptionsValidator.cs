using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>The data-annotation rules of <see cref="AzureDevOpsSourceOptions"/>, generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class AzureDevOpsSourceOptionsValidator : IValidateOptions<AzureDevOpsSourceOptions>;

/// <summary>
/// Rules attributes cannot express. Each message names the key, repeats the offending value (never a secret) and says
/// how to fix it.
/// </summary>
internal sealed partial class AzureDevOpsSourceOptionsRulesValidator : IValidateOptions<AzureDevOpsSourceOptions>
{
    private const string Section = AzureDevOpsSourceOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AzureDevOpsSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ValidateOptionsResultBuilder();
        var repositories = options.Repositories ?? [];
        var projects = options.Projects ?? [];
        ValidateRepositories(result, repositories);
        ValidateProjects(result, projects);
        if (repositories.Count > 0 || projects.Count > 0)
        {
            var configured = Count(repositories.Count, projects.Count);
            ValidateOrganizationUrl(result, options.OrganizationUrl, configured);
            ValidateCredentials(result, options, configured);
        }

        if (options.Organization is { Length: > 0 } organization && !OrganizationName().IsMatch(organization))
        {
            result.AddError($"{Section}:Organization is '{organization}' but must be a name without '/' or spaces (e.g. contoso); leave it empty to take it from OrganizationUrl.");
        }

        if (options.Interval < TimeSpan.FromMinutes(1))
        {
            result.AddError($"{Section}:Interval is {Show(options.Interval)} but must be at least 00:01:00; set e.g. 00:15:00 (each poll spends Azure DevOps usage budget).");
        }

        if (options.Overlap < TimeSpan.Zero)
        {
            result.AddError($"{Section}:Overlap is {Show(options.Overlap)} but must not be negative; set e.g. 01:00:00 (or 00:00:00 for none).");
        }

        if (options.Backfill < TimeSpan.FromHours(1))
        {
            result.AddError($"{Section}:Backfill is {Show(options.Backfill)} but must be at least 01:00:00; set e.g. 30.00:00:00 (30 days).");
        }

        if (options.PageSize is < 1 or > 1000)
        {
            result.AddError($"{Section}:PageSize is {options.PageSize} but must be between 1 and 1000; set 200.");
        }

        if (options.MaxConcurrentRequests is < 1 or > 32)
        {
            result.AddError($"{Section}:MaxConcurrentRequests is {options.MaxConcurrentRequests} but must be between 1 and 32; set 8.");
        }

        if (options.MaxThrottleWait < TimeSpan.Zero || options.MaxThrottleWait > TimeSpan.FromMinutes(10))
        {
            result.AddError($"{Section}:MaxThrottleWait is {Show(options.MaxThrottleWait)} but must be between 00:00:00 and 00:10:00; set e.g. 00:01:00.");
        }

        if (options.ReleaseManagementUrl is { } vsrm && (!vsrm.IsAbsoluteUri || (vsrm.Scheme != Uri.UriSchemeHttps && vsrm.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(vsrm.UserInfo)))
        {
            result.AddError($"{Section}:ReleaseManagementUrl is '{(vsrm.IsAbsoluteUri ? vsrm.GetLeftPart(UriPartial.Path) : vsrm.OriginalString)}' but must be an absolute http(s) address without credentials, e.g. https://vsrm.dev.azure.com/<organization>; leave it empty to derive it from OrganizationUrl.");
        }

        if (options.ReadIncidents && string.IsNullOrWhiteSpace(options.IncidentWorkItemType))
        {
            result.AddError($"{Section}:IncidentWorkItemType is empty but {Section}:ReadIncidents is true; set the work item type of incidents (e.g. Incident, or Bug with IncidentTags).");
        }

        var bots = options.BotNames ?? [];
        for (var i = 0; i < bots.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(bots[i]))
            {
                result.AddError($"{Section}:BotNames[{i}] is empty; remove it or set a name such as release-bot@contoso.com.");
            }
        }

        foreach (var (stage, environment) in options.StageEnvironments ?? [])
        {
            if (string.IsNullOrWhiteSpace(environment))
            {
                result.AddError($"{Section}:StageEnvironments:{stage} is empty; set the environment the stage deploys to (e.g. production) or remove the entry.");
            }
        }

        return result.Build();
    }

    private static void ValidateRepositories(ValidateOptionsResultBuilder result, List<string> repositories)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < repositories.Count; i++)
        {
            var repository = repositories[i] ?? "";
            if (!RepositoryName().IsMatch(repository))
            {
                result.AddError($"{Section}:Repositories[{i}] is '{repository}' but must be 'project/repository' (e.g. Web Platform/checkout).");
                continue;
            }

            // Azure DevOps resolves project and repository names case-insensitively.
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

    private static void ValidateOrganizationUrl(ValidateOptionsResultBuilder result, Uri? address, string configured)
    {
        const string Example = "set https://dev.azure.com/<organization> or, for Azure DevOps Server, https://<host>/tfs/<collection>.";
        if (address is null)
        {
            result.AddError($"{Section}:OrganizationUrl is empty but {configured} configured; {Example}");
            return;
        }

        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            result.AddError($"{Section}:OrganizationUrl is '{address.OriginalString}' but must be an absolute http(s) address; {Example}");
            return;
        }

        if (!string.IsNullOrEmpty(address.UserInfo))
        {
            result.AddError($"{Section}:OrganizationUrl must not contain credentials; remove them and set {Section}:Pat instead.");
        }
        else if (!string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            result.AddError($"{Section}:OrganizationUrl is '{address.GetLeftPart(UriPartial.Path)}…' but must not have a query or fragment; {Example}");
        }
        else if (address.AbsolutePath.Contains("/_apis", StringComparison.OrdinalIgnoreCase))
        {
            result.AddError($"{Section}:OrganizationUrl is '{address.OriginalString}' but must be the organisation or collection, not an API path; {Example}");
        }
        else if (AzureDevOpsEndpoints.OrganizationNameOf(address) is null)
        {
            result.AddError($"{Section}:OrganizationUrl is '{address.OriginalString}' but names no organisation; {Example}");
        }
    }

    private static void ValidateCredentials(ValidateOptionsResultBuilder result, AzureDevOpsSourceOptions options, string configured)
    {
        if (options.Authentication == AzureDevOpsAuthentication.Pat)
        {
            var pat = options.Pat ?? "";
            if (string.IsNullOrWhiteSpace(pat))
            {
                result.AddError($"{Section}:Pat is empty but {configured} configured; set it from a secret (env Sources__AzureDevOps__Pat) or set {Section}:Authentication to EntraId.");
            }
            else if (pat.Length != pat.Trim().Length)
            {
                // Typically the newline at the end of a mounted secret file; Azure DevOps would answer with a sign-in page.
                result.AddError($"{Section}:Pat has leading or trailing whitespace (often a newline from a secret file); remove it from the secret.");
            }

            return;
        }

        if (!Enum.IsDefined(options.Authentication))
        {
            result.AddError($"{Section}:Authentication is '{options.Authentication}' but must be Pat or EntraId.");
            return;
        }

        var entra = options.EntraId ?? new AzureDevOpsEntraIdOptions();
        if (entra.Credential == AzureDevOpsEntraIdCredential.ClientSecret)
        {
            foreach (var (key, value) in new[] { ("TenantId", entra.TenantId), ("ClientId", entra.ClientId), ("ClientSecret", entra.ClientSecret) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    result.AddError($"{Section}:EntraId:{key} is empty but {Section}:EntraId:Credential is ClientSecret; set it (the secret from a Kubernetes Secret), or use WorkloadIdentity.");
                }
            }
        }
        else if (!Enum.IsDefined(entra.Credential))
        {
            result.AddError($"{Section}:EntraId:Credential is '{entra.Credential}' but must be Default, ClientSecret, WorkloadIdentity or ManagedIdentity.");
        }
    }

    /// <summary>"1 repository is", "2 projects are", "1 repository and 2 projects are".</summary>
    private static string Count(int repositoryCount, int projectCount)
    {
        var repositories = repositoryCount == 1 ? "1 repository" : $"{repositoryCount} repositories";
        var projects = projectCount == 1 ? "1 project" : $"{projectCount} projects";
        return (repositoryCount, projectCount) switch
        {
            (1, 0) => "1 repository is",
            (_, 0) => repositories + " are",
            (0, 1) => "1 project is",
            (0, _) => projects + " are",
            _ => $"{repositories} and {projects} are",
        };
    }

    private static void ValidateProjects(ValidateOptionsResultBuilder result, List<AzureDevOpsProjectOptions> projects)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < projects.Count; i++)
        {
            var key = $"{Section}:Projects:{i}";
            var project = projects[i];
            if (project is null)
            {
                result.AddError($"{key} is empty; remove it or set its Name (e.g. Web Platform).");
                continue;
            }

            var name = project.Name ?? "";
            if (string.IsNullOrWhiteSpace(name))
            {
                result.AddError($"{key}:Name is empty; set the project whose repositories to collect (e.g. Web Platform) or remove the entry.");
            }
            else if (!ProjectName().IsMatch(name))
            {
                result.AddError($"{key}:Name is '{name}' but must be a project name without '/' and without leading or trailing spaces (e.g. Web Platform).");
            }
            else if (seen.TryGetValue(name, out var first))
            {
                // Azure DevOps resolves project names case-insensitively: two entries would list the same project.
                result.AddError($"{key}:Name is '{name}', a duplicate of {Section}:Projects:{first}:Name '{projects[first].Name}'; merge their Include and Exclude lists into one entry.");
            }
            else
            {
                seen.Add(name, i);
            }

            foreach (var (list, patterns) in new[] { ("Include", project.Include ?? []), ("Exclude", project.Exclude ?? []) })
            {
                for (var j = 0; j < patterns.Count; j++)
                {
                    if (AzureDevOpsRepositoryFilter.Invalid(patterns[j]) is { } problem)
                    {
                        result.AddError($"{key}:{list}:{j} ('{patterns[j]}') {problem}; set a repository-name pattern with * (any characters) and ? (one character) only, e.g. checkout-*, or remove it.");
                    }
                }
            }
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    // project: no '/' and no leading/trailing space; repository: no '/'. Azure DevOps allows spaces and most punctuation in both.
    [GeneratedRegex(@"^[^/\s](?:[^/]{0,62}[^/\s])?/[^/\s](?:[^/]{0,62}[^/\s])?$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryName();

    [GeneratedRegex(@"^[^/\s](?:[^/]{0,62}[^/\s])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex OrganizationName();
}
