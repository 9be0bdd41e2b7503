using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Hosting;
using Microsoft.Extensions.Configuration;

namespace FlowCollector.Worker.Tests.Hosting;

public sealed class ConfigurationSetupTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-config-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_Kubernetes_secret_file_sets_its_key_and_wins_over_the_config_file()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(directory, "secrets")).FullName;
        File.WriteAllText(Path.Combine(secrets, "Sources__GitHub__Token"), "from-secret");
        var file = ConfigFile("""{ "Sources": { "GitHub": { "Token": "from-file", "Interval": "00:05:00" } } }""");

        var configuration = Build(["once", "--config", file], new() { ["FLOWCOLLECTOR_SECRETS_DIR"] = secrets });

        Assert.Equal("from-secret", configuration["Sources:GitHub:Token"]);
        Assert.Equal("00:05:00", configuration["Sources:GitHub:Interval"]);
    }

    [Fact]
    public void GITHUB_TOKEN_fills_the_token_only_when_nothing_else_set_it()
    {
        var none = Build(["once"], new() { ["FLOWCOLLECTOR_SECRETS_DIR"] = directory, ["GITHUB_TOKEN"] = "from-env" });
        var configured = Build(["once", "--config", ConfigFile("""{ "Sources": { "GitHub": { "Token": "from-file" } } }""")], new() { ["FLOWCOLLECTOR_SECRETS_DIR"] = directory, ["GITHUB_TOKEN"] = "from-env" });

        Assert.Equal("from-env", none["Sources:GitHub:Token"]);
        Assert.Equal("from-file", configured["Sources:GitHub:Token"]);
    }

    [Fact]
    public void Repo_switches_add_to_the_configured_repositories_and_the_command_line_wins()
    {
        var file = ConfigFile("""{ "Sources": { "GitHub": { "Repositories": [ "contoso/web" ] } }, "Collection": { "MaxConcurrentTargets": 2 } }""");

        var configuration = Build(["once", "--config", file, "--repo", "contoso/api", "--Collection:MaxConcurrentTargets=8"], new() { ["FLOWCOLLECTOR_SECRETS_DIR"] = directory });

        Assert.Equal(["contoso/web", "contoso/api"], configuration.GetSection("Sources:GitHub:Repositories").Get<string[]>() ?? []);
        Assert.Equal("8", configuration["Collection:MaxConcurrentTargets"]);
    }

    private static ConfigurationManager Build(string[] args, Dictionary<string, string?> environment)
    {
        var configuration = new ConfigurationManager();
        ConfigurationSetup.Apply(configuration, CommandLine.Parse(args), "Production", name => environment.GetValueOrDefault(name));
        return configuration;
    }

    private string ConfigFile(string json)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
