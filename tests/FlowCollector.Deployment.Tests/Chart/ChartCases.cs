namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// What one example values file must render to: the mode, and the credentials wired from the Secrets (all from
/// <paramref name="SecretName"/> except the variables in <see cref="OtherSecrets"/>).
/// </summary>
public sealed record ChartCase(string ValuesFile, string Mode, string? SecretName, string MountAs, IReadOnlyDictionary<string, string> SecretKeysByVariable)
{
    /// <summary>
    /// The chart's own values.yaml with only the image the release workflow sets in the published chart
    /// (build/set-chart-release.sh): the source values.yaml leaves <c>image.repository</c> empty and refuses to render.
    /// </summary>
    public const string ChartDefaults = "(values.yaml)";

    /// <summary>Variables whose credential comes from a Secret other than <see cref="SecretName"/>, by variable.</summary>
    public IReadOnlyDictionary<string, string> OtherSecrets { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> ValuesFiles => ValuesFile == ChartDefaults
        ? [Path.Combine(Helm.RepositoryPaths.Root, "tests", "FlowCollector.Deployment.Tests", "Chart", "published-chart-values.yaml")]
        : [Helm.RepositoryPaths.CiValues(ValuesFile)];

    public string SecretOf(string variable) => OtherSecrets.GetValueOrDefault(variable) ?? SecretName!;

    public override string ToString() => ValuesFile;
}

/// <summary>The values files every chart test runs over; a new ci/*.yaml must be added here (a test checks that).</summary>
public static class ChartCases
{
    public static readonly IReadOnlyList<ChartCase> All =
    [
        new(ChartCase.ChartDefaults, "deployment", null, "files", new Dictionary<string, string>()),
        new("default-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
        }),
        new("influxdb2-values.yaml", "deployment", "flowcollector-credentials", "env", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "GITHUB_TOKEN",
            ["Sinks__InfluxDb__Token"] = "INFLUX_TOKEN",
        }),
        new("influxdb1-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["Sinks__InfluxDb__Password"] = "influxdb-password",
        }),
        new("cronjob-values.yaml", "cronjob", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["Sinks__InfluxDb__Token"] = "influxdb-token",
        }),
        new("monitoring-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["Sinks__InfluxDb__Token"] = "influxdb-token",
        }),
        new("grafana-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
        }),
        new("grafana-alerts-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
        }),
        new("azure-devops-entra-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["Sinks__InfluxDb__Token"] = "influxdb-token",
        }),
        new("postgresql-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["Sinks__InfluxDb__Token"] = "influxdb-token",
            ["State__PostgreSql__ConnectionString"] = "postgresql-connection-string",
        }),
        new("azure-devops-pat-values.yaml", "deployment", "flowcollector", "env", new Dictionary<string, string>
        {
            ["Sources__AzureDevOps__Pat"] = "azure-devops-pat",
        }),
        new("github-app-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__App__PrivateKey"] = "github-app-private-key",
        }),
        new("github-app-secret-values.yaml", "deployment", null, "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__App__PrivateKey"] = "private-key.pem",
        })
        {
            OtherSecrets = new Dictionary<string, string> { ["Sources__GitHub__App__PrivateKey"] = "flowcollector-github-app" },
        },
        new("influxdb2-chart-secret-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["Sinks__InfluxDb__Token"] = "admin-token",
        })
        {
            OtherSecrets = new Dictionary<string, string> { ["Sinks__InfluxDb__Token"] = "influxdb-influxdb2-auth" },
        },
        new("postgresql-cnpg-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__GitHub__Token"] = "github-token",
            ["State__PostgreSql__ConnectionString"] = "uri",
        })
        {
            OtherSecrets = new Dictionary<string, string> { ["State__PostgreSql__ConnectionString"] = "flowcollector-pg-app" },
        },
        new("ca-bundle-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__AzureDevOps__Pat"] = "azure-devops-pat",
            ["Sources__GitHub__Token"] = "github-token",
        }),
        new("organizations-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__AzureDevOps__Pat"] = "azure-devops-pat",
            ["Sources__GitHub__Token"] = "github-token",
        }),
    ];

    public static TheoryData<string> Names => [.. All.Select(c => c.ValuesFile)];

    public static ChartCase Get(string valuesFile) => All.Single(c => c.ValuesFile == valuesFile);
}
