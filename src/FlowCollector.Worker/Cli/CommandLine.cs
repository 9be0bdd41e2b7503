namespace FlowCollector.Worker.Cli;

/// <summary>The parsed command line: a verb, FlowCollector's own switches, and the rest as configuration overrides.</summary>
public sealed record CommandLine(Verb Verb, string? ConfigFile, IReadOnlyList<string> Repositories, IReadOnlyList<string> ConfigurationArguments, string? Error)
{
    public const string Usage =
        """
        Usage: flowcollector <command> [options]

        Commands:
          run        Run the service: collect every target on its schedule; serves /healthz, /readyz and /metrics.
          once       Collect every target once, print a value-stream summary, exit 1 if any target failed.
          validate   Check configuration and credentials, print what would be collected; writes nothing.
          version    Print the version (also --version).

        Options:
          --config <file>      An extra JSON configuration file (same keys as appsettings.json).
          --repo <owner/name>  Add a GitHub repository to collect (repeatable).
          --<Key>=<value>      Any configuration key, e.g. --Sinks:InfluxDb:Url=http://localhost:8086
          --urls <url>         Where run listens for probes and metrics (default http://0.0.0.0:8080).

        Exit codes: 0 ok, 1 a target or check failed, 2 invalid configuration or usage.
        Docs: docs/configuration.md
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return Fail(Verb.Help, "no command given");
        }

        var verb = args[0].ToLowerInvariant() switch
        {
            "run" => Verb.Run,
            "once" => Verb.Once,
            "validate" => Verb.Validate,
            "help" or "--help" or "-h" => Verb.Help,
            "version" or "--version" => Verb.Version,
            _ => (Verb?)null,
        };
        if (verb is null)
        {
            var nearest = Commands.MinBy(c => EditDistance.Between(c, args[0].ToLowerInvariant()));
            return Fail(Verb.Help, nearest is not null && EditDistance.Between(nearest, args[0].ToLowerInvariant()) <= 2
                ? $"unknown command '{args[0]}'; did you mean '{nearest}'?"
                : $"unknown command '{args[0]}'");
        }

        string? configFile = null;
        var repositories = new List<string>();
        var rest = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--config" or "--repo")
            {
                if (i + 1 >= args.Count)
                {
                    return Fail(verb.Value, $"{arg} needs a value");
                }

                if (arg == "--config")
                {
                    configFile = args[++i];
                }
                else
                {
                    repositories.Add(args[++i]);
                }
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                configFile = arg["--config=".Length..];
            }
            else if (arg.StartsWith("--repo=", StringComparison.Ordinal))
            {
                repositories.Add(arg["--repo=".Length..]);
            }
            else if (arg is "--help" or "-h")
            {
                return new CommandLine(Verb.Help, null, [], [], null);
            }
            else
            {
                rest.Add(arg);
            }
        }

        return new CommandLine(verb.Value, configFile, repositories, rest, null);
    }

    /// <summary>The version this binary was built as (its informational version: <c>0.1.0+{commit}</c> when built from git).</summary>
    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    private static readonly string[] Commands = ["run", "once", "validate", "help", "version"];

    private static CommandLine Fail(Verb verb, string error) => new(verb, null, [], [], error);
}

public enum Verb
{
    Help,
    Run,
    Once,
    Validate,
    Version,
}

/// <summary>Process exit codes (documented in the usage text and docs/configuration.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;
}
