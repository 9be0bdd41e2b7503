using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Hosting;
using FlowCollector.Worker.Tests.EndToEnd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Worker.Tests.Cli;

/// <summary>What a platform team types on a first run: bad values are one line naming the key and exit 2, never a stack trace.</summary>
public sealed class ConfigurationContractTests
{
    public static TheoryData<string, string> BadValues => new()
    {
        { "--Sources:GitHub:PageSize=abc", "Sources:GitHub:PageSize is 'abc' but must be a whole number, e.g. 100." },
        { "--Sources:GitHub:Interval=10 minutes", "Sources:GitHub:Interval is '10 minutes' but must be a duration: 15m, 1h, 30d, 90s, 500ms or hh:mm:ss (d.hh:mm:ss)." },
        { "--Sources:AzureDevOps:ReadBuilds=yes", "Sources:AzureDevOps:ReadBuilds is 'yes' but must be true or false." },
        { "--Sinks:InfluxDb:ApiVersion=V3", "Sinks:InfluxDb:ApiVersion is 'V3' but must be one of V2, V1." },
        { "--Sources:GitHub:Resilience:AttemptTimeout:Timeout=soon", "Sources:GitHub:Resilience:AttemptTimeout:Timeout is 'soon' but must be a duration: 15m, 1h, 30d, 90s, 500ms or hh:mm:ss (d.hh:mm:ss)." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_value_that_does_not_convert_is_one_line_naming_the_key_and_exit_2(string argument, string line)
    {
        var (code, stdout, stderr) = await WorkerScenario.RunAsync("validate", "--repo", "contoso/web", "--Sources:GitHub:Token=ghp_x", argument);

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Contains("  error: " + line, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal); // no stack trace
    }

    [Theory]
    [InlineData("15m", "00:15:00")]
    [InlineData("1h", "01:00:00")]
    [InlineData("30d", "30.00:00:00")]
    [InlineData("90s", "00:01:30")]
    [InlineData("500ms", "00:00:00.5000000")]
    [InlineData("1.5h", "01:30:00")]
    [InlineData("00:10:00", "00:10:00")]
    [InlineData("2.00:00:00", "2.00:00:00")]
    public void A_duration_may_be_written_as_Kubernetes_and_Helm_write_them(string written, string bound)
    {
        var configuration = Configure($"--Sources:GitHub:Interval={written}", $"--Collection:ReconcileInterval={written}", $"--Sources:AzureDevOps:Resilience:Retry:Delay={written}");

        Assert.Equal(TimeSpan.Parse(bound, System.Globalization.CultureInfo.InvariantCulture), configuration.GetValue<TimeSpan>("Sources:GitHub:Interval"));
        Assert.Equal(TimeSpan.Parse(bound, System.Globalization.CultureInfo.InvariantCulture), configuration.GetValue<TimeSpan>("Collection:ReconcileInterval"));
        Assert.Equal(TimeSpan.Parse(bound, System.Globalization.CultureInfo.InvariantCulture), configuration.GetValue<TimeSpan>("Sources:AzureDevOps:Resilience:Retry:Delay"));
    }

    [Fact]
    public void A_duration_form_is_not_applied_to_keys_that_are_not_durations()
    {
        var configuration = Configure("--ValueStream:Environments:0=5m", "--Sources:GitHub:Repositories:0=contoso/15m");

        Assert.Equal("5m", configuration["ValueStream:Environments:0"]);
        Assert.Equal("contoso/15m", configuration["Sources:GitHub:Repositories:0"]);
    }

    [Theory]
    [InlineData("postgresql://flow:s3cr%40t@db.example.com:6432/flowcollector?sslmode=require", "db.example.com", 6432, "flowcollector", "flow", "s3cr@t", Npgsql.SslMode.Require)]
    [InlineData("postgres://app@postgres/state", "postgres", 5432, "state", "app", null, Npgsql.SslMode.Prefer)]
    public void A_PostgreSQL_URI_as_CloudNativePG_writes_it_is_a_connection_string(string uri, string host, int port, string database, string user, string? password, Npgsql.SslMode ssl)
    {
        var configuration = Configure($"--State:PostgreSql:ConnectionString={uri}");

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configuration["State:PostgreSql:ConnectionString"]);
        Assert.Equal((host, port, database, user, password, ssl), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
    }

    [Theory]
    [InlineData("Sources:GitHub:Intervall", "Sources:GitHub:Interval")]
    [InlineData("Sources:AzureDevOps:OrganisationUrl", "Sources:AzureDevOps:OrganizationUrl")]
    [InlineData("Sinks:InfluxDb:Buckett", "Sinks:InfluxDb:Bucket")]
    [InlineData("Collection:ReconcileIntervall", "Collection:ReconcileInterval")]
    public async Task An_unknown_key_in_a_known_section_is_a_warning_naming_the_nearest_key(string typo, string nearest)
    {
        var (code, _, stderr) = await WorkerScenario.RunAsync("validate", $"--{typo}=1", "--Sources:GitHub:PageSize=abc");

        Assert.Equal(ExitCodes.InvalidConfiguration, code); // the bad PageSize stops it before any network access
        Assert.Contains($"flowcollector: warning: {typo} is not a FlowCollector setting and has no effect; did you mean {nearest}?", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_list_in_a_configuration_file_is_not_taken_for_a_typo()
    {
        // JSON's empty array reaches configuration as "Sources:GitHub:Repositories" = "" (no ":0" key).
        var file = Path.Combine(Path.GetTempPath(), $"flowcollector-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Sources": { "GitHub": { "Repositories": [], "Intervall": "15m" } } }""");
        try
        {
            var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddJsonFile(file).Build();

            var warnings = StartupValidation.UnknownKeys(configuration);

            Assert.Equal("", configuration["Sources:GitHub:Repositories"]);
            Assert.Equal(["Sources:GitHub:Intervall is not a FlowCollector setting and has no effect; did you mean Sources:GitHub:Interval?"], warnings);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_key_the_chart_and_docs_use_is_known()
    {
        string[] keys = ["Sources:GitHub:Token", "Sources:GitHub:Organizations:0:Name", "Sources:AzureDevOps:Projects:0:Include:0", "ValueStream:Teams:payments:0",
            "ValueStream:Stages:0:Rule", "State:PostgreSql:CheckinInterval", "Sinks:InfluxDb:Resilience:Retry:MaxRetryAttempts", "Health:MaxFailureDuration"];

        Assert.All(keys, k => Assert.True(ConfigurationKeys.Find(k) is not null, k));
        Assert.Equal(typeof(TimeSpan), ConfigurationKeys.TypeOf("State:PostgreSql:CheckinInterval"));
    }

    [Fact]
    public async Task Validate_with_nothing_to_collect_exits_2_as_once_and_run_do_and_creates_no_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "flowcollector-validate-" + Guid.NewGuid().ToString("N"));
        var points = Path.Combine(folder, "data", "points.lp");

        var (code, stdout, _) = await WorkerScenario.RunAsync("validate", $"--Sinks:File:Path={points}", $"--State:SqlitePath={Path.Combine(folder, "data", "state.db")}");

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Contains("Nothing would be collected", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), $"validate created {folder}");
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public async Task Version_prints_the_binary_version(string argument)
    {
        var (code, stdout, _) = await WorkerScenario.RunAsync(argument);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"^flowcollector \d+\.\d+\.\d+", stdout);
        Assert.Equal($"flowcollector {CommandLine.Version}", stdout.Trim());
    }

    [Theory]
    [InlineData("onec", "unknown command 'onec'; did you mean 'once'?")]
    [InlineData("valdiate", "unknown command 'valdiate'; did you mean 'validate'?")]
    [InlineData("collect", "unknown command 'collect'")]
    public async Task A_mistyped_command_gets_a_suggestion_and_exit_2(string command, string message)
    {
        var (code, _, stderr) = await WorkerScenario.RunAsync(command);

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.StartsWith($"flowcollector: {message}" + Environment.NewLine, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "simple")]
    [InlineData("json", "json")]
    public void Logs_are_single_lines_with_UTC_timestamps_or_JSON_when_configured(string? formatter, string expected)
    {
        var configuration = Configure(formatter is null ? [] : [$"--Logging:Console:FormatterName={formatter}"]);
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddLogging(logging => FlowCollectorApp.ConfigureLogging(logging, configuration.GetSection("Logging")));
        using var provider = services.BuildServiceProvider();

        var console = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>>().Value;
        var simple = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>>().CurrentValue;
        var json = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.Equal(expected, console.FormatterName);
        Assert.True(simple.UseUtcTimestamp && simple.SingleLine && json.UseUtcTimestamp);
        Assert.Equal("yyyy-MM-ddTHH:mm:ss.fffZ", json.TimestampFormat);
    }

    private static ConfigurationManager Configure(params string[] arguments)
    {
        var manager = new ConfigurationManager();
        var commandLine = CommandLine.Parse(["validate", .. arguments]);
        ConfigurationSetup.Apply(manager, commandLine, "Production", _ => null);
        return manager;
    }
}
