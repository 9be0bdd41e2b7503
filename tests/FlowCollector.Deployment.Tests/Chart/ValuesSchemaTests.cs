using System.Text.Json;
using Json.Schema;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>values.schema.json accepts the shipped values and rejects bad ones — checked with JsonSchema.Net and by Helm itself.</summary>
public sealed class ValuesSchemaTests : IDisposable
{
    private static readonly Lazy<string> SchemaText = new(() => File.ReadAllText(RepositoryPaths.ChartSchema));

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(SchemaText.Value));

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-chart-values-").FullName;

    public void Dispose() => Directory.Delete(this.directory, recursive: true);

    [Theory]
    [MemberData(nameof(ChartCases.Names), MemberType = typeof(ChartCases))]
    public void The_shipped_values_satisfy_the_schema(string valuesFile)
    {
        var values = ChartValues.Merge(ChartCases.Get(valuesFile).ValuesFiles.Select(File.ReadAllText).Select(YamlJson.Parse));

        var errors = Evaluate(values);

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    /// <summary>Scenario, values overlay (YAML), the instance location that must be reported, and text Helm's message must contain.</summary>
    public static TheoryData<string, string, string, string> InvalidValues => new()
    {
        { "two replicas", "replicaCount: 2", "/replicaCount", "cannot be shared" },
        { "replicas as a word", "replicaCount: one", "/replicaCount", "want integer" },
        { "unknown mode", "mode: daemonset", "/mode", "value must be one of 'deployment', 'cronjob'" },
        { "unknown top-level key", "replicas: 1", "", "additional properties 'replicas' not allowed" },
        { "a token in values", "config:\n  github:\n    token: abc", "/config/github", "additional properties 'token' not allowed" },
        { "repositories without a Secret", "config:\n  github:\n    repositories: [contoso/web]", "/secrets/existingSecret", "holding the GitHub token" },
        { "repository without owner", "secrets: {existingSecret: s}\nconfig:\n  github:\n    repositories: [contoso]", "/config/github/repositories/0", "does not match pattern" },
        { "interval in Go syntax", "config:\n  github:\n    interval: 15m", "/config/github/interval", "a .NET TimeSpan" },
        { "duration as a number", "config:\n  collection:\n    shutdownGrace: 20", "/config/collection/shutdownGrace", "want string" },
        { "page size above GitHub's maximum", "config:\n  github:\n    pageSize: 500", "/config/github/pageSize", "maximum" },
        { "InfluxDB 2 without a Secret", "config:\n  influxdb: {url: 'http://influxdb:8086', org: o, bucket: b}", "/secrets/existingSecret", "holding the InfluxDB token" },
        { "InfluxDB 2 without org and bucket", "secrets: {existingSecret: s}\nconfig:\n  influxdb: {url: 'http://influxdb:8086'}", "/config/influxdb/org", "minLength" },
        { "InfluxDB 1 without database", "config:\n  influxdb: {url: 'http://influxdb:8086', apiVersion: V1}", "/config/influxdb/database", "minLength" },
        { "InfluxDB 1 with token and username", "secrets: {existingSecret: s}\nconfig:\n  influxdb: {url: 'http://influxdb:8086', apiVersion: V1, database: d, username: u, v1Token: true}", "/config/influxdb/v1Token", "either a token or username/password" },
        { "InfluxDB URL without scheme", "config:\n  influxdb: {url: 'influxdb:8086'}", "/config/influxdb/url", "does not match pattern" },
        { "unknown InfluxDB API", "config:\n  influxdb: {apiVersion: v3}", "/config/influxdb/apiVersion", "value must be one of 'V2', 'V1'" },
        { "CronJob without a claim", "mode: cronjob", "/persistence/enabled", "would be lost" },
        { "CronJob with a ServiceMonitor", "mode: cronjob\npersistence: {enabled: true}\nserviceMonitor: {enabled: true}", "/serviceMonitor/enabled", "serves no /metrics" },
        { "overlapping CronJob runs", "cronJob: {concurrencyPolicy: Allow}", "/cronJob/concurrencyPolicy", "value must be one of 'Forbid', 'Replace'" },
        { "a credential as a literal env var", "extraEnv:\n  - {name: Sources__GitHub__Token, value: abc}", "/extraEnv/0/value", "valueFrom.secretKeyRef" },
        { "deploy stage without environment", "config:\n  valueStream:\n    stages: [{name: deploy, kind: Process, rule: Deploy}]", "/config/valueStream/stages/0", "environment" },
        { "unknown log level", "config:\n  logLevel: {Default: Verbose}", "/config/logLevel/Default", "value must be one of 'Trace'" },
        { "service port as a string", "service: {port: '8080'}", "/service/port", "want integer" },
        { "secrets mounted some other way", "secrets: {mountAs: csi}", "/secrets/mountAs", "value must be one of 'files', 'env'" },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void The_schema_rejects_invalid_values(string scenario, string overlay, string location, string helmMessage)
    {
        var values = ChartValues.Merge([YamlJson.Parse(overlay)]);

        var errors = Evaluate(values);

        Assert.True(errors.Count > 0, $"{scenario}: accepted");
        Assert.True(errors.Any(e => e.IsAt(location)), $"{scenario}: no error at '{location}': {string.Join("; ", errors)}");
        if (SchemaText.Value.Contains(helmMessage, StringComparison.Ordinal))
        {
            // One of the schema's own explanations: every validator must show it, not only Helm.
            Assert.Contains(errors, e => e.Message.Contains(helmMessage, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public async Task Helm_template_rejects_invalid_values_with_the_schema_message(string scenario, string overlay, string location, string helmMessage)
    {
        var file = Path.Combine(this.directory, "overlay.yaml");
        await File.WriteAllTextAsync(file, overlay, TestContext.Current.CancellationToken);

        var result = await HelmCli.TemplateAsync([file]);

        Assert.False(result.Succeeded, $"{scenario}: rendered");
        Assert.Contains("values don't meet the specifications of the schema", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"at '{location}'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(helmMessage, result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The template's own checks, for a release rendered with <c>--skip-schema-validation</c>.</summary>
    [Theory]
    [InlineData("replicaCount: 2", "replicaCount is 2 but must be 0 or 1 with the embedded state store")]
    [InlineData("config:\n  github:\n    repositories: [contoso/web]", "secrets.existingSecret is empty but the configuration needs Sources__GitHub__Token (key github-token)")]
    [InlineData("mode: cronjob", "mode is cronjob but persistence.enabled is false")]
    public async Task Without_the_schema_the_templates_still_refuse(string overlay, string message)
    {
        var file = Path.Combine(this.directory, "overlay.yaml");
        await File.WriteAllTextAsync(file, overlay, TestContext.Current.CancellationToken);

        var result = await HelmCli.TemplateAsync([file], "--skip-schema-validation");

        Assert.False(result.Succeeded, "rendered");
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    internal sealed record SchemaError(string Location, string Message)
    {
        /// <summary>
        /// At <paramref name="location"/> — or, for a property <c>additionalProperties: false</c> forbids, at the property
        /// itself: JsonSchema.Net reports it there, Helm at the object holding it.
        /// </summary>
        public bool IsAt(string location) =>
            this.Location == location
            || (this.Message.Contains("false schema", StringComparison.Ordinal)
                && this.Location.StartsWith(location + "/", StringComparison.Ordinal)
                && !this.Location[(location.Length + 1)..].Contains('/', StringComparison.Ordinal));

        public override string ToString() => $"'{this.Location}': {this.Message}";
    }

    private static List<SchemaError> Evaluate(System.Text.Json.Nodes.JsonNode values)
    {
        using var document = JsonDocument.Parse(values.ToJsonString());
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        // The list also holds the failures of `if` conditions, which decide a rule rather than break it.
        return [.. (result.Details ?? [])
            .Where(d => d.Errors is not null && !d.EvaluationPath.ToString().Split('/').Contains("if"))
            .SelectMany(d => d.Errors!.Select(e => new SchemaError(d.InstanceLocation.ToString(), $"{e.Key}: {e.Value}")))];
    }
}
