using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using FlowCollector.Deployment.Tests.Helm;
using FlowCollector.Sinks.File;
using FlowCollector.Sinks.InfluxDb;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.State;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// The configuration the chart renders, read the way the container reads it — the ConfigMap file through
/// <c>--config</c>, credentials from the mounted secret files or env vars — and validated by the binary's own
/// composition and options validators (what <c>run</c> does before it starts).
/// </summary>
public sealed class RenderedConfigurationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-chart-config-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task The_binary_accepts_the_rendered_configuration(string valuesFile)
    {
        var chart = await HelmCli.RenderAsync(ChartCases.Get(valuesFile).ValuesFiles);
        var configuration = LoadAsTheContainerDoes(chart, withCredentials: true);

        using var provider = Compose(configuration);
        var problems = StartupProblems(provider, configuration);

        Assert.True(problems.Count == 0, $"{valuesFile}: the binary rejects the rendered configuration:\n{string.Join('\n', problems)}\n{chart.ConfigJson()}");
    }

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task The_binary_reads_the_values_and_the_credentials_from_where_the_chart_puts_them(string valuesFile)
    {
        var @case = ChartCases.Get(valuesFile);
        var chart = await HelmCli.RenderAsync(@case.ValuesFiles);
        var values = ValuesOf(@case);
        var configuration = LoadAsTheContainerDoes(chart, withCredentials: true);

        using var provider = Compose(configuration);
        var github = provider.GetRequiredService<IOptions<GitHubSourceOptions>>().Value;
        var influx = provider.GetRequiredService<IOptions<InfluxDbSinkOptions>>().Value;
        var state = provider.GetRequiredService<IOptions<StateOptions>>().Value;

        Assert.Equal(values["config"]?["github"]?["repositories"]?.AsArray().Select(r => (string)r!) ?? [], github.Repositories);
        Assert.Equal(@case.SecretKeysByVariable.ContainsKey("Sources__GitHub__Token") ? FakeCredential("Sources__GitHub__Token") : "", github.Token);
        // A number in values (appId: 123456) arrives as the same digits.
        Assert.Equal(values["config"]?["github"]?["app"]?["appId"]?.ToJsonString().Trim('"') ?? "", github.App.AppId);
        Assert.Equal(@case.SecretKeysByVariable.ContainsKey("Sources__GitHub__App__PrivateKey") ? FakeCredential("Sources__GitHub__App__PrivateKey") : "", github.App.PrivateKey);
        Assert.Equal(
            values["config"]?["github"]?["app"]?["installationIds"]?.AsObject().Select(p => KeyValuePair.Create(p.Key, (long)p.Value!)) ?? [],
            github.App.InstallationIds.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal((string?)values["config"]?["influxdb"]?["url"] ?? "", influx.Url?.OriginalString ?? "");
        Assert.Equal(@case.SecretKeysByVariable.ContainsKey("Sinks__InfluxDb__Token") ? FakeCredential("Sinks__InfluxDb__Token") : null, influx.Token);
        Assert.Equal(@case.SecretKeysByVariable.ContainsKey("Sinks__InfluxDb__Password") ? FakeCredential("Sinks__InfluxDb__Password") : null, influx.Password);
        Assert.StartsWith("/var/lib/flowcollector/", state.SqlitePath, StringComparison.Ordinal);
        Assert.Equal(@case.SecretKeysByVariable.ContainsKey("State__PostgreSql__ConnectionString") ? FakeCredential("State__PostgreSql__ConnectionString") : null, state.PostgreSql.ConnectionString);
    }

    /// <summary>Organisations, projects, rate limit, rework and the collection intervals arrive in the binary's options as the values give them.</summary>
    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public async Task The_binary_reads_organisations_projects_rate_limit_rework_and_intervals_from_the_values(string valuesFile)
    {
        var @case = ChartCases.Get(valuesFile);
        var chart = await HelmCli.RenderAsync(@case.ValuesFiles);
        var config = ValuesOf(@case)["config"]!;
        using var provider = Compose(LoadAsTheContainerDoes(chart, withCredentials: true));
        var github = provider.GetRequiredService<IOptions<GitHubSourceOptions>>().Value;
        var rateLimit = provider.GetRequiredService<IOptions<GitHubRateLimitOptions>>().Value;
        var azureDevOps = provider.GetRequiredService<IOptions<AzureDevOpsSourceOptions>>().Value;
        var collection = provider.GetRequiredService<IOptions<CollectionOptions>>().Value;
        var valueStream = provider.GetRequiredService<IOptions<ValueStreamOptions>>().Value;
        var rework = valueStream.Rework;

        Assert.Equal(
            Entries(config["github"]!["organizations"], e => $"{e["name"]}|{Words(e["include"])}|{Words(e["exclude"])}|{Words(e["topics"])}|{Flag(e["includeArchived"])}|{Flag(e["includeForks"])}"),
            github.Organizations.Select(o => $"{o.Name}|{string.Join(',', o.Include)}|{string.Join(',', o.Exclude)}|{string.Join(',', o.Topics)}|{o.IncludeArchived}|{o.IncludeForks}"));
        Assert.Equal(
            Entries(config["azureDevOps"]!["projects"], e => $"{e["name"]}|{Words(e["include"])}|{Words(e["exclude"])}|{Flag(e["includeDisabled"])}"),
            azureDevOps.Projects.Select(p => $"{p.Name}|{string.Join(',', p.Include)}|{string.Join(',', p.Exclude)}|{p.IncludeDisabled}"));
        Assert.Equal((bool)config["github"]!["readLinkedIssues"]!, github.ReadLinkedIssues);
        Assert.Equal((string)config["github"]!["deploymentFallback"]!, github.DeploymentFallback.ToString());
        Assert.Equal((string)config["github"]!["fallbackEnvironment"]!, github.FallbackEnvironment);
        Assert.Equal(Words(config["github"]!["incidentLabels"]), string.Join(',', github.IncidentLabels));
        var limit = config["github"]!["rateLimit"]!;
        Assert.Equal(
            (double.Parse(limit["reserve"]!.ToJsonString(), CultureInfo.InvariantCulture), Duration(limit["maxWait"]), (long)limit["maxRetries"]!, Duration(limit["secondaryBackoff"])),
            (rateLimit.Reserve, rateLimit.MaxWait, (long)rateLimit.MaxRetries, rateLimit.SecondaryBackoff));
        Assert.Equal(Duration(config["collection"]!["reconcileInterval"]), collection.ReconcileInterval);
        Assert.Equal(Duration(config["collection"]!["discoveryInterval"]), collection.DiscoveryInterval);
        Assert.Equal(
            Entries(config["valueStream"]!["streams"], e => $"{Words(e["match"])}|{Words(e["environments"])}|{Words(e["productionEnvironments"])}|{Entries(e["stages"], s => $"{s["name"]}:{s["kind"]}:{s["rule"]}:{s["environment"]}").Count()}"),
            valueStream.Streams.Select(s => $"{string.Join(',', s.Match)}|{string.Join(',', s.Environments)}|{string.Join(',', s.ProductionEnvironments)}|{s.Stages.Count}"));
        Assert.Equal(Words(config["valueStream"]!["productionPatterns"]), string.Join(',', valueStream.ProductionPatterns));
        Assert.Equal(Words(config["valueStream"]!["ignoreEnvironments"]), string.Join(',', valueStream.IgnoreEnvironments));
        Assert.Equal(
            (string?)config["valueStream"]!["forgetEnvironmentsAfter"] is { Length: > 0 } ? Duration(config["valueStream"]!["forgetEnvironmentsAfter"]) : TimeSpan.FromDays(90),
            valueStream.ForgetEnvironmentsAfter);
        var reworkValues = config["valueStream"]!["rework"]!;
        Assert.Equal(
            (Words(reworkValues["branchPatterns"]), Words(reworkValues["titlePrefixes"]), Words(reworkValues["labels"])),
            (string.Join(',', rework.BranchPatterns), string.Join(',', rework.TitlePrefixes), string.Join(',', rework.Labels)));
    }

    [Theory]
    [InlineData("default-values.yaml", "Sources:GitHub:Token is empty")]
    [InlineData("influxdb2-values.yaml", "Sinks:InfluxDb:Token is required")]
    [InlineData("influxdb1-values.yaml", "Sinks:InfluxDb:Username and Sinks:InfluxDb:Password go together")]
    [InlineData("github-app-values.yaml", "Sources:GitHub:App:PrivateKey and Sources:GitHub:App:PrivateKeyPath are both empty")]
    public async Task Without_the_secret_the_binary_rejects_the_rendered_configuration(string valuesFile, string expected)
    {
        var chart = await HelmCli.RenderAsync(ChartCases.Get(valuesFile).ValuesFiles);
        var configuration = LoadAsTheContainerDoes(chart, withCredentials: false);

        using var provider = Compose(configuration);
        var problems = StartupProblems(provider, configuration);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>
    /// CloudNativePG's <c>uri</c> key holds <c>postgresql://user:password@host:5432/db</c>; the chart mounts it as the
    /// connection string (ci/postgresql-cnpg-values.yaml) and relies on the binary reading a URI there
    /// (ConfigurationNormalizer turns it into an Npgsql connection string).
    /// </summary>
    [Fact]
    public async Task The_binary_accepts_a_CloudNativePG_uri_where_the_chart_mounts_it()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("postgresql-cnpg-values.yaml")]);
        var configuration = LoadAsTheContainerDoes(chart, withCredentials: true, new Dictionary<string, string>
        {
            ["State__PostgreSql__ConnectionString"] = "postgresql://app:fake-password@flowcollector-pg-rw.flow:5432/app?sslmode=require",
        });

        using var provider = Compose(configuration);
        var problems = StartupProblems(provider, configuration);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(provider.GetRequiredService<IOptions<StateOptions>>().Value.PostgreSql.ConnectionString);
        Assert.Equal(("flowcollector-pg-rw.flow", 5432, "app", "app", "fake-password"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
    }

    [Fact]
    public async Task The_chart_defaults_are_the_binary_defaults()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("influxdb1-values.yaml")]);
        var rendered = JsonNode.Parse(chart.ConfigJson())!;
        var github = new GitHubSourceOptions();
        var influx = new InfluxDbSinkOptions();
        var file = new FileSinkOptions();
        var collection = new CollectionOptions();
        var health = new HealthOptions();

        Assert.Equal(github.ApiBaseAddress.ToString(), (string?)ValuesOf(ChartCases.Get(ChartCase.ChartDefaults))["config"]!["github"]!["apiBaseAddress"]);
        Assert.Equal(github.Interval, Duration(rendered["Sources"]!["GitHub"]!["Interval"]!));
        Assert.Equal(github.Backfill, Duration(rendered["Sources"]!["GitHub"]!["Backfill"]!));
        Assert.Equal(github.Overlap, Duration(rendered["Sources"]!["GitHub"]!["Overlap"]!));
        Assert.Equal(github.PageSize, (int)rendered["Sources"]!["GitHub"]!["PageSize"]!);
        Assert.Equal(influx.BatchSize, (int)rendered["Sinks"]!["InfluxDb"]!["BatchSize"]!);
        Assert.Equal(influx.Timeout, Duration(rendered["Sinks"]!["InfluxDb"]!["Timeout"]!));
        Assert.Equal(influx.Gzip, (bool)rendered["Sinks"]!["InfluxDb"]!["Gzip"]!);
        Assert.Equal(file.MaxFileBytes, (long)rendered["Sinks"]!["File"]!["MaxFileBytes"]!);
        Assert.Equal(file.MaxFiles, (int)rendered["Sinks"]!["File"]!["MaxFiles"]!);
        Assert.Equal(collection.MaxConcurrentTargets, (int)rendered["Collection"]!["MaxConcurrentTargets"]!);
        Assert.Equal(collection.ShutdownGrace, Duration(rendered["Collection"]!["ShutdownGrace"]!));
        Assert.Equal(collection.PendingMaxAge, Duration(rendered["Collection"]!["PendingMaxAge"]!));
        Assert.Equal(github.ReadWorkflowRuns, (bool)rendered["Sources"]!["GitHub"]!["ReadWorkflowRuns"]!);
        Assert.Equal(github.ReadDeployments, (bool)rendered["Sources"]!["GitHub"]!["ReadDeployments"]!);
        Assert.Equal(health.MaxFailureDuration, Duration(rendered["Health"]!["MaxFailureDuration"]!));
        Assert.Equal(new ValueStreamOptions().CommentsEndPickup, (bool)rendered["ValueStream"]!["CommentsEndPickup"]!);
        Assert.Equal(github.ReadLinkedIssues, (bool)rendered["Sources"]!["GitHub"]!["ReadLinkedIssues"]!);
        Assert.Equal(github.DeploymentFallback.ToString(), (string?)rendered["Sources"]!["GitHub"]!["DeploymentFallback"]);
        Assert.Equal(github.FallbackEnvironment, (string?)rendered["Sources"]!["GitHub"]!["FallbackEnvironment"]);
        Assert.Empty(rendered["Sources"]!["GitHub"]!["IncidentLabels"]!.AsArray());
        Assert.Null(rendered["Sources"]!["GitHub"]!["Organizations"]);
        Assert.Null(rendered["Sources"]!["AzureDevOps"]!["Projects"]);
        var rateLimit = new GitHubRateLimitOptions();
        var renderedLimit = rendered["Sources"]!["GitHub"]!["RateLimit"]!;
        Assert.Equal(rateLimit.Reserve, (double)renderedLimit["Reserve"]!);
        Assert.Equal(rateLimit.MaxWait, Duration(renderedLimit["MaxWait"]));
        Assert.Equal(rateLimit.MaxRetries, (int)renderedLimit["MaxRetries"]!);
        Assert.Equal(rateLimit.SecondaryBackoff, Duration(renderedLimit["SecondaryBackoff"]));
        Assert.Equal(collection.ReconcileInterval, Duration(rendered["Collection"]!["ReconcileInterval"]));
        Assert.Equal(collection.DiscoveryInterval, Duration(rendered["Collection"]!["DiscoveryInterval"]));

        // Empty rework lists are left out, so the binary's own defaults (hotfix/*, Revert ", …) apply; likewise the
        // learning settings and the streams (none: repositories without one learn their path).
        Assert.Null(rendered["ValueStream"]!["Rework"]);
        Assert.Null(rendered["ValueStream"]!["Streams"]);
        Assert.Null(rendered["ValueStream"]!["ProductionPatterns"]);
        Assert.Null(rendered["ValueStream"]!["IgnoreEnvironments"]);
        Assert.Null(rendered["ValueStream"]!["ForgetEnvironmentsAfter"]);
    }

    /// <summary>Every options class of the binary, found by its <c>SectionName</c> constant, so a new one is covered without editing this test.</summary>
    public static TheoryData<string, Type> OptionsSections()
    {
        var sections = new TheoryData<string, Type>();
        var assemblies = new[] { typeof(FlowCollectorComposition), typeof(GitHubSourceOptions), typeof(InfluxDbSinkOptions), typeof(StateOptions) }.Select(t => t.Assembly).Distinct();
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string name)
            {
                sections.Add(name, type);
            }
        }

        return sections;
    }

    [Fact]
    public void The_options_classes_are_found()
    {
        var found = OptionsSections().Select(row => row.Data.Item2).ToList();

        Assert.Contains(typeof(GitHubSourceOptions), found);
        Assert.Contains(typeof(CollectionOptions), found);
        Assert.True(found.Count >= 7, $"found {found.Count} options classes");
    }

    /// <summary>A new option of the binary fails here until the chart can set it; a credential must never be one of them.</summary>
    [Theory]
    [MemberData(nameof(OptionsSections))]
    public async Task Every_option_of_the_binary_can_be_set_from_values_and_no_credential_can(string section, Type options)
    {
        string[] credentials = ["Token", "Password", "Pat", "PrivateKey"];
        var rendered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var @case in ChartCases.All)
        {
            var node = JsonNode.Parse((await HelmCli.RenderAsync(@case.ValuesFiles)).ConfigJson());
            foreach (var part in section.Split(':'))
            {
                node = node?[part];
            }

            rendered.UnionWith(node?.AsObject().Select(p => p.Key) ?? []);
        }

        var settable = options.GetProperties().Where(p => p.SetMethod?.IsPublic == true).Select(p => p.Name).ToList();
        Assert.NotEmpty(settable);
        Assert.Empty(settable.Except(credentials).Except(rendered, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(rendered.Intersect(credentials, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A duration as values hold it: a TimeSpan, or a number with a unit (<c>15m</c>) which the chart converts.</summary>
    private static TimeSpan Duration(JsonNode? node)
    {
        var text = (string)node!;
        var match = System.Text.RegularExpressions.Regex.Match(text, "^([0-9]+)(ms|s|m|h|d)$");
        if (!match.Success)
        {
            return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
        }

        var number = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "m" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            _ => TimeSpan.FromDays(number),
        };
    }

    private static IEnumerable<string> Entries(JsonNode? list, Func<JsonNode, string> describe) => list?.AsArray().Select(e => describe(e!)) ?? [];

    private static string Words(JsonNode? list) => string.Join(',', list?.AsArray().Select(w => (string?)w) ?? []);

    private static bool Flag(JsonNode? value) => value is not null && (bool)value;

    /// <summary>A recognisable stand-in for a credential; never a real one (a private key is a throwaway made for this run, as the binary parses it at start-up).</summary>
    private static string FakeCredential(string variable) => variable switch
    {
        _ when variable.EndsWith("ConnectionString", StringComparison.Ordinal) => $"Host=postgresql.example;Database=flowcollector;Username=flowcollector;Password=fake-{variable}",
        _ when variable.EndsWith("PrivateKey", StringComparison.Ordinal) => ThrowawayKey.Value,
        _ => $"fake-{variable}",
    };

    private static readonly Lazy<string> ThrowawayKey = new(() =>
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        return key.ExportRSAPrivateKeyPem();
    });

    private static JsonNode ValuesOf(ChartCase @case) =>
        ChartValues.Merge(@case.ValuesFiles.Select(File.ReadAllText).Select(YamlJson.Parse));

    private static ServiceProvider Compose(ConfigurationManager configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFlowCollector(configuration, prometheus: false);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>What the binary's start-up validation reports: every options validator, then the cron syntax (Worker's ScheduleValidator).</summary>
    private static List<string> StartupProblems(ServiceProvider provider, ConfigurationManager configuration)
    {
        var problems = new List<string>();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (AggregateException e)
        {
            problems.AddRange(e.Flatten().InnerExceptions.SelectMany(i => i is OptionsValidationException o ? o.Failures : [i.Message]));
        }

        foreach (var section in FlowCollectorComposition.SourceSections)
        {
            var cron = configuration[$"Sources:{section}:Cron"];
            if (!string.IsNullOrWhiteSpace(cron) && !CronExpression.TryParse(cron, out _))
            {
                problems.Add($"Sources:{section}:Cron '{cron}' is not a valid Quartz cron expression");
            }
        }

        return problems;
    }

    /// <summary>
    /// Builds the configuration as the container would: the ConfigMap's file at the path the args name, the secret
    /// files at the mount FLOWCOLLECTOR_SECRETS_DIR names, through the binary's own <see cref="ConfigurationSetup"/>.
    /// Credentials from env <c>secretKeyRef</c>s are added as the environment would (ConfigurationSetup reads the real
    /// process environment, which a test must not change).
    /// </summary>
    private ConfigurationManager LoadAsTheContainerDoes(RenderedChart chart, bool withCredentials, IReadOnlyDictionary<string, string>? credentials = null)
    {
        var pod = chart.CollectorPodSpec();
        var container = chart.CollectorContainer();
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        var configPath = args[args.IndexOf("--config") + 1];

        // The --config path must be inside the mounted ConfigMap; the test reads the same file from a temp copy.
        var configMount = MountOf(pod, container, v => v["configMap"] is not null && (string?)v["name"] == "config");
        Assert.Equal(configMount.TrimEnd('/') + "/flowcollector.json", configPath);
        var configFile = Path.Combine(directory, "flowcollector.json");
        File.WriteAllText(configFile, chart.ConfigJson());
        args[args.IndexOf("--config") + 1] = configFile;

        var environment = (container["env"]?.AsArray() ?? [])
            .Where(e => e!["value"] is not null)
            .ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        var secretsDirectory = Directory.CreateDirectory(Path.Combine(directory, "secrets")).FullName;
        var references = RenderedManifestTests.SecretReferences(pod, container);
        if (references.Any(r => r.Via == "files"))
        {
            Assert.Equal(MountOf(pod, container, v => v["projected"] is not null || v["secret"] is not null), environment["FLOWCOLLECTOR_SECRETS_DIR"]);
        }

        environment["FLOWCOLLECTOR_SECRETS_DIR"] = secretsDirectory;
        var fromEnvironment = new Dictionary<string, string?>();
        foreach (var reference in references.Where(_ => withCredentials))
        {
            if (reference.Via == "files")
            {
                // Kubernetes writes the Secret's bytes as they are; a value created with --from-literal has no newline.
                File.WriteAllText(Path.Combine(secretsDirectory, reference.Variable), credentials?.GetValueOrDefault(reference.Variable) ?? FakeCredential(reference.Variable));
            }
            else
            {
                fromEnvironment[reference.Variable.Replace("__", ":", StringComparison.Ordinal)] = credentials?.GetValueOrDefault(reference.Variable) ?? FakeCredential(reference.Variable);
            }
        }

        var configuration = new ConfigurationManager();
        ConfigurationSetup.Apply(configuration, CommandLine.Parse(args), "Production", name => environment.GetValueOrDefault(name));
        configuration.AddInMemoryCollection(fromEnvironment);
        return configuration;
    }

    private static string MountOf(JsonObject pod, JsonObject container, Func<JsonNode, bool> volumeKind)
    {
        var volume = (string)pod["volumes"]!.AsArray().Single(v => volumeKind(v!))!["name"]!;
        return (string)container["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == volume)!["mountPath"]!;
    }
}
