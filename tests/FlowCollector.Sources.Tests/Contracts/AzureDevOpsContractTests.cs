using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.Tests.AzureDevOps;
using FlowCollector.Testing.Contracts;
using FlowCollector.Testing.Simulation.AzureDevOps;

namespace FlowCollector.Sources.Tests.Contracts;

/// <summary>
/// Every Azure DevOps request is held against Microsoft's published REST 7.1 description (MicrosoftDocs/vsts-rest-api-specs,
/// extracted into tests/FlowCollector.Testing/Contracts/azure-devops-rest-7.1.tsv by build/contracts/extract-azure-devops.mjs).
/// The simulator applies the check to every request of every test; these tests show that the check can fail and that a
/// full read passes it.
/// </summary>
public sealed class AzureDevOpsContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, string?, ContractViolationKind?> Requests => new()
    {
        { "GET", "/Web/_apis/build/builds", "repositoryId=r&$top=100", "7.1", null },
        { "GET", "/Web/_apis/distributedtask/environments", "$top=100", "7.1-preview.1", null },
        { "GET", "/Web/_apis/distributedtask/environments/4/environmentdeploymentrecords", "top=100", "7.1-preview.1", null },
        { "GET", "/Web/_apis/build/changes", "fromBuildId=1&toBuildId=2&$top=1000", "7.1-preview.2", null },
        { "POST", "/_apis/wit/artifacturiquery", "", "7.1-preview.1", null }, // project is optional (x-ms-required: false)
        { "POST", "/Web/_apis/wit/wiql", "timePrecision=true", "7.1", null }, // so is team

        // The service refuses these with 400 VssInvalidPreviewVersionException.
        { "GET", "/Web/_apis/distributedtask/environments", "", "7.1", ContractViolationKind.PreviewVersionRequired },
        { "GET", "/Web/_apis/distributedtask/environments/4/environmentdeploymentrecords", "", "7.1", ContractViolationKind.PreviewVersionRequired },
        { "GET", "/Web/_apis/build/changes", "fromBuildId=1&toBuildId=2", "7.1", ContractViolationKind.PreviewVersionRequired },
        { "POST", "/Web/_apis/wit/artifacturiquery", "", "7.1", ContractViolationKind.PreviewVersionRequired },

        // Not the declared version, or none.
        { "GET", "/Web/_apis/build/builds", "", "7.0", ContractViolationKind.WrongApiVersion },
        { "GET", "/Web/_apis/build/changes", "", "7.1-preview.1", ContractViolationKind.WrongApiVersion },
        { "GET", "/Web/_apis/build/builds", "", null, ContractViolationKind.MissingApiVersion },

        // The service ignores an undeclared name silently: a page of its default size, or no filter at all.
        { "GET", "/Web/_apis/build/builds", "top=100", "7.1", ContractViolationKind.UnknownQueryParameter },
        { "GET", "/Web/_apis/distributedtask/environments/4/environmentdeploymentrecords", "$top=100", "7.1-preview.1", ContractViolationKind.UnknownQueryParameter },
        { "GET", "/Web/_apis/git/repositories/checkout/pullrequests", "searchCriteria.state=completed", "7.1", ContractViolationKind.UnknownQueryParameter },

        // Not an operation at all (wrong method or path).
        { "GET", "/Web/_apis/wit/artifacturiquery", "", "7.1-preview.1", ContractViolationKind.UnknownOperation },
        { "GET", "/Web/_apis/build/builds/7/stages", "", "7.1", ContractViolationKind.UnknownOperation },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void The_check_accepts_what_the_description_declares_and_refuses_the_rest(string method, string path, string query, string? version, ContractViolationKind? expected)
    {
        var violation = AzureDevOpsRestContract.Instance.Check(method, path, query, version);

        Assert.Equal(expected, violation?.Kind);
    }

    [Fact]
    public void The_table_names_its_source_and_the_operations_the_source_uses()
    {
        var contract = AzureDevOpsRestContract.Instance;

        Assert.Matches("^[0-9a-f]{40}$", contract.SourceCommit);
        Assert.InRange(contract.Operations.Count, 300, 1000);
        var records = contract.Find("GET", "/Web/_apis/distributedtask/environments/4/environmentdeploymentrecords".Split('/', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(("7.1-preview.1", true), (records?.ApiVersion, records?.IsPreview));
        Assert.Equal(["continuationToken", "top"], records!.QueryParameters.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_source_sends_the_version_the_table_requires_for_every_resource_it_reads()
    {
        // Every operation the source calls (AzureDevOpsClient.Path picks the version from the path alone).
        string[] paths =
        [
            "Web/_apis/git/repositories", "Web/_apis/git/repositories/checkout", "Web/_apis/git/repositories/checkout/pullrequests",
            "Web/_apis/git/repositories/checkout/pullrequests/7/commits", "Web/_apis/git/repositories/checkout/pullrequests/7/threads",
            "Web/_apis/git/repositories/checkout/pullrequests/7/workitems", "_apis/wit/artifacturiquery", "Web/_apis/wit/workitems",
            "Web/_apis/wit/wiql", "Web/_apis/build/builds", "Web/_apis/build/builds/7", "Web/_apis/build/builds/7/timeline",
            "Web/_apis/build/builds/7/changes", "Web/_apis/build/changes", "Web/_apis/distributedtask/environments",
            "Web/_apis/distributedtask/environments/4/environmentdeploymentrecords", "Web/_apis/release/deployments", "Web/_apis/release/releases/3",
        ];

        foreach (var path in paths)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var operation = AzureDevOpsRestContract.Instance.Find(path.Contains("wiql", StringComparison.Ordinal) || path.Contains("artifacturiquery", StringComparison.Ordinal) ? "POST" : "GET", segments);
            Assert.True(operation is not null, $"{path} is not in the published description");
            Assert.True(operation.ApiVersion == AzureDevOpsApiVersion.For(path), $"{path}: the source sends {AzureDevOpsApiVersion.For(path)}, the description requires {operation.ApiVersion}");
        }
    }

    [Fact]
    public async Task The_simulator_refuses_a_released_version_for_a_preview_resource_as_the_service_does()
    {
        var model = new SimulatedAzureDevOps();
        model.AddProject("Web").AddRepository("checkout");
        using var ado = new AzureDevOpsSimulator(model);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + ado.Pat)));

        using var released = await http.GetAsync(new Uri(ado.Url + "Web/_apis/distributedtask/environments?api-version=7.1"), TestContext.Current.CancellationToken);
        using var preview = await http.GetAsync(new Uri(ado.Url + "Web/_apis/distributedtask/environments?api-version=7.1-preview.1"), TestContext.Current.CancellationToken);
        using var misnamed = await http.GetAsync(new Uri(ado.Url + "Web/_apis/build/builds?top=5&api-version=7.1"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, released.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await released.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("VssInvalidPreviewVersionException", body.RootElement.GetProperty("typeName").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("The requested version \"7.1\" of the resource is under preview.", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, misnamed.StatusCode);
        Assert.Equal([ContractViolationKind.PreviewVersionRequired, ContractViolationKind.UnknownQueryParameter], ado.ContractViolations.Select(v => v.Kind));
    }

    [Fact]
    public async Task A_full_read_with_every_option_on_sends_only_requests_of_the_published_description()
    {
        var model = SimulatedAzureDevOps.Generate(7, projects: 1, reposPerProject: 1, prsPerRepo: 40, Start);
        var project = model.Projects[0];
        var target = $"{project.Name}/{project.Repositories[0].Name}";
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, [target], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:ReadReleases"] = "true",
            ["Sources:AzureDevOps:ReadIncidents"] = "true",
            ["Sources:AzureDevOps:ReleaseManagementUrl"] = ado.Url,
        });

        var read = await host.ReadAsync(target, Start.AddDays(-1));

        Assert.NotEmpty(read.Events);
        Assert.Empty(ado.ContractViolations);
        var operations = ado.Requests
            .Select(r => AzureDevOpsRestContract.Instance.Find(r.Method, r.RawPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Uri.UnescapeDataString).ToArray())?.Template)
            .ToHashSet();
        Assert.DoesNotContain(null, operations);
        Assert.Contains("/{organization}/{project}/_apis/distributedtask/environments/{environmentId}/environmentdeploymentrecords", operations);
        Assert.Contains("/{organization}/{project}/_apis/build/builds/{buildId}/timeline", operations);
        Assert.True(operations.Count >= 9, string.Join('\n', operations));
    }

    [Fact]
    public async Task What_the_simulator_answers_validates_against_the_published_response_schemas()
    {
        using var stream = typeof(AzureDevOpsRestContract).Assembly.GetManifestResourceStream("FlowCollector.Testing.Contracts.azure-devops-rest-7.1.schemas.json")!;
        using var schemas = await System.Text.Json.JsonDocument.ParseAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        var validator = new OpenApiSchemaValidator(schemas.RootElement, nullsAllowed: true);
        var model = SimulatedAzureDevOps.Generate(9, projects: 1, reposPerProject: 1, prsPerRepo: 30, Start);
        var project = model.Projects[0];
        var target = $"{project.Name}/{project.Repositories[0].Name}";
        using var ado = new AzureDevOpsSimulator(model);
        using (var host = AzureDevOpsSourceHost.For(ado, [target], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadReleases"] = "true", ["Sources:AzureDevOps:ReleaseManagementUrl"] = ado.Url }))
        {
            await host.ReadAsync(target, Start.AddDays(-1));
        }

        // Ask again for one request of each operation the read used (GETs: a POST's body is not in the log) and
        // validate the answer; Azure DevOps wraps a list in {"count","value"}, the description shows the list.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + ado.Pat)));
        var root = new Uri(ado.Url);
        var failures = new List<string>();
        var checkedOperations = new List<string>();
        var operations = schemas.RootElement.GetProperty("operations");
        foreach (var group in ado.Requests.Where(r => r.Method == "GET" && r.StatusCode == 200)
            .GroupBy(r => AzureDevOpsRestContract.Instance.Find("GET", r.RawPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Uri.UnescapeDataString).ToArray())?.Template))
        {
            var template = group.Key!;
            var key = "GET " + (template.EndsWith("/timeline", StringComparison.Ordinal) ? template + "/{timelineId}" : template);
            if (!operations.TryGetProperty(key, out var schema))
            {
                failures.Add($"{key}: no response schema extracted (add it to build/contracts/extract-azure-devops.mjs)");
                continue;
            }

            var request = group.First();
            var relative = string.Join('/', request.RawPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1));
            using var body = await System.Text.Json.JsonDocument.ParseAsync(
                await http.GetStreamAsync(new Uri(root, relative + "?" + request.Query), TestContext.Current.CancellationToken), cancellationToken: TestContext.Current.CancellationToken);
            var value = schema.TryGetProperty("type", out var type) && type.GetString() == "array" && body.RootElement.TryGetProperty("value", out var list) ? list : body.RootElement;

            failures.AddRange(validator.Validate(schema, value).Select(e => System.Text.RegularExpressions.Regex.Replace(e, @"\[\d+\]", "[]")).Distinct().Take(10).Select(e => $"{key}: {e}"));
            checkedOperations.Add(key);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedOperations.Count >= 10, string.Join('\n', checkedOperations));

        // The check can fail: a thread whose id is text and whose status is not one the description lists.
        using var broken = System.Text.Json.JsonDocument.Parse("""[{"id": "seven", "status": "resolvedish"}]""");
        var threads = operations.GetProperty("GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads");
        var errors = validator.Validate(threads, broken.RootElement);
        Assert.Contains(errors, e => e.StartsWith("$[0].id:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$[0].status:", StringComparison.Ordinal));
    }
}
