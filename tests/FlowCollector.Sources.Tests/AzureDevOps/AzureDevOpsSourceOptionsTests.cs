using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.AzureDevOps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Start-up validation of <c>Sources:AzureDevOps</c> through the production registration.</summary>
public sealed class AzureDevOpsSourceOptionsTests
{
    private const string Pat = "s3cr3tpatthatmustneverbeechoed00000000000000000000000";
    private const string UrlHint = "set https://dev.azure.com/<organization> or, for Azure DevOps Server, https://<host>/tfs/<collection>.";

    // Each row: the settings besides a valid base (Web Platform/checkout on dev.azure.com/contoso with a PAT) and every message expected, exactly.
    public static TheoryData<string, string[], string[]> InvalidCases => new()
    {
        {
            "a repository without project", ["Repositories:1=Payments/api", "Repositories:2=checkout"],
            ["Sources:AzureDevOps:Repositories[2] is 'checkout' but must be 'project/repository' (e.g. Web Platform/checkout)."]
        },
        {
            "a URL instead of project/repository", ["Repositories:0=https://dev.azure.com/contoso/Web/_git/checkout"],
            ["Sources:AzureDevOps:Repositories[0] is 'https://dev.azure.com/contoso/Web/_git/checkout' but must be 'project/repository' (e.g. Web Platform/checkout)."]
        },
        {
            "the same repository twice, spelled differently", ["Repositories:1=web platform/Checkout"],
            ["Sources:AzureDevOps:Repositories[1] is 'web platform/Checkout', a duplicate of Repositories[0] 'Web Platform/checkout'; remove one of them."]
        },
        {
            "no organisation URL", ["OrganizationUrl="],
            [$"Sources:AzureDevOps:OrganizationUrl is empty but 1 repository is configured; {UrlHint}"]
        },
        {
            "an API path as organisation URL", ["OrganizationUrl=https://dev.azure.com/contoso/_apis/projects"],
            [$"Sources:AzureDevOps:OrganizationUrl is 'https://dev.azure.com/contoso/_apis/projects' but must be the organisation or collection, not an API path; {UrlHint}"]
        },
        {
            "dev.azure.com without an organisation", ["OrganizationUrl=https://dev.azure.com/"],
            [$"Sources:AzureDevOps:OrganizationUrl is 'https://dev.azure.com/' but names no organisation; {UrlHint}"]
        },
        {
            "credentials in the organisation URL", ["OrganizationUrl=https://user:pat@dev.azure.com/contoso"],
            ["Sources:AzureDevOps:OrganizationUrl must not contain credentials; remove them and set Sources:AzureDevOps:Pat instead."]
        },
        {
            "no PAT for two repositories", ["Pat=", "Repositories:1=Payments/api"],
            ["Sources:AzureDevOps:Pat is empty but 2 repositories are configured; set it from a secret (env Sources__AzureDevOps__Pat) or set Sources:AzureDevOps:Authentication to EntraId."]
        },
        {
            "a PAT with the newline of a secret file", [$"Pat={Pat}\n"],
            ["Sources:AzureDevOps:Pat has leading or trailing whitespace (often a newline from a secret file); remove it from the secret."]
        },
        {
            "a client-secret service principal without its keys", ["Pat=", "Authentication=EntraId", "EntraId:Credential=ClientSecret", "EntraId:TenantId=72f988bf-86f1-41af-91ab-2d7cd011db47"],
            [
                "Sources:AzureDevOps:EntraId:ClientId is empty but Sources:AzureDevOps:EntraId:Credential is ClientSecret; set it (the secret from a Kubernetes Secret), or use WorkloadIdentity.",
                "Sources:AzureDevOps:EntraId:ClientSecret is empty but Sources:AzureDevOps:EntraId:Credential is ClientSecret; set it (the secret from a Kubernetes Secret), or use WorkloadIdentity.",
            ]
        },
        {
            "an organisation tag with a slash", ["Organization=contoso/web"],
            ["Sources:AzureDevOps:Organization is 'contoso/web' but must be a name without '/' or spaces (e.g. contoso); leave it empty to take it from OrganizationUrl."]
        },
        {
            "an interval under a minute", ["Interval=00:00:30"],
            ["Sources:AzureDevOps:Interval is 00:00:30 but must be at least 00:01:00; set e.g. 00:15:00 (each poll spends Azure DevOps usage budget)."]
        },
        {
            "a negative overlap", ["Overlap=-00:05:00"],
            ["Sources:AzureDevOps:Overlap is -00:05:00 but must not be negative; set e.g. 01:00:00 (or 00:00:00 for none)."]
        },
        {
            "a backfill under an hour", ["Backfill=00:30:00"],
            ["Sources:AzureDevOps:Backfill is 00:30:00 but must be at least 01:00:00; set e.g. 30.00:00:00 (30 days)."]
        },
        {
            "a page size over the maximum", ["PageSize=1001"],
            ["Sources:AzureDevOps:PageSize is 1001 but must be between 1 and 1000; set 200."]
        },
        {
            "no concurrency at all", ["MaxConcurrentRequests=0"],
            ["Sources:AzureDevOps:MaxConcurrentRequests is 0 but must be between 1 and 32; set 8."]
        },
        {
            "a throttle wait over ten minutes", ["MaxThrottleWait=00:30:00"],
            ["Sources:AzureDevOps:MaxThrottleWait is 00:30:00 but must be between 00:00:00 and 00:10:00; set e.g. 00:01:00."]
        },
        {
            "an empty bot name", ["BotNames:0=release-bot@contoso.com", "BotNames:1= "],
            ["Sources:AzureDevOps:BotNames[1] is empty; remove it or set a name such as release-bot@contoso.com."]
        },
        {
            "a release management URL that is not http(s)", ["ReleaseManagementUrl=ftp://vsrm.example.com/contoso"],
            ["Sources:AzureDevOps:ReleaseManagementUrl is 'ftp://vsrm.example.com/contoso' but must be an absolute http(s) address without credentials, e.g. https://vsrm.dev.azure.com/<organization>; leave it empty to derive it from OrganizationUrl."]
        },
        {
            "incidents without a work item type", ["ReadIncidents=true", "IncidentWorkItemType= "],
            ["Sources:AzureDevOps:IncidentWorkItemType is empty but Sources:AzureDevOps:ReadIncidents is true; set the work item type of incidents (e.g. Incident, or Bug with IncidentTags)."]
        },
        {
            "a project entry without a name", ["Projects:0:IncludeDisabled=true"],
            ["Sources:AzureDevOps:Projects:0:Name is empty; set the project whose repositories to collect (e.g. Web Platform) or remove the entry."]
        },
        {
            "a project written as project/repository", ["Projects:0:Name=Web Platform/checkout"],
            ["Sources:AzureDevOps:Projects:0:Name is 'Web Platform/checkout' but must be a project name without '/' and without leading or trailing spaces (e.g. Web Platform)."]
        },
        {
            "the same project twice, spelled differently", ["Projects:0:Name=Web Platform", "Projects:1:Name=Payments", "Projects:2:Name=web platform"],
            ["Sources:AzureDevOps:Projects:2:Name is 'web platform', a duplicate of Sources:AzureDevOps:Projects:0:Name 'Web Platform'; merge their Include and Exclude lists into one entry."]
        },
        {
            "patterns with unsupported glob syntax or empty", ["Projects:0:Name=Web Platform", "Projects:0:Include:0=checkout-*", "Projects:0:Include:1=api-[0-9]", "Projects:0:Exclude:0= "],
            [
                "Sources:AzureDevOps:Projects:0:Include:1 ('api-[0-9]') contains '['; set a repository-name pattern with * (any characters) and ? (one character) only, e.g. checkout-*, or remove it.",
                "Sources:AzureDevOps:Projects:0:Exclude:0 (' ') is empty; set a repository-name pattern with * (any characters) and ? (one character) only, e.g. checkout-*, or remove it.",
            ]
        },
        {
            "projects without organisation URL and PAT", ["Repositories:0=", "OrganizationUrl=", "Pat=", "Projects:0:Name=Web Platform", "Projects:1:Name=Payments"],
            [
                $"Sources:AzureDevOps:OrganizationUrl is empty but 2 projects are configured; {UrlHint}",
                "Sources:AzureDevOps:Pat is empty but 2 projects are configured; set it from a secret (env Sources__AzureDevOps__Pat) or set Sources:AzureDevOps:Authentication to EntraId.",
            ]
        },
        {
            "a repository and a project without a PAT", ["Pat=", "Projects:0:Name=Payments"],
            ["Sources:AzureDevOps:Pat is empty but 1 repository and 1 project are configured; set it from a secret (env Sources__AzureDevOps__Pat) or set Sources:AzureDevOps:Authentication to EntraId."]
        },
        {
            "a stage mapped to no environment", ["StageEnvironments:Deploy_Prod= "],
            ["Sources:AzureDevOps:StageEnvironments:Deploy_Prod is empty; set the environment the stage deploys to (e.g. production) or remove the entry."]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Rejects_invalid_settings_with_one_actionable_message_each(string scenario, string[] settings, string[] expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(settings));

        Assert.True(expected.SequenceEqual(error.Failures), $"{scenario}:\nexpected: {string.Join(" | ", expected)}\nactual:   {string.Join(" | ", error.Failures)}");
        Assert.DoesNotContain(Pat, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("one repository with a PAT")]
    [InlineData("no repositories, no URL and no PAT", "Pat=", "OrganizationUrl=", "Repositories:0=")]
    [InlineData("Azure DevOps Server with every key set", "OrganizationUrl=https://tfs.contoso.local/tfs/DefaultCollection", "Repositories:1=Payments/api.v2",
        "Interval=00:01:00", "Cron=0 */5 * * * ?", "Backfill=01:00:00", "Overlap=00:00:00", "PageSize=1", "MaxConcurrentRequests=1", "MaxThrottleWait=00:00:00",
        "BotNames:0=release-bot@contoso.com", "StageEnvironments:Deploy_Prod*=production", "ReadWorkItems=false", "ReadBuilds=false", "ReadEnvironmentDeployments=false", "Organization=tfs",
        "ReadReleases=true", "ReleaseManagementUrl=https://tfs.contoso.local/tfs/DefaultCollection")]
    [InlineData("Entra ID workload identity without a PAT", "Pat=", "Authentication=EntraId", "EntraId:Credential=WorkloadIdentity")]
    [InlineData("a legacy visualstudio.com URL", "OrganizationUrl=https://contoso.visualstudio.com")]
    [InlineData("a project both listed and discovered, with patterns", "Projects:0:Name=Web Platform", "Projects:0:Include:0=checkout*", "Projects:0:Include:1=api-?",
        "Projects:0:Exclude:0=*-legacy", "Projects:0:IncludeDisabled=true", "Projects:1:Name=Payments")]
    [InlineData("only projects", "Repositories:0=", "Projects:0:Name=Web Platform")]
    public void Accepts_valid_settings(string scenario, params string[] settings)
    {
        var options = Validate(settings);

        Assert.True(options.Repositories.Count <= 2, scenario);
    }

    [Fact]
    public void Defaults_match_the_documentation()
    {
        var options = Validate([]);

        Assert.Equal(AzureDevOpsAuthentication.Pat, options.Authentication);
        Assert.Equal(AzureDevOpsEntraIdCredential.Default, options.EntraId.Credential);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Interval);
        Assert.Null(options.Cron);
        Assert.Equal(TimeSpan.FromDays(30), options.Backfill);
        Assert.Equal(TimeSpan.FromHours(1), options.Overlap);
        Assert.Equal(200, options.PageSize);
        Assert.Equal(8, options.MaxConcurrentRequests);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxThrottleWait);
        Assert.True(options.ReadWorkItems && options.ReadBuilds && options.ReadEnvironmentDeployments);
        Assert.False(options.ReadReleases);
        Assert.Null(options.ReleaseManagementUrl);
        Assert.Empty(options.BotNames);
        Assert.Empty(options.StageEnvironments);
        Assert.Empty(options.Projects);
        var project = new AzureDevOpsProjectOptions();
        Assert.Equal(("", 0, 0, false), (project.Name, project.Include.Count, project.Exclude.Count, project.IncludeDisabled));
    }

