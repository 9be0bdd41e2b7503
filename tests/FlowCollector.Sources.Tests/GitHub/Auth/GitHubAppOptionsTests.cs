using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.Tests.GitHub.Auth;

/// <summary>Start-up validation of <c>Sources:GitHub:App</c> (and its exclusion with Token) through the production registration.</summary>
public sealed class GitHubAppOptionsTests : IDisposable
{
    private const string Token = "ghp_s3cr3tTokenThatMustNeverBeEchoed000";
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-app-key-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // Each row: settings on top of contoso/web with a valid app (AppId + PrivateKey, no token); {dir} is a temp folder;
    // the exact messages expected.
    public static TheoryData<string, string[], string[]> InvalidCases => new()
    {
        {
            "token and app both set", [$"Token={Token}"],
            ["Sources:GitHub:Token and Sources:GitHub:App are both set; keep one: remove the token (GITHUB_TOKEN also fills it) to authenticate as the GitHub App, or remove the App section to use the token."]
        },
        {
            "neither token nor app", ["App:AppId=", "App:PrivateKey="],
            ["Sources:GitHub:Token is empty but 1 repository is configured; set it from a secret (env Sources__GitHub__Token or GITHUB_TOKEN)."]
        },
        {
            "no app id", ["App:AppId="],
            ["Sources:GitHub:App:AppId is empty; set the App ID (e.g. 123456) or the Client ID from the GitHub App's settings page (General → About)."]
        },
        {
            "an app id that is a name", ["App:AppId=flow collector"],
            ["Sources:GitHub:App:AppId is 'flow collector' but must be the numeric App ID (e.g. 123456) or the Client ID (letters and digits, e.g. Iv23liAbCdEf); copy it from the GitHub App's settings page."]
        },
        {
            "no private key", ["App:PrivateKey="],
            ["Sources:GitHub:App:PrivateKey and Sources:GitHub:App:PrivateKeyPath are both empty; set one: the PEM text from a secret (env Sources__GitHub__App__PrivateKey) or the path of the mounted .pem file GitHub generated."]
        },
        {
            "a private key that is not PEM", ["App:PrivateKey=MIIEowIBAAKCAQEAnotreallyakey"],
            ["Sources:GitHub:App:PrivateKey does not hold a usable private key (no PEM private key block found); use the whole .pem file GitHub generated for the app, including the -----BEGIN RSA PRIVATE KEY----- and -----END RSA PRIVATE KEY----- lines."]
        },
        {
            "a PEM block with a broken body", ["App:PrivateKey=-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAAAAAAAAAAAAAAAAAAAAA\n-----END RSA PRIVATE KEY-----\n"],
            ["Sources:GitHub:App:PrivateKey does not hold a usable private key (the PEM block is not an RSA private key); use the whole .pem file GitHub generated for the app, including the -----BEGIN RSA PRIVATE KEY----- and -----END RSA PRIVATE KEY----- lines."]
        },
        {
            "the public key instead of the private one", ["App:PrivateKey={public}"],
            ["Sources:GitHub:App:PrivateKey does not hold a usable private key (the PEM block is not an RSA private key); use the whole .pem file GitHub generated for the app, including the -----BEGIN RSA PRIVATE KEY----- and -----END RSA PRIVATE KEY----- lines."]
        },
        {
            "a key file that does not exist", ["App:PrivateKey=", "App:PrivateKeyPath={dir}/missing.pem"],
            ["Sources:GitHub:App:PrivateKeyPath '{dir}/missing.pem' cannot be read (no such file); mount the app's .pem file there or fix the path."]
        },
        {
            "both key and key file", ["App:PrivateKeyPath={dir}/app.pem"],
            ["Sources:GitHub:App:PrivateKey and Sources:GitHub:App:PrivateKeyPath are both set; keep one of them."]
        },
        {
            "an installation id of zero", ["App:InstallationIds:contoso=0"],
            ["Sources:GitHub:App:InstallationIds:contoso is 0 but must be a positive installation id (the number at the end of the installation's settings URL); or remove it to look the installation up."]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Rejects_invalid_settings_with_one_actionable_message_each_and_never_the_key(string scenario, string[] settings, string[] expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(settings));

        var wanted = expected.Select(Expand).ToList();
        Assert.True(wanted.SequenceEqual(error.Failures), $"{scenario}:\nexpected: {string.Join(" | ", wanted)}\nactual:   {string.Join(" | ", error.Failures)}");
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
        GitHubAppAuthenticationTests.AssertNoSecret(error.Message);
    }

    [Theory]
    [InlineData("app id and PEM text")]
    [InlineData("a client id", "App:AppId=Iv23liAbCdEf0123")]
    [InlineData("a key file instead of the text", "App:PrivateKey=", "App:PrivateKeyPath={dir}/app.pem")]
    [InlineData("a PKCS#8 key", "App:PrivateKey={pkcs8}")]
    [InlineData("a PEM flattened to one line with \\n", "App:PrivateKey={flat}")]
    [InlineData("an installation id", "App:InstallationIds:contoso=4711")]
    [InlineData("an app without repositories", "Repositories:0=")]
    public void Accepts_valid_settings(string scenario, params string[] settings)
    {
        var options = Validate(settings);

        Assert.True(options.App.IsConfigured, scenario);
    }

    [Fact]
    public void A_configured_app_replaces_the_token_credentials()
    {
        using var provider = Build([]);

        Assert.IsType<GitHubAppCredentials>(provider.GetRequiredService<GitHubCredentials>());
    }

    [Fact]
    public void Without_an_app_the_token_credentials_are_used()
    {
        using var provider = Build(["App:AppId=", "App:PrivateKey=", $"Token={Token}"]);

        Assert.IsType<GitHubTokenCredentials>(provider.GetRequiredService<GitHubCredentials>());
    }

    private string Expand(string text) => text
        .Replace("{dir}", directory, StringComparison.Ordinal)
        .Replace("{public}", GitHubAppKeys.App.ExportRSAPublicKeyPem(), StringComparison.Ordinal)
        .Replace("{pkcs8}", GitHubAppKeys.App.ExportPkcs8PrivateKeyPem(), StringComparison.Ordinal)
        .Replace("{flat}", GitHubAppKeys.AppPem.Replace("\n", "\\n", StringComparison.Ordinal), StringComparison.Ordinal);

    private GitHubSourceOptions Validate(string[] settings)
    {
        using var provider = Build(settings);
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider.GetRequiredService<IOptions<GitHubSourceOptions>>().Value;
    }

    private ServiceProvider Build(string[] settings)
    {
        File.WriteAllText(Path.Combine(directory, "app.pem"), GitHubAppKeys.AppPem);
        var values = new Dictionary<string, string?>
        {
            ["Sources:GitHub:Repositories:0"] = "contoso/web",
            ["Sources:GitHub:App:AppId"] = "424242",
            ["Sources:GitHub:App:PrivateKey"] = GitHubAppKeys.AppPem,
        };
        foreach (var setting in settings)
        {
            var (key, value) = setting.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException(setting);
            values["Sources:GitHub:" + key] = Expand(value);
        }

        if (values["Sources:GitHub:Repositories:0"] == "")
        {
            values.Remove("Sources:GitHub:Repositories:0");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddGitHubSource(configuration).BuildServiceProvider(validateScopes: true);
    }
}
