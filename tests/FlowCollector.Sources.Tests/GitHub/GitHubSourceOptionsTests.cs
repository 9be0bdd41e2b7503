using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Start-up validation of <c>Sources:GitHub</c> through the production registration.</summary>
public sealed class GitHubSourceOptionsTests
{
    private const string Token = "ghp_s3cr3tTokenThatMustNeverBeEchoed000";

    // Each row: the settings besides a valid base (contoso/web with a token) and every message expected, exactly.
    public static TheoryData<string, string[], string[]> InvalidCases => new()
    {
        {
            "a repository without owner", ["Repositories:1=fabrikam/api", "Repositories:2=contoso"],
            ["Sources:GitHub:Repositories[2] is 'contoso' but must be 'owner/name' (e.g. contoso/web)."]
        },
        {
            "a URL instead of owner/name", ["Repositories:0=https://github.com/contoso/web"],
            ["Sources:GitHub:Repositories[0] is 'https://github.com/contoso/web' but must be 'owner/name' (e.g. contoso/web)."]
        },
        {
            "an empty entry and a path with three parts", ["Repositories:1=", "Repositories:2=contoso/web/extra"],
            [
                "Sources:GitHub:Repositories[1] is '' but must be 'owner/name' (e.g. contoso/web).",
                "Sources:GitHub:Repositories[2] is 'contoso/web/extra' but must be 'owner/name' (e.g. contoso/web).",
            ]
        },
        {
            "the same repository twice, spelled differently", ["Repositories:1=fabrikam/api", "Repositories:2=Contoso/Web"],
            ["Sources:GitHub:Repositories[2] is 'Contoso/Web', a duplicate of Repositories[0] 'contoso/web'; remove one of them."]
        },
        {
            "no token for two repositories", ["Token=", "Repositories:1=fabrikam/api"],
            ["Sources:GitHub:Token is empty but 2 repositories are configured; set it from a secret (env Sources__GitHub__Token or GITHUB_TOKEN)."]
        },
        {
            "a blank token for one repository", ["Token=   "],
            ["Sources:GitHub:Token is empty but 1 repository is configured; set it from a secret (env Sources__GitHub__Token or GITHUB_TOKEN)."]
        },
        {
            "a token with the newline of a secret file", [$"Token={Token}\n"],
            ["Sources:GitHub:Token has leading or trailing whitespace (often a newline from a secret file); remove it from the secret."]
        },
        {
            "an interval under a minute", ["Interval=00:00:30"],
            ["Sources:GitHub:Interval is 00:00:30 but must be at least 00:01:00; set e.g. 00:15:00 (each poll spends rate-limit budget)."]
        },
        {
            "a negative overlap", ["Overlap=-00:05:00"],
            ["Sources:GitHub:Overlap is -00:05:00 but must not be negative; set e.g. 01:00:00 (or 00:00:00 for none)."]
        },
        {
            "a backfill under an hour", ["Backfill=00:30:00"],
            ["Sources:GitHub:Backfill is 00:30:00 but must be at least 01:00:00; set e.g. 30.00:00:00 (30 days)."]
        },
        {
            "a page size over GitHub's maximum", ["PageSize=101"],
            ["Sources:GitHub:PageSize is 101 but must be between 1 and 100 (GitHub's maximum); set 100."]
        },
        {
            "a page size of zero", ["PageSize=0"],
            ["Sources:GitHub:PageSize is 0 but must be between 1 and 100 (GitHub's maximum); set 100."]
        },
        {
            "a base address that is not http(s)", ["ApiBaseAddress=ftp://github.example.com/"],
            ["Sources:GitHub:ApiBaseAddress is 'ftp://github.example.com/' but must be an absolute http(s) address; set https://api.github.com/ or, for GitHub Enterprise Server, https://<host>/api/v3/."]
        },
        {
            "credentials in the base address", ["ApiBaseAddress=https://user:pass@github.example.com/api/v3/"],
            ["Sources:GitHub:ApiBaseAddress must not contain credentials; remove them and set Sources:GitHub:Token instead."]
        },
        {
            "the CI-run fallback without a workflow", ["DeploymentFallback=CiRuns"],
            ["Sources:GitHub:DeploymentFallback is CiRuns, so Sources:GitHub:FallbackWorkflow must name the workflow whose successful runs on the default branch count as deployments (e.g. Deploy or CI) and Sources:GitHub:ReadWorkflowRuns must be true; FallbackWorkflow is '', ReadWorkflowRuns is True."]
        },
        {
            "the CI-run fallback without reading runs", ["DeploymentFallback=CiRuns", "FallbackWorkflow=Publish", "ReadWorkflowRuns=false"],
            ["Sources:GitHub:DeploymentFallback is CiRuns, so Sources:GitHub:FallbackWorkflow must name the workflow whose successful runs on the default branch count as deployments (e.g. Deploy or CI) and Sources:GitHub:ReadWorkflowRuns must be true; FallbackWorkflow is 'Publish', ReadWorkflowRuns is False."]
        },
        {
            "an empty bot login", ["BotLogins:0=renovate-helper", "BotLogins:1= "],
            ["Sources:GitHub:BotLogins[1] is empty; remove it or set a login such as renovate-helper."]
        },
        {
            "several problems at once, one message each", ["Token=", "Interval=00:00:10", "Repositories:1=web"],
            [
                "Sources:GitHub:Repositories[1] is 'web' but must be 'owner/name' (e.g. contoso/web).",
                "Sources:GitHub:Token is empty but 2 repositories are configured; set it from a secret (env Sources__GitHub__Token or GITHUB_TOKEN).",
                "Sources:GitHub:Interval is 00:00:10 but must be at least 00:01:00; set e.g. 00:15:00 (each poll spends rate-limit budget).",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Rejects_invalid_settings_with_one_actionable_message_each(string scenario, string[] settings, string[] expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(settings));

        Assert.True(expected.SequenceEqual(error.Failures), $"{scenario}:\nexpected: {string.Join(" | ", expected)}\nactual:   {string.Join(" | ", error.Failures)}");
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("one repository with a token")]
    [InlineData("no repositories and no token", "Token=", "Repositories:0=")]
    [InlineData("every key set", "Repositories:1=fabrikam/api.v2", "Repositories:2=alice_contoso/dot.files", "Interval=00:01:00", "Cron=0 */5 * * * ?",
        "Backfill=01:00:00", "Overlap=00:00:00", "PageSize=1", "BotLogins:0=renovate-helper", "ApiBaseAddress=https://github.example.com/api/v3")]
    public void Accepts_valid_settings(string scenario, params string[] settings)
    {
        var options = Validate(settings);

        Assert.True(options.ApiBaseAddress.IsAbsoluteUri, scenario);
    }

    [Fact]
    public void Defaults_match_the_documentation()
    {
        var options = Validate([]);

        Assert.Equal(new Uri("https://api.github.com/"), options.ApiBaseAddress);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Interval);
        Assert.Null(options.Cron);
        Assert.Equal(TimeSpan.FromDays(30), options.Backfill);
        Assert.Equal(TimeSpan.FromHours(1), options.Overlap);
        Assert.Equal(100, options.PageSize);
        Assert.Empty(options.BotLogins);
    }

    [Fact]
    public void Validation_runs_at_start_up()
    {
        using var provider = Build(["Token="]);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sources:GitHub:Token is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_configured_repositories_in_configuration_order()
    {
        using var provider = Build(["Repositories:1=fabrikam/api", "Repositories:2=contoso/app"]);

        var source = Assert.Single(provider.GetServices<IFlowEventSource>());

        Assert.Equal("github", source.Source);
        Assert.Equal(
            [new RepositoryRef("github", "contoso", "web"), new RepositoryRef("github", "fabrikam", "api"), new RepositoryRef("github", "contoso", "app")],
            source.ConfiguredRepositories);
    }

    [Fact]
    public void Without_repositories_the_source_needs_no_token_and_has_no_targets()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddGitHubSource(configuration).BuildServiceProvider(validateScopes: true);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var source = provider.GetRequiredService<IFlowEventSource>();

        Assert.Empty(source.ConfiguredRepositories);
    }

    private static GitHubSourceOptions Validate(string[] settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<GitHubSourceOptions>>().Value;
    }

    private static ServiceProvider Build(string[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Sources:GitHub:Token"] = Token,
            ["Sources:GitHub:Repositories:0"] = "contoso/web",
        };
        foreach (var setting in settings)
        {
            var (key, value) = setting.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException(setting);
            values["Sources:GitHub:" + key] = value;
        }

        // An empty first entry means "no repositories": configuration cannot hold an empty list, so drop the key.
        if (values["Sources:GitHub:Repositories:0"] == "" && !values.ContainsKey("Sources:GitHub:Repositories:1"))
        {
            values.Remove("Sources:GitHub:Repositories:0");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddGitHubSource(configuration).BuildServiceProvider(validateScopes: true);
    }
}