    [Fact]
    public void Validation_runs_at_start_up()
    {
        using var provider = Build(["Pat="]);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sources:AzureDevOps:Pat is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://dev.azure.com/contoso", "contoso")]
    [InlineData("https://dev.azure.com/contoso/", "contoso")]
    [InlineData("https://contoso.visualstudio.com", "contoso")]
    [InlineData("https://tfs.contoso.local/tfs/DefaultCollection", "DefaultCollection")]
    [InlineData("http://ado.corp:8080/tfs/Fabrikam%20Collection/", "Fabrikam Collection")]
    public void Targets_are_organisation_slash_project_and_repository_in_configuration_order(string url, string organization)
    {
        using var provider = Build([$"OrganizationUrl={url}", "Repositories:1=Payments/api"]);

        var source = Assert.Single(provider.GetServices<IFlowEventSource>());

        Assert.Equal("azuredevops", source.Source);
        Assert.Equal(
            [new RepositoryRef("azuredevops", $"{organization}/Web Platform", "checkout"), new RepositoryRef("azuredevops", $"{organization}/Payments", "api")],
            source.ConfiguredRepositories);
    }

    [Fact]
    public void The_organisation_tag_can_be_named_explicitly()
    {
        using var provider = Build(["OrganizationUrl=https://tfs.contoso.local/tfs/DefaultCollection", "Organization=contoso-onprem"]);

        var source = provider.GetRequiredService<IFlowEventSource>();

        Assert.Equal("contoso-onprem/Web Platform", Assert.Single(source.ConfiguredRepositories).Owner);
    }

    [Fact]
    public void Without_repositories_the_source_needs_no_credential_and_has_no_targets()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddAzureDevOpsSource(configuration).BuildServiceProvider(validateScopes: true);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var source = provider.GetRequiredService<IFlowEventSource>();

        Assert.Empty(source.ConfiguredRepositories);
    }

    private static AzureDevOpsSourceOptions Validate(string[] settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<AzureDevOpsSourceOptions>>().Value;
    }

    private static ServiceProvider Build(string[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = "https://dev.azure.com/contoso",
            ["Sources:AzureDevOps:Pat"] = Pat,
            ["Sources:AzureDevOps:Repositories:0"] = "Web Platform/checkout",
        };
        foreach (var setting in settings)
        {
            var (key, value) = setting.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException(setting);
            values["Sources:AzureDevOps:" + key] = value;
        }

        // An empty first entry means "no repositories": configuration cannot hold an empty list, so drop the key.
        if (values["Sources:AzureDevOps:Repositories:0"] == "" && !values.ContainsKey("Sources:AzureDevOps:Repositories:1"))
        {
            values.Remove("Sources:AzureDevOps:Repositories:0");
        }

        if (values["Sources:AzureDevOps:OrganizationUrl"] == "")
        {
            values.Remove("Sources:AzureDevOps:OrganizationUrl");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddAzureDevOpsSource(configuration).BuildServiceProvider(validateScopes: true);
    }
}
