using FlowCollector.Worker.Cli;

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
        Assert.Contains("Usage: flowcollector", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20, "20s")]
    [InlineData(125, "2m05s")]
    [InlineData(3 * 3600 + 5 * 60, "3h05m")]
    [InlineData(2 * 86400 + 4 * 3600, "2d04h")]
    public void Durations_print_as_people_read_them(double seconds, string expected)
    {
        Assert.Equal(expected, SummaryPrinter.Human(seconds));
    }
}
