using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Once_with_repositories_and_a_config_file_and_overrides()
    {
        var parsed = CommandLine.Parse(["once", "--repo", "contoso/web", "--repo=contoso/api", "--config", "flow.json", "--Sinks:InfluxDb:Url=http://x"]);

        Assert.Null(parsed.Error);
        Assert.Equal(Verb.Once, parsed.Verb);
        Assert.Equal(["contoso/web", "contoso/api"], parsed.Repositories);
        Assert.Equal("flow.json", parsed.ConfigFile);
        Assert.Equal(["--Sinks:InfluxDb:Url=http://x"], parsed.ConfigurationArguments);
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "collect" }, "unknown command 'collect'")]
    [InlineData(new[] { "once", "--repo" }, "--repo needs a value")]
    [InlineData(new[] { "validate", "--config" }, "--config needs a value")]
    [InlineData(new[] { "help", "onec" }, "help: unknown command 'onec'")]
    public void Usage_errors_are_named(string[] args, string error)
    {
        Assert.Equal(error, CommandLine.Parse(args).Error);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_with_the_usage()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await FlowCollectorApp.RunAsync(["collect"], stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Contains("unknown command 'collect'", stderr.ToString(), StringComparison.Ordinal);
        // Then the overview help System.CommandLine writes, listing the commands.
        Assert.Contains("Usage:", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("flowcollector [command] [options]", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("validate", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("once")]
    [InlineData("validate")]
    [InlineData("run")]
    public async Task Each_command_has_its_own_help_naming_its_options(string command)
    {
        foreach (string[] args in new[] { new[] { command, "--help" }, new[] { "help", command }, new[] { command, "-h" } })
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var code = await FlowCollectorApp.RunAsync(args, stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);

            var help = stdout.ToString();
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains($"flowcollector {command} [options]", help, StringComparison.Ordinal);
            Assert.Contains("--config <file>", help, StringComparison.Ordinal);
            Assert.Contains("--repo <owner/name>", help, StringComparison.Ordinal);
            Assert.Contains("--<Key>=<value>", help, StringComparison.Ordinal);
            // --urls only matters to the service.
            Assert.Equal(command == "run", help.Contains("--urls <url>", StringComparison.Ordinal));
            Assert.Empty(stderr.ToString());
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task The_overview_lists_every_command_and_the_exit_codes(string argument)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await FlowCollectorApp.RunAsync([argument], stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.All(["run", "once", "validate", "version", "--version", "Exit codes: 0 ok, 1 a target or check failed, 2 invalid configuration or usage."],
            expected => Assert.Contains(expected, stdout.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Configuration_overrides_in_both_forms_and_urls_pass_through_in_order()
    {
        var parsed = CommandLine.Parse(["run", "--Sources:GitHub:Interval", "10m", "--urls", "http://127.0.0.1:9000", "--Sinks:File:Path=@points.lp", "--repo", "a/b", "--repo", "c/d"]);

        Assert.Null(parsed.Error);
        Assert.Equal(Verb.Run, parsed.Verb);
        Assert.Equal(["--Sources:GitHub:Interval", "10m", "--Sinks:File:Path=@points.lp", "--urls=http://127.0.0.1:9000"], parsed.ConfigurationArguments);
        Assert.Equal(["a/b", "c/d"], parsed.Repositories);
    }

    [Fact]
    public void Verbs_stay_case_insensitive()
    {
        Assert.Equal(Verb.Once, CommandLine.Parse(["ONCE"]).Verb);
        Assert.Null(CommandLine.Parse(["Validate"]).Error);
    }

    [Theory]
    [InlineData(20, "20s")]
    [InlineData(125, "2m05s")]
    [InlineData(3 * 3600 + 5 * 60, "3h05m")]
    [InlineData(2 * 86400 + 4 * 3600, "2d04h")]
    public void Durations_print_as_people_read_them(double seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Of(seconds));
    }
}
