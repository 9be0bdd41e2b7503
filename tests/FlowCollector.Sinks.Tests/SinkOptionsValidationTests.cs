using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.File;
using FlowCollector.Sinks.InfluxDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks.Tests;

/// <summary>Start-up validation of <c>Sinks:InfluxDb</c> and <c>Sinks:File</c>, through the same registration the worker uses.</summary>
public sealed class SinkOptionsValidationTests
{
    private const string Secret = "tok-never-in-messages";

    public static TheoryData<string, Dictionary<string, string?>, string?> Cases => new()
    {
        { "nothing configured: file sink with defaults", new(), null },
        { "empty Url: InfluxDB rules not applied", new() { ["Sinks:InfluxDb:Url"] = "", ["Sinks:InfluxDb:ApiVersion"] = "V2" }, null },
        { "complete V2", V2(), null },
        { "complete V1 without auth", V1(), null },
        { "V1 with basic auth", V1(("Username", "u"), ("Password", "p")), null },
        { "V1 with token", V1(("Token", Secret)), null },
        { "https and a path prefix", V2(("Url", "https://proxy.example.com/influx/")), null },
        { "V2 without bucket", V2(("Bucket", null)), "Sinks:InfluxDb:Bucket is required when Sinks:InfluxDb:ApiVersion is V2; set it (env Sinks__InfluxDb__Bucket)." },
        { "V2 without org", V2(("Org", " ")), "Sinks:InfluxDb:Org is required when Sinks:InfluxDb:ApiVersion is V2; set it (env Sinks__InfluxDb__Org)." },
        { "V2 without token", V2(("Token", null)), "Sinks:InfluxDb:Token is required when Sinks:InfluxDb:ApiVersion is V2; set it (env Sinks__InfluxDb__Token)." },
        { "V1 without database", V1(("Database", null)), "Sinks:InfluxDb:Database is required when Sinks:InfluxDb:ApiVersion is V1; set it (env Sinks__InfluxDb__Database)." },
        { "V1 user without password", V1(("Username", "u")), "Sinks:InfluxDb:Username and Sinks:InfluxDb:Password go together" },
        { "V1 password without user", V1(("Password", "p")), "Sinks:InfluxDb:Username and Sinks:InfluxDb:Password go together" },
        { "V1 token and user", V1(("Token", Secret), ("Username", "u"), ("Password", "p")), "Sinks:InfluxDb:Token and Sinks:InfluxDb:Username are both set" },
        { "scheme-less Url", V2(("Url", "influxdb:8086")), "Sinks:InfluxDb:Url 'influxdb:8086' is not an absolute http:// or https:// address" },
        { "relative Url", V2(("Url", "/influx")), "Sinks:InfluxDb:Url '/influx' is not an absolute http:// or https:// address" },
        { "ftp Url", V2(("Url", "ftp://influxdb:8086")), "is not an absolute http:// or https:// address" },
        { "credentials in Url", V2(("Url", $"http://admin:{Secret}@influxdb:8086")), "Sinks:InfluxDb:Url must not contain credentials" },
        { "query in Url", V2(("Url", $"http://influxdb:8086/?token={Secret}")), "must not have a query or fragment" },
        { "BatchSize 0", V2(("BatchSize", "0")), "Sinks:InfluxDb:BatchSize must be between 1 and 100000" },
        { "BatchSize too large", V2(("BatchSize", "100001")), "Sinks:InfluxDb:BatchSize must be between 1 and 100000" },
        { "BatchSize 100000 is fine", V2(("BatchSize", "100000")), null },
        { "MaxBatchesInFlight 0", V2(("MaxBatchesInFlight", "0")), "Sinks:InfluxDb:MaxBatchesInFlight must be between 1 and 16, not 0" },
        { "MaxBatchesInFlight 17", V1(("MaxBatchesInFlight", "17")), "Sinks:InfluxDb:MaxBatchesInFlight must be between 1 and 16, not 17" },
        { "MaxBatchesInFlight 16 is fine", V2(("MaxBatchesInFlight", "16")), null },
        { "Timeout zero", V2(("Timeout", "00:00:00")), "Sinks:InfluxDb:Timeout must be between" },
        { "MaxFileBytes below 1024", File(("MaxFileBytes", "1023")), "Sinks:File:MaxFileBytes must be at least 1024" },
        { "MaxFileBytes 1024 is fine", File(("MaxFileBytes", "1024")), null },
        { "MaxFiles 0", File(("MaxFiles", "0")), "Sinks:File:MaxFiles must be between 1 and 1000" },
        { "MaxFiles 1001", File(("MaxFiles", "1001")), "Sinks:File:MaxFiles must be between 1 and 1000" },
        { "MaxFiles 1000 is fine", File(("MaxFiles", "1000")), null },
        { "empty Path", File(("Path", "")), "Sinks:File:Path is required" },
        { "Path naming a directory", File(("Path", "data/")), "Sinks:File:Path 'data/' names a directory" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validates_at_start_up_with_messages_naming_the_key(string scenario, Dictionary<string, string?> settings, string? expectedError)
    {
        using var provider = Build(settings);

        var failures = StartupFailures(provider);

        if (expectedError is null)
        {
            Assert.True(failures.Count == 0, $"{scenario}: unexpected {string.Join(" | ", failures)}");
        }
        else
        {
            Assert.True(failures.Any(f => f.Contains(expectedError, StringComparison.Ordinal)), $"{scenario}: expected '{expectedError}' in: {string.Join(" | ", failures)}");
        }

        Assert.DoesNotContain(failures, f => f.Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, typeof(LineProtocolFileSink))]
    [InlineData("", typeof(LineProtocolFileSink))]
    [InlineData("http://influxdb:8086", typeof(InfluxDbSink))]
    public void Registers_exactly_one_sink_chosen_by_the_Url(string? url, Type expected)
    {
        var settings = V2(("Url", url));
        using var provider = Build(settings);

        var sinks = provider.GetServices<IPointSink>().ToList();

        Assert.IsType(expected, Assert.Single(sinks));
        Assert.Same(sinks[0], provider.GetRequiredService<IPointSink>());
    }

    [Fact]
    public void The_resilience_section_configures_retries_and_the_timeout_sets_the_attempt_timeout()
    {
        using var provider = Build(V2(("Timeout", "00:00:45"), ("Resilience:Retry:MaxRetryAttempts", "5"), ("Resilience:Retry:Delay", "00:00:00.250")));

        var resilience = provider.GetRequiredService<IOptionsMonitor<Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions>>()
            .Get($"{InfluxDbSink.HttpClientName}-standard");

        Assert.Equal(5, resilience.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), resilience.Retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(45), resilience.AttemptTimeout.Timeout);
        Assert.True(resilience.TotalRequestTimeout.Timeout > TimeSpan.FromSeconds(45 * 6), resilience.TotalRequestTimeout.Timeout.ToString());
        Assert.True(resilience.CircuitBreaker.SamplingDuration >= TimeSpan.FromSeconds(90));
        Assert.Empty(StartupFailures(provider));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddPointSinks(configuration).BuildServiceProvider();
    }

    private static List<string> StartupFailures(ServiceProvider provider)
    {
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
        catch (AggregateException e)
        {
            return [.. e.Flatten().InnerExceptions.SelectMany(inner => inner is OptionsValidationException o ? o.Failures : [inner.Message])];
        }
    }

    private static Dictionary<string, string?> V2(params (string Key, string? Value)[] overrides) => Sinks(
        new()
        {
            ["Sinks:InfluxDb:Url"] = "http://influxdb:8086",
            ["Sinks:InfluxDb:ApiVersion"] = "V2",
            ["Sinks:InfluxDb:Token"] = Secret,
            ["Sinks:InfluxDb:Org"] = "contoso",
            ["Sinks:InfluxDb:Bucket"] = "flow",
        },
        "Sinks:InfluxDb",
        overrides);

    private static Dictionary<string, string?> V1(params (string Key, string? Value)[] overrides) => Sinks(
        new() { ["Sinks:InfluxDb:Url"] = "http://influxdb:8086", ["Sinks:InfluxDb:ApiVersion"] = "V1", ["Sinks:InfluxDb:Database"] = "flow" },
        "Sinks:InfluxDb",
        overrides);

    private static Dictionary<string, string?> File(params (string Key, string? Value)[] overrides) => Sinks(new(), "Sinks:File", overrides);

    private static Dictionary<string, string?> Sinks(Dictionary<string, string?> settings, string section, (string Key, string? Value)[] overrides)
    {
        foreach (var (key, value) in overrides)
        {
            settings[$"{section}:{key}"] = value;
        }

        return settings;
    }
}
