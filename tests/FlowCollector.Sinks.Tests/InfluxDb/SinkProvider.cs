using System.Net;
using System.Net.Sockets;
using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>Builds sinks the way the worker does (AddPointSinks over configuration), with millisecond retry delays.</summary>
internal static class SinkProvider
{
    public const string Token = "tok-7f3a9c-secret";
    public const string Password = "pw-5b1e-secret";

    public static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPointSinks(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static IPointSink Sink(this ServiceProvider provider) => provider.GetRequiredService<IPointSink>();

    public static Dictionary<string, string?> V2(string url, params (string Key, string? Value)[] overrides) => With(
        new()
        {
            ["Sinks:InfluxDb:Url"] = url,
            ["Sinks:InfluxDb:ApiVersion"] = "V2",
            ["Sinks:InfluxDb:Token"] = Token,
            ["Sinks:InfluxDb:Org"] = "contoso",
            ["Sinks:InfluxDb:Bucket"] = "flow",
        },
        overrides);

    public static Dictionary<string, string?> V1(string url, params (string Key, string? Value)[] overrides) => With(
        new()
        {
            ["Sinks:InfluxDb:Url"] = url,
            ["Sinks:InfluxDb:ApiVersion"] = "V1",
            ["Sinks:InfluxDb:Database"] = "flow",
        },
        overrides);

    /// <summary>A loopback port nothing listens on (it was free a moment ago).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, (string Key, string? Value)[] overrides)
    {
        settings["Sinks:InfluxDb:Resilience:Retry:Delay"] = "00:00:00.010";
        settings["Sinks:InfluxDb:Resilience:Retry:MaxRetryAttempts"] = "3";
        settings["Sinks:InfluxDb:Timeout"] = "00:00:05";
        foreach (var (key, value) in overrides)
        {
            settings[$"Sinks:InfluxDb:{key}"] = value;
        }

        return settings;
    }
}
