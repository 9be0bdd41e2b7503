using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace FlowCollector.Worker.Cli;

/// <summary>
/// The parsed command line: a verb, FlowCollector's own switches, and the rest as configuration overrides.
/// System.CommandLine parses and writes the help (per command: <c>flowcollector once --help</c>); FlowCollector keeps
/// its own contract on top: every token it does not know (<c>--Sources:GitHub:Interval=10m</c>) is passed on to
/// configuration rather than refused, a usage error is one line and exit 2, and a mistyped command gets a suggestion.
/// </summary>
public sealed record CommandLine(Verb Verb, string? ConfigFile, IReadOnlyList<string> Repositories, IReadOnlyList<string> ConfigurationArguments, string? Error)
{
    /// <summary>The command whose help to print for <see cref="Verb.Help"/> or after an <see cref="Error"/> (null: the overview).</summary>
    public string? HelpCommand { get; init; }

    /// <summary><c>report --out</c>: the page's path.</summary>
    public string? Output { get; init; }

    /// <summary><c>report --period</c>: as typed (a duration such as <c>28d</c>).</summary>
    public string? Period { get; init; }

    private static readonly string[] Commands = ["run", "once", "validate", "report", "version", "help"];

    /// <summary>Built once: the definitions are immutable after construction and parsing does not change them.</summary>
    private static readonly Definitions Cli = new();

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return Fail(Verb.Help, "no command given", null);
        }

        // Verbs were case-insensitive before System.CommandLine (which matches exactly); `ONCE` keeps working.
        var tokens = args.ToArray();
        if (Commands.FirstOrDefault(c => string.Equals(c, tokens[0], StringComparison.OrdinalIgnoreCase)) is { } command)
        {
            tokens[0] = command;
        }

        var result = Cli.Root.Parse(tokens, Cli.Parser);
        var verb = result.CommandResult.Command.Name switch
        {
            "run" => Verb.Run,
            "once" => Verb.Once,
            "validate" => Verb.Validate,
            "report" => Verb.Report,
            "version" => Verb.Version,
            "help" => Verb.Help,
            _ => (Verb?)null,
        };
        if (verb is null)
        {
            // The root: --help, --version, or something that is not a command.
            if (result.GetResult(Cli.Version) is not null)
            {
                return new CommandLine(Verb.Version, null, [], [], null);
            }

            if (result.Action is HelpAction)
            {
                return new CommandLine(Verb.Help, null, [], [], null);
            }

            var typed = tokens[0];
            var nearest = Commands.MinBy(c => EditDistance.Between(c, typed.ToLowerInvariant()));
            return Fail(Verb.Help, nearest is not null && EditDistance.Between(nearest, typed.ToLowerInvariant()) <= 2
                ? $"unknown command '{typed}'; did you mean '{nearest}'?"
                : $"unknown command '{typed}'", null);
        }

        var name = result.CommandResult.Command.Name;
        if (result.Action is HelpAction)
        {
            return new CommandLine(Verb.Help, null, [], [], null) { HelpCommand = name };
        }

        if (verb == Verb.Help)
        {
            var about = result.GetValue(Cli.HelpTopic);
            return about is null || Commands.Contains(about, StringComparer.OrdinalIgnoreCase)
                ? new CommandLine(Verb.Help, null, [], [], null) { HelpCommand = about?.ToLowerInvariant() }
                : Fail(Verb.Help, $"help: unknown command '{about}'", null);
        }

        if (result.Errors.Count > 0)
        {
            return Fail(verb.Value, Describe(result.Errors[0]), name);
        }

        var rest = result.UnmatchedTokens.ToList();
        if (result.GetValue(Cli.Urls) is { } urls)
        {
            // Read from configuration ("urls") like any other key, so it may also come from a file or URLS.
            rest.Add($"--urls={urls}");
        }

        return new CommandLine(verb.Value, result.GetValue(Cli.Config), result.GetValue(Cli.Repo) ?? [], rest, null)
        {
            Output = verb == Verb.Report ? result.GetValue(Cli.Output) : null,
            Period = verb == Verb.Report ? result.GetValue(Cli.Period) : null,
        };
    }

    /// <summary>Writes System.CommandLine's help for one command (or the overview) to <paramref name="writer"/>.</summary>
    public static void WriteHelp(string? command, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        string[] args = command is null || command == "help" ? ["--help"] : [command, "--help"];
        var help = Cli.Root.Parse(args, Cli.Parser);
        if (help.Action is HelpAction action)
        {
            // Wide enough that descriptions are not wrapped into a narrow column when there is no console.
            action.MaxWidth = 120;
        }

        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        help.Invoke(new InvocationConfiguration { Output = text, Error = text, EnableDefaultExceptionHandler = false });
        writer.Write(WithOverrides(text.ToString()));
    }

    /// <summary>The version this binary was built as (its informational version: <c>0.1.0+{commit}</c> when built from git).</summary>
    public static string Version => Telemetry.FlowCollectorTelemetry.Version;

    /// <summary>
    /// Where a command passes unknown tokens on to configuration, its usage line and "additional arguments" section say
    /// so: System.CommandLine's own wording is about arguments for a child process (its help builder is not public, so
    /// the two standard strings are replaced; InvariantGlobalization keeps them English).
    /// </summary>
    private static string WithOverrides(string help) => help
        .Replace("[[--] <additional arguments>...]]", "[--<Key>=<value>...]", StringComparison.Ordinal)
        .Replace(
            "Additional Arguments:" + Environment.NewLine + "  Arguments passed to the application that is being run.",
            "Configuration:" + Environment.NewLine
            + "  --<Key>=<value>      Any configuration key (the keys of appsettings.json), e.g." + Environment.NewLine
            + "                       --Sinks:InfluxDb:Url=http://localhost:8086 or --Sources:GitHub:Interval=15m" + Environment.NewLine
            + "                       (docs/configuration.md).",
            StringComparison.Ordinal);

    /// <summary>System.CommandLine's messages, in the short forms the earlier parser used where they mean the same.</summary>
    private static string Describe(ParseError error) =>
        error.SymbolResult is OptionResult { Tokens.Count: 0 } option
            ? $"{option.Option.Name} needs a value"
            : error.Message;

    private static CommandLine Fail(Verb verb, string error, string? helpCommand) => new(verb, null, [], [], error) { HelpCommand = helpCommand };

    /// <summary>The commands and options System.CommandLine parses and documents.</summary>
    private sealed class Definitions
    {
        public readonly RootCommand Root;
        public readonly VersionOption Version;
        public readonly Option<string> Config = new("--config") { Description = "An extra JSON configuration file (same keys as appsettings.json).", HelpName = "file" };
        public readonly Option<string[]> Repo = new("--repo") { Description = "Add a GitHub repository to collect (repeatable).", HelpName = "owner/name", AllowMultipleArgumentsPerToken = false };
        public readonly Option<string> Urls = new("--urls") { Description = "Where run listens for /healthz, /readyz and /metrics (default http://0.0.0.0:8080).", HelpName = "url" };
        public readonly Option<string> Output = new("--out") { Description = "Where report writes the page (default flowcollector-report.html).", HelpName = "file" };
        public readonly Option<string> Period = new("--period") { Description = "How far back report looks: changes that reached production in this period (default 28d; e.g. 7d, 90d).", HelpName = "duration" };
        public readonly Argument<string?> HelpTopic = new("command") { Description = "The command to describe.", Arity = ArgumentArity.ZeroOrOne };
        public readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null }; // `@file` is a value, not a response file

        public Definitions()
        {
            Root = new RootCommand(
                """
                FlowCollector: reads pull requests, builds and deployments from GitHub and Azure DevOps and writes value-stream and DORA metrics to InfluxDB.

                Exit codes: 0 ok, 1 a target or check failed, 2 invalid configuration or usage.
                Docs: docs/configuration.md
                """)
            {
                HelpName = "flowcollector",
            };
            Version = Root.Options.OfType<VersionOption>().Single();
            Root.Add(Collecting("run", "Run the service: collect every target on its schedule; serves /healthz, /readyz and /metrics.", Urls));
            Root.Add(Collecting("once", "Collect every target once, print a value-stream summary, exit 1 if any target failed."));
            Root.Add(Collecting("validate", "Check configuration and credentials, print what would be collected; writes nothing."));
            Root.Add(Collecting("report", "Read the period from the sources and write a self-contained HTML value-stream report; writes no points and no state.", Output, Period));
            Root.Add(new Command("version", "Print the version (also --version)."));
            var help = new Command("help", "Print help for a command (also <command> --help).");
            help.Add(HelpTopic);
            Root.Add(help);
        }

        private Command Collecting(string name, string description, params Option[] extra)
        {
            var command = new Command(name, description)
            {
                // Configuration overrides (--Section:Key=value) are not options System.CommandLine knows: pass them on.
                TreatUnmatchedTokensAsErrors = false,
            };
            command.Add(Config);
            command.Add(Repo);
            foreach (var option in extra)
            {
                command.Add(option);
            }

            return command;
        }
    }
}

public enum Verb
{
    Help,
    Run,
    Once,
    Validate,
    Report,
    Version,
}

/// <summary>Process exit codes (documented in the help text and docs/configuration.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;
}
