using System.Text.Json;
using FlowCollector.Deployment.Tests.Helm;
using Json.Schema;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>values.schema.json accepts the shipped values and rejects bad ones — checked with JsonSchema.Net and by Helm itself.</summary>
public sealed class ValuesSchemaTests : IDisposable
{
    private static readonly Lazy<string> SchemaText = new(() => File.ReadAllText(RepositoryPaths.ChartSchema));

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(SchemaText.Value));

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-chart-values-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

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
        { "interval in Go syntax with two units", "config:\n  github:\n    interval: 1h30m", "/config/github/interval", "a duration such as 15m, 1h or 30d" },
        { "interval in words", "config:\n  github:\n    interval: 15 minutes", "/config/github/interval", "a .NET TimeSpan" },
        { "a five-field Unix cron", "config:\n  github:\n    cron: '*/15 * * * *'", "/config/github/cron", "a five-field Unix cron is refused by the binary" },
        { "a Quartz cron without seconds", "config:\n  azureDevOps:\n    cron: '0 6 ? * MON'", "/config/azureDevOps/cron", "a Quartz cron expression with seconds: six or seven fields" },
        { "no image repository", "image: {repository: ''}", "/image/repository", "a pullable image repository with its registry" },
        { "an image without its registry", "image: {repository: flowcollector}", "/image/repository", "a bare name is pulled from Docker Hub" },
        { "a credential Secret with an unknown key", "secrets:\n  githubToken: {secret: s, key: k}", "/secrets/githubToken", "additional properties 'secret' not allowed" },
        { "a PostgreSQL host with a semicolon", "state:\n  postgresql: {host: 'pg;Password=x'}", "/state/postgresql/host", "does not match pattern" },
        { "an extra volume mount without its path", "extraVolumeMounts: [{name: ca}]", "/extraVolumeMounts/0", "missing property 'mountPath'" },
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
        { "an unknown GitHub authentication", "config:\n  github:\n    authentication: Oauth", "/config/github/authentication", "value must be one of 'Token', 'App'" },
        { "a GitHub App without its id", "secrets: {existingSecret: s}\nconfig:\n  github:\n    authentication: App", "/config/github/app/appId", "Client ID of the GitHub App, or secrets.githubAppId.key: config.github.authentication is App" },
        { "a token and a GitHub App both set", "config:\n  github:\n    app: {appId: '424242'}", "/config/github/app/appId", "a token and an app cannot both authenticate" },
        { "a GitHub App without a Secret", "config:\n  github:\n    authentication: App\n    app: {appId: '424242'}\n    repositories: [contoso/web]", "/secrets/existingSecret", "(key secrets.githubAppPrivateKey.key): config.github.authentication is App" },
        { "a GitHub App without the key reference", "secrets: {existingSecret: s, githubAppPrivateKey: {key: ''}}\nconfig:\n  github:\n    authentication: App\n    app: {appId: '424242'}", "/secrets/githubAppPrivateKey/key", "private key (.pem file): config.github.authentication is App" },
        { "an installation id of zero", "config:\n  github:\n    app: {installationIds: {contoso: 0}}", "/config/github/app/installationIds/contoso", "minimum" },
        { "an organisation as owner/name", "secrets: {existingSecret: s}\nconfig:\n  github:\n    organizations: [{name: contoso/web}]", "/config/github/organizations/0/name", "single repositories belong in config.github.repositories" },
        { "an organisation without a name", "secrets: {existingSecret: s}\nconfig:\n  github:\n    organizations: [{include: [web]}]", "/config/github/organizations/0", "missing property 'name'" },
        { "an organisation glob on owner/name", "secrets: {existingSecret: s}\nconfig:\n  github:\n    organizations: [{name: contoso, include: ['contoso/*']}]", "/config/github/organizations/0/include/0", "a glob on the repository name only" },
        { "a topic with a space", "secrets: {existingSecret: s}\nconfig:\n  github:\n    organizations: [{name: contoso, topics: ['pay ments']}]", "/config/github/organizations/0/topics/0", "a GitHub topic such as payments" },
        { "an unknown organisation key", "secrets: {existingSecret: s}\nconfig:\n  github:\n    organizations: [{name: contoso, archived: true}]", "/config/github/organizations/0", "additional properties 'archived' not allowed" },
        { "organisations without a Secret", "config:\n  github:\n    organizations: [{name: contoso}]", "/secrets/existingSecret", "config.github.repositories or organizations is not empty" },
        { "an unknown deployment fallback", "config:\n  github:\n    deploymentFallback: Tags", "/config/github/deploymentFallback", "value must be one of 'Releases', 'CiRuns', 'None'" },
        { "an empty fallback environment", "config:\n  github:\n    fallbackEnvironment: ''", "/config/github/fallbackEnvironment", "minLength" },
        { "a rate-limit reserve above 0.9", "config:\n  github:\n    rateLimit: {reserve: 0.95}", "/config/github/rateLimit/reserve", "maximum" },
        { "a zero secondary backoff", "config:\n  github:\n    rateLimit: {secondaryBackoff: '00:00:00'}", "/config/github/rateLimit/secondaryBackoff", "a positive duration such as 1m or 00:01:00" },
        { "a rate-limit wait in Go syntax", "config:\n  github:\n    rateLimit: {maxWait: 1h30m}", "/config/github/rateLimit/maxWait", "a .NET TimeSpan" },
        { "a zero secondary backoff in the short form", "config:\n  github:\n    rateLimit: {secondaryBackoff: 0s}", "/config/github/rateLimit/secondaryBackoff", "a positive duration such as 1m or 00:01:00" },
        { "too many rate-limit retries", "config:\n  github:\n    rateLimit: {maxRetries: 101}", "/config/github/rateLimit/maxRetries", "maximum" },
        { "projects without the organisation URL", "secrets: {existingSecret: s}\nconfig:\n  azureDevOps:\n    projects: [{name: Web}]", "/config/azureDevOps/organizationUrl", "config.azureDevOps.repositories or projects is not empty" },
        { "a project with a slash", "config:\n  azureDevOps:\n    projects: [{name: Web/Platform}]", "/config/azureDevOps/projects/0/name", "no leading or trailing spaces, at most 64 characters" },
        { "a project pattern with a colon", "config:\n  azureDevOps:\n    projects: [{name: Web, include: ['a:b']}]", "/config/azureDevOps/projects/0/include/0", "a repository-name pattern such as checkout-*" },
        { "an unknown project key", "config:\n  azureDevOps:\n    projects: [{name: Web, repositories: [a]}]", "/config/azureDevOps/projects/0", "additional properties 'repositories' not allowed" },
        { "a rework branch with refs/heads/", "config:\n  valueStream:\n    rework: {branchPatterns: ['refs/heads/hotfix/*']}", "/config/valueStream/rework/branchPatterns/0", "without refs/heads/ and with more than wildcards" },
        { "a rework branch of only wildcards", "config:\n  valueStream:\n    rework: {branchPatterns: ['*']}", "/config/valueStream/rework/branchPatterns/0", "without refs/heads/ and with more than wildcards" },
        { "a rework rule switched off and on", "config:\n  valueStream:\n    rework: {labels: ['', hotfix]}", "/config/valueStream/rework/labels/0", "switches the rule off and cannot be mixed" },
        { "a rework label with a space around it", "config:\n  valueStream:\n    rework: {labels: [' hotfix']}", "/config/valueStream/rework/labels/0", "a label without leading or trailing spaces" },
        { "a discovery interval in Go syntax", "config:\n  collection:\n    discoveryInterval: 30min", "/config/collection/discoveryInterval", "a .NET TimeSpan" },
        { "a reconcile interval as a number", "config:\n  collection:\n    reconcileInterval: 6", "/config/collection/reconcileInterval", "want string" },
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
        var file = Path.Combine(directory, "overlay.yaml");
        await File.WriteAllTextAsync(file, overlay, TestContext.Current.CancellationToken);

        var result = await HelmCli.TemplateAsync([file]);

        Assert.False(result.Succeeded, $"{scenario}: rendered");
        Assert.Contains("values don't meet the specifications of the schema", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"at '{location}'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(helmMessage, result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>What users write and the schema must accept: numbers, short durations, Quartz crons, per-credential Secrets.</summary>
    public static TheoryData<string, string> ValidValues => new()
    {
        { "an App ID as a number", "config:\n  github:\n    authentication: App\n    app: {appId: 424242}\nsecrets: {existingSecret: s}" },
        { "an App ID from the Secret", "config:\n  github:\n    authentication: App\nsecrets: {existingSecret: s, githubAppId: {key: app-id}}" },
        { "durations with units", "config:\n  github: {interval: 15m, backfill: 30d, overlap: 1h, rateLimit: {maxWait: 90s, secondaryBackoff: 1m}}\n  influxdb: {timeout: 1500ms}" },
        { "durations as the binary reads them", "config:\n  github: {interval: 1.5h, overlap: 90 S}\n  collection: {shutdownGrace: 20s}" },
        { "a seven-field Quartz cron", "config:\n  github:\n    cron: '0 0 6 ? * MON-FRI 2026'" },
        { "an InfluxDB token from another chart's Secret", "config:\n  influxdb: {url: 'http://influxdb:8086', org: o, bucket: b}\nsecrets:\n  influxdbToken: {existingSecret: influxdb-auth, key: admin-token}" },
        { "a Grafana label value as a number", "grafana:\n  dashboards: {enabled: true, labelValue: 1}" },
        { "PostgreSQL from parts", "replicaCount: 3\nstate:\n  postgresql: {enabled: true, host: pg-rw, database: app, username: app, sslMode: Require}\nsecrets:\n  postgresqlPassword: {existingSecret: pg-app, key: password}" },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void The_schema_accepts_what_users_write(string scenario, string overlay)
    {
        var values = ChartValues.Merge([YamlJson.Parse("image: {repository: ghcr.io/example/flowcollector}"), YamlJson.Parse(overlay)]);

        var errors = Evaluate(values);

        Assert.True(errors.Count == 0, $"{scenario}: {string.Join("; ", errors)}");
    }

    /// <summary>
    /// The schema's cron rule against the binary's own check (Quartz's <c>CronExpression.TryParse</c>, Worker's
    /// ScheduleValidator): the same verdict for each expression. The schema checks the shape (macros, the number of
    /// fields, their characters); a value out of range in the right shape (<c>60 * * * * ?</c>) is left to the binary.
    /// </summary>
    [Theory]
    [InlineData("0 */15 * * * ?")]
    [InlineData("0 0 6 ? * MON-FRI")]
    [InlineData("0 0 6 ? * MON-FRI 2026")]
    [InlineData("0 0/5 14,18 * * ?")]
    [InlineData("0 15 10 L * ?")]
    [InlineData("0 15 10 ? * 6#3")]
    [InlineData("0 15 10 ? * 6L")]
    [InlineData("0 0 12 1W * ?")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 */15 * * * *")]
    [InlineData("0 0 6 ? * ?")]
    [InlineData("0 0 6 * * MON")]
    [InlineData("@hourly")]
    [InlineData("@daily")]
    [InlineData("@weekly")]
    [InlineData("@monthly")]
    [InlineData("@yearly")]
    [InlineData("@annually")]
    [InlineData("@midnight")]
    [InlineData("@every 5m")]
    [InlineData("0 6 ? * MON")]
    [InlineData("0 0 6")]
    [InlineData("0 0 6 ? * MON 2026 extra")]
    public void The_schema_accepts_a_cron_exactly_when_the_binary_does(string cron)
    {
        var values = ChartValues.Merge([YamlJson.Parse("image: {repository: ghcr.io/example/flowcollector}"), new System.Text.Json.Nodes.JsonObject { ["config"] = new System.Text.Json.Nodes.JsonObject { ["github"] = new System.Text.Json.Nodes.JsonObject { ["cron"] = cron } } }]);

        var schemaAccepts = !Evaluate(values).Any(e => e.IsAt("/config/github/cron"));
        var binaryAccepts = Quartz.CronExpression.TryParse(cron, out _);

        Assert.True(schemaAccepts == binaryAccepts, $"'{cron}': schema {(schemaAccepts ? "accepts" : "refuses")}, Quartz {(binaryAccepts ? "accepts" : "refuses")}");
    }

    /// <summary>The template's own checks, for a release rendered with <c>--skip-schema-validation</c>.</summary>
    [Theory]
    [InlineData("replicaCount: 2", "replicaCount is 2 but must be 0 or 1 with the embedded state store")]
    [InlineData("image: {repository: ''}", "image.repository is empty: set it to a pullable image")]
    [InlineData("image: {repository: flowcollector}", "image.repository is \"flowcollector\": it must name its registry")]
    [InlineData("image: {repository: ghcr.io/example/flowcollector}\nsecrets: {existingSecret: s, githubAppId: {key: app-id}}\nconfig:\n  github:\n    authentication: App\n    app: {appId: 1}", "config.github.app.appId is \"1\" and secrets.githubAppId.key names a Secret key too")]
    [InlineData("image: {repository: ghcr.io/example/flowcollector}\nsecrets: {existingSecret: s}\nstate:\n  postgresql: {enabled: true, host: pg}", "state.postgresql.host is set but state.postgresql.database or username is empty")]
    [InlineData("config:\n  github:\n    repositories: [contoso/web]", "secrets.existingSecret is empty but the configuration needs Sources__GitHub__Token (key github-token)")]
    [InlineData("mode: cronjob", "mode is cronjob but persistence.enabled is false")]
    [InlineData("config:\n  github:\n    authentication: App", "config.github.authentication is App but config.github.app.appId is empty")]
    [InlineData("config:\n  github:\n    app: {appId: '424242'}", "a token and an app cannot both authenticate")]
    [InlineData("config:\n  github:\n    authentication: App\n    app: {appId: '424242'}", "secrets.existingSecret is empty but the configuration needs Sources__GitHub__App__PrivateKey (key github-app-private-key)")]
    [InlineData("secrets: {existingSecret: s}\nconfig:\n  azureDevOps:\n    projects: [{name: Web}]", "config.azureDevOps.organizationUrl is empty but config.azureDevOps.repositories or projects is not")]
    [InlineData("config:\n  github:\n    organizations: [{name: contoso}]", "secrets.existingSecret is empty but the configuration needs Sources__GitHub__Token (key github-token)")]
    [InlineData("config:\n  azureDevOps:\n    organizationUrl: https://dev.azure.com/fabrikam\n    projects: [{name: Web}]", "secrets.existingSecret is empty but the configuration needs Sources__AzureDevOps__Pat (key azure-devops-pat)")]
    [InlineData("secrets: {existingSecret: s}\nconfig:\n  github:\n    organizations: [{name: contoso}, {name: Contoso}]", "config.github.organizations[1].name is \"Contoso\", a duplicate of config.github.organizations[0].name")]
    [InlineData("secrets: {existingSecret: s}\nconfig:\n  azureDevOps:\n    organizationUrl: https://dev.azure.com/fabrikam\n    projects: [{name: Web}, {name: Data}, {name: web}]", "config.azureDevOps.projects[2].name is \"web\", a duplicate of config.azureDevOps.projects[0].name")]
    public async Task Without_the_schema_the_templates_still_refuse(string overlay, string message)
    {
        var file = Path.Combine(directory, "overlay.yaml");
        await File.WriteAllTextAsync(file, overlay, TestContext.Current.CancellationToken);

        string[] image = overlay.StartsWith("image:", StringComparison.Ordinal) ? [] : ["--set", "image.repository=ghcr.io/example/flowcollector"];
        var result = await HelmCli.TemplateAsync([file], ["--skip-schema-validation", .. image]);

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
            Location == location
            || (Message.Contains("false schema", StringComparison.Ordinal)
                && Location.StartsWith(location + "/", StringComparison.Ordinal)
                && !Location[(location.Length + 1)..].Contains('/', StringComparison.Ordinal));

        public override string ToString() => $"'{Location}': {Message}";
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
