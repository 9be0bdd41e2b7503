using System.Text.Json.Nodes;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// How the chart fits into a platform: credentials from other charts' Secrets, a numeric GitHub App id, PostgreSQL
/// replicas without a shared claim, the extension points (a corporate CA bundle), Entra ID egress.
/// </summary>
public sealed class ChartIntegrationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-chart-integration-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_GitHub_App_id_written_as_a_number_reaches_the_configuration_as_its_digits()
    {
        var fromFile = await HelmCli.RenderAsync([RepositoryPaths.CiValues("github-app-secret-values.yaml")]);
        var fromSet = await HelmCli.TemplateAsync([RepositoryPaths.CiValues("github-app-secret-values.yaml")], "--set", "config.github.app.appId=12345678");

        Assert.Equal("123456", (string?)JsonNode.Parse(fromFile.ConfigJson())!["Sources"]!["GitHub"]!["App"]!["AppId"]);
        Assert.True(fromSet.Succeeded, fromSet.ToString());
        Assert.Equal("12345678", (string?)JsonNode.Parse(RenderedChart.Parse(fromSet.Stdout).ConfigJson())!["Sources"]!["GitHub"]!["App"]!["AppId"]);
    }

    [Fact]
    public async Task A_GitHub_App_id_can_come_from_the_Secret()
    {
        var chart = await RenderAsync("github-app-values.yaml", "config:\n  github:\n    app: {appId: ''}\nsecrets:\n  githubAppId: {existingSecret: github-app, key: app-id}\n");

        var references = RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer());
        Assert.Contains(new RenderedManifestTests.SecretReference("Sources__GitHub__App__AppId", "github-app", "app-id", "files"), references);
        Assert.Null(JsonNode.Parse(chart.ConfigJson())!["Sources"]!["GitHub"]!["App"]!["AppId"]);
    }

    [Fact]
    public async Task PostgreSQL_replicas_get_no_claim_and_spread_over_zones()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("postgresql-cnpg-values.yaml")]);
        var pod = chart.CollectorPodSpec();

        Assert.Empty(chart.OfKind("PersistentVolumeClaim"));
        var state = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "state")!;
        Assert.NotNull(state["emptyDir"]);
        Assert.Null(state["persistentVolumeClaim"]);
        Assert.Equal(3, chart.Single("Deployment")["spec"]!["replicas"]!.GetValue<long>());
        var spread = Assert.Single(pod["topologySpreadConstraints"]!.AsArray())!;
        Assert.Equal(HelmCli.ReleaseName, (string?)spread["labelSelector"]!["matchLabels"]!["app.kubernetes.io/instance"]);
    }

    [Fact]
    public async Task PostgreSQL_from_host_database_user_and_a_password_Secret_is_composed_by_Kubernetes()
    {
        var chart = await RenderAsync("postgresql-values.yaml", "state:\n  postgresql: {host: pg-rw.db, port: 5433, database: flow, username: flow, sslMode: Require}\nsecrets:\n  postgresqlPassword: {existingSecret: pg-app, key: password}\n");
        var env = chart.CollectorContainer()["env"]!.AsArray().Select(e => e!.AsObject()).ToList();

        var password = env.FindIndex(e => (string?)e["name"] == "FLOWCOLLECTOR_POSTGRESQL_PASSWORD");
        var connection = env.FindIndex(e => (string?)e["name"] == "State__PostgreSql__ConnectionString");
        Assert.True(password >= 0 && connection > password, "the password variable must be defined before the connection string that refers to it");
        Assert.Equal(("pg-app", "password"), ((string?)env[password]["valueFrom"]!["secretKeyRef"]!["name"], (string?)env[password]["valueFrom"]!["secretKeyRef"]!["key"]));
        Assert.Equal("Host=pg-rw.db;Port=5433;Database=flow;Username=flow;Password=\"$(FLOWCOLLECTOR_POSTGRESQL_PASSWORD)\";SSL Mode=Require", (string?)env[connection]["value"]);
        Assert.DoesNotContain(RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer()), r => r.Variable == "State__PostgreSql__ConnectionString");

        // What the container gets after Kubernetes substitutes the password is a connection string the binary accepts.
        var composed = ((string)env[connection]["value"]!).Replace("$(FLOWCOLLECTOR_POSTGRESQL_PASSWORD)", "p;a=s's", StringComparison.Ordinal);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(composed);
        Assert.Equal(("pg-rw.db", 5433, "flow", "flow", "p;a=s's"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
    }

    [Fact]
    public async Task A_CA_bundle_is_mounted_through_the_extension_points()
    {
        var chart = await HelmCli.RenderAsync([RepositoryPaths.CiValues("ca-bundle-values.yaml")]);
        var pod = chart.CollectorPodSpec();
        var container = chart.CollectorContainer();

        Assert.Contains(pod["volumes"]!.AsArray(), v => (string?)v!["name"] == "corporate-ca" && (string?)v["configMap"]?["name"] == "corporate-ca-bundle");
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "corporate-ca" && (string?)m["mountPath"] == "/etc/flowcollector/ca");
        Assert.Contains(container["env"]!.AsArray(), e => (string?)e!["name"] == "SSL_CERT_FILE" && (string?)e["value"] == "/etc/flowcollector/ca/ca-bundle.crt");
        Assert.Equal("corporate-proxy", (string?)Assert.Single(container["envFrom"]!.AsArray())!["configMapRef"]!["name"]);
        Assert.Equal("wait-for-ca", (string?)Assert.Single(pod["initContainers"]!.AsArray())!["name"]);
        Assert.All(chart.Manifests, m => Assert.Equal("platform", (string?)m["metadata"]!["labels"]?["team"]));
    }

    [Fact]
    public async Task A_credential_set_in_extraEnv_is_not_mounted_so_extraEnv_wins()
    {
        var chart = await RenderAsync("default-values.yaml", "extraEnv:\n  - name: Sources__GitHub__Token\n    valueFrom: {secretKeyRef: {name: github-bot, key: token}}\n");

        Assert.DoesNotContain(RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer()), r => r.Via == "files");
        var env = Assert.Single(chart.CollectorContainer()["env"]!.AsArray(), e => (string?)e!["name"] == "Sources__GitHub__Token")!;
        Assert.Equal("github-bot", (string?)env["valueFrom"]!["secretKeyRef"]!["name"]);
    }

    [Fact]
    public async Task Credentials_as_environment_variables_come_from_each_credentials_own_Secret()
    {
        var chart = await RenderAsync("influxdb2-values.yaml", "secrets:\n  influxdbToken: {existingSecret: influxdb-influxdb2-auth, key: admin-token}\n");

        var references = RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer());
        Assert.Equal(
            [new("Sinks__InfluxDb__Token", "influxdb-influxdb2-auth", "admin-token", "env"), new RenderedManifestTests.SecretReference("Sources__GitHub__Token", "flowcollector-credentials", "GITHUB_TOKEN", "env")],
            references);
    }

    [Fact]
    public async Task An_extraEnv_override_matches_the_variable_as_the_binary_reads_it()
    {
        var chart = await RenderAsync("default-values.yaml", "extraEnv:\n  - name: SOURCES__GITHUB__TOKEN\n    valueFrom: {secretKeyRef: {name: github-bot, key: token}}\n");

        var reference = Assert.Single(RenderedManifestTests.SecretReferences(chart.CollectorPodSpec(), chart.CollectorContainer()));
        Assert.Equal(new RenderedManifestTests.SecretReference("SOURCES__GITHUB__TOKEN", "github-bot", "token", "env"), reference);
    }

    [Theory]
    [InlineData("WorkloadIdentity", 443, "0.0.0.0/0")]
    [InlineData("ClientSecret", 443, "0.0.0.0/0")]
    [InlineData("ManagedIdentity", 80, "169.254.169.254/32")]
    public async Task The_NetworkPolicy_lets_Entra_ID_token_requests_out(string credential, long port, string cidr)
    {
        // Azure DevOps restricted to its own peers, so only the Entra rule can let the token request out.
        var chart = await RenderAsync(
            "azure-devops-entra-values.yaml",
            $"config:\n  azureDevOps:\n    entraId: {{credential: {credential}}}\nsecrets:\n  azureDevOpsClientSecret: {{key: client-secret}}\nnetworkPolicy:\n  azureDevOpsTo: [{{ipBlock: {{cidr: 13.107.6.0/24}}}}]\n");

        var egress = chart.Single("NetworkPolicy")["spec"]!["egress"]!.AsArray();
        Assert.Contains(egress, rule =>
            rule!["ports"]!.AsArray().Any(p => p!["port"]!.GetValue<long>() == port)
            && rule["to"]!.AsArray().Any(peer => (string?)peer!["ipBlock"]?["cidr"] == cidr));
    }

    private async Task<RenderedChart> RenderAsync(string valuesFile, string overlay)
    {
        var file = Path.Combine(directory, $"overlay-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, overlay, TestContext.Current.CancellationToken);
        var result = await HelmCli.TemplateAsync([RepositoryPaths.CiValues(valuesFile), file]);
        Assert.True(result.Succeeded, result.ToString());
        return RenderedChart.Parse(result.Stdout);
    }
}
