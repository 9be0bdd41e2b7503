using FlowCollector.Worker.Hosting;

namespace FlowCollector.Worker.Cli;

/// <summary>
/// Where configuration comes from, lowest to highest precedence: <c>appsettings.json</c> next to the binary,
/// <c>appsettings.{Environment}.json</c>, the <c>--config</c> file, environment variables
/// (<c>Sources__GitHub__Token</c>), files mounted from a Kubernetes Secret (one file per key, named like the
/// variable, in <c>FLOWCOLLECTOR_SECRETS_DIR</c>, default <c>/var/run/secrets/flowcollector</c>), then the
/// command line. <c>GITHUB_TOKEN</c> fills <c>Sources:GitHub:Token</c> when nothing else did. Last, durations written
/// <c>15m</c>/<c>1h</c>/<c>30d</c> and a <c>postgresql://</c> URI are rewritten into the forms the binder reads
/// (<see cref="ConfigurationNormalizer"/>).
/// </summary>
public static class ConfigurationSetup
{
    public const string DefaultSecretsDirectory = "/var/run/secrets/flowcollector";

    /// <param name="configuration">The builder's configuration; its sources are replaced.</param>
    /// <param name="commandLine">The parsed command line.</param>
    /// <param name="environmentName">Selects <c>appsettings.{Environment}.json</c>.</param>
    /// <param name="environment">Reads an environment variable (the process's by default; tests pass their own).</param>
    public static void Apply(IConfigurationManager configuration, CommandLine commandLine, string environmentName, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(commandLine);
        configuration.Sources.Clear();
        var baseDirectory = AppContext.BaseDirectory;
        configuration.AddJsonFile(Path.Combine(baseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        configuration.AddJsonFile(Path.Combine(baseDirectory, $"appsettings.{environmentName}.json"), optional: true, reloadOnChange: false);
        if (commandLine.ConfigFile is { } file)
        {
            configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        configuration.AddEnvironmentVariables();
        var secrets = environment("FLOWCOLLECTOR_SECRETS_DIR") ?? DefaultSecretsDirectory;
        if (Directory.Exists(secrets))
        {
            configuration.AddKeyPerFile(secrets, optional: true);
        }

        configuration.AddCommandLine([.. commandLine.ConfigurationArguments]);

        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        // --repo adds to the configured repositories rather than replacing them.
        var configured = configuration.GetSection("Sources:GitHub:Repositories").GetChildren().Count();
        for (var i = 0; i < commandLine.Repositories.Count; i++)
        {
            overrides[$"Sources:GitHub:Repositories:{configured + i}"] = commandLine.Repositories[i];
        }

        if (string.IsNullOrEmpty(configuration["Sources:GitHub:Token"])
            && environment("GITHUB_TOKEN") is { Length: > 0 } token)
        {
            overrides["Sources:GitHub:Token"] = token;
        }

        if (overrides.Count > 0)
        {
            configuration.AddInMemoryCollection(overrides);
        }

        // Last: durations written 15m / 1h / 30d and a PostgreSQL URI, in the forms the binder reads.
        if (ConfigurationNormalizer.Overrides(configuration) is { Count: > 0 } normalized)
        {
            configuration.AddInMemoryCollection(normalized);
        }
    }
}
