namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>What one example values file must render to: the mode, and the credentials wired from the Secret.</summary>
public sealed record ChartCase(string ValuesFile, string Mode, string? SecretName, string MountAs, IReadOnlyDictionary<string, string> SecretKeysByVariable)
{
    /// <summary>The chart's own values.yaml alone.</summary>
    public const string ChartDefaults = "(values.yaml)";

    public IReadOnlyList<string> ValuesFiles => this.ValuesFile == ChartDefaults ? [] : [Helm.RepositoryPaths.CiValues(this.ValuesFile)];

    public override string ToString() => this.ValuesFile;
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
        new("organizations-values.yaml", "deployment", "flowcollector", "files", new Dictionary<string, string>
        {
            ["Sources__AzureDevOps__Pat"] = "azure-devops-pat",
            ["Sources__GitHub__Token"] = "github-token",
        }),
    ];

    public static TheoryData<string> Names => [.. All.Select(c => c.ValuesFile)];

    public static ChartCase Get(string valuesFile) => All.Single(c => c.ValuesFile == valuesFile);
}
