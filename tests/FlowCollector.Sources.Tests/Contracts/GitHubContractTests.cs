using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowCollector.Sources.Tests.GitHub;
using FlowCollector.Testing;
using FlowCollector.Testing.Contracts;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.Contracts;

/// <summary>
/// Every GitHub REST request is held against GitHub's published OpenAPI description (npm <c>@octokit/openapi</c>,
/// extracted into tests/FlowCollector.Testing/Contracts/github-rest.tsv by build/contracts/extract-github.mjs); the
/// simulator applies the check to every request of every test. Here: the check can fail, full reads pass it, the
/// committed table equals a fresh extraction, and what the simulator answers validates against the operations' schemas.
/// </summary>
public sealed class GitHubContractTests
{
    private const string OpenApiVariable = "FLOWCOLLECTOR_GITHUB_OPENAPI";
    private const string OpenApiPackage = "@octokit/openapi@23.0.2";
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, ContractViolationKind?> Requests => new()
    {
        { "GET", "/repos/acme/web/pulls", "state=all&sort=updated&direction=desc&per_page=100", null },
        { "GET", "/repositories/123/pulls", "state=all&per_page=100&page=2", null }, // GitHub's page links
        { "GET", "/repos/acme/web/actions/runs", "branch=main&created=>=2026-03-01&per_page=100", null },
        { "GET", "/repos/acme/web/compare/abc...def", "per_page=100", null },
        { "GET", "/repos/acme/web/pulls", "since=2026-03-01", ContractViolationKind.UnknownQueryParameter }, // pulls have no since
        { "GET", "/repos/acme/web/deployments", "per_page=100&status=success", ContractViolationKind.UnknownQueryParameter },
        { "GET", "/repos/acme/web/actions/runs", "perPage=100", ContractViolationKind.UnknownQueryParameter },
        { "GET", "/repos/acme/web/pulls/7/timeline", "", ContractViolationKind.UnknownOperation },
        { "POST", "/repos/acme/web/pulls/7/reviews/1/comments", "", ContractViolationKind.UnknownOperation },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void The_check_accepts_what_the_description_declares_and_refuses_the_rest(string method, string path, string query, ContractViolationKind? expected)
    {
        Assert.Equal(expected, GitHubRestContract.Instance.Check(method, path, query)?.Kind);
    }

    [Theory]
    [InlineData("Rest")]
    [InlineData("GraphQl")]
    public async Task A_full_read_sends_only_requests_of_the_published_description(string api)
    {
        var model = SimulatedGitHub.Generate(seed: 7, repositories: 1, pullRequestsPerRepository: 60, T0.AddDays(-20), new GitHubGenerationOptions { Now = T0 });
        var repository = model.Repositories[0].FullName;
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [repository], new Dictionary<string, string?>
        {
            ["Sources:GitHub:Api"] = api,
            ["Sources:GitHub:IncidentLabels:0"] = "incident",
        });

        var read = await host.ReadAsync(repository, T0.AddDays(-30));

        Assert.NotEmpty(read.Events);
        Assert.Empty(github.ContractViolations);
        var rest = github.Requests.Where(r => !r.Path.EndsWith("graphql", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rest);
        Assert.All(rest, r => Assert.NotNull(GitHubRestContract.Instance.Find(r.Method, r.RawPath)));
    }

    [Fact]
    public void The_committed_table_is_what_the_extraction_gives_for_the_installed_description()
    {
        var package = OpenApiDirectory();
        var root = RepositoryRoot();
        using var node = Process.Start(new ProcessStartInfo("node", [Path.Combine(root, "build", "contracts", "extract-github.mjs"), package])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var extracted = node.StandardOutput.ReadToEnd();
        node.WaitForExit();

        Assert.True(node.ExitCode == 0, node.StandardError.ReadToEnd());
        var committed = File.ReadAllText(Path.Combine(root, "tests", "FlowCollector.Testing", "Contracts", "github-rest.tsv"));
        Assert.True(
            string.Equals(committed.ReplaceLineEndings("\n"), extracted.ReplaceLineEndings("\n"), StringComparison.Ordinal),
            $"github-rest.tsv differs from {package}: run node build/contracts/extract-github.mjs {package} > tests/FlowCollector.Testing/Contracts/github-rest.tsv");
        Assert.Contains(OpenApiPackage, committed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_the_simulator_answers_validates_against_the_operations_response_schemas()
    {
        using var description = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OpenApiDirectory(), "generated", "api.github.com.json")));
        var validator = new OpenApiSchemaValidator(description.RootElement);
        var model = SimulatedGitHub.Generate(seed: 11, repositories: 1, pullRequestsPerRepository: 40, T0.AddDays(-15), new GitHubGenerationOptions { Now = T0 });
        var repository = model.Repositories[0].FullName;
        using var github = new GitHubSimulator(model);
        using (var host = GitHubSourceHost.For(github, [repository], new Dictionary<string, string?> { ["Sources:GitHub:Api"] = "Rest", ["Sources:GitHub:IncidentLabels:0"] = "incident" }))
        {
            await host.ReadAsync(repository, T0.AddDays(-30));
        }

        // Ask again for one request of each operation the read used, and validate the answer against its 200 schema.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", github.Token);
        var baseUri = new Uri(github.Url.TrimEnd('/'));
        var checkedOperations = new List<string>();
        var failures = new List<string>();
        foreach (var request in github.Requests.Where(r => r.Method == "GET" && r.StatusCode == 200).DistinctBy(r => GitHubRestContract.Instance.Find(r.Method, r.RawPath)?.Template))
        {
            var operation = GitHubRestContract.Instance.Find(request.Method, request.RawPath)!;
            var schema = description.RootElement.GetProperty("paths").GetProperty(operation.Template).GetProperty("get")
                .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var uri = new Uri(baseUri, request.RawPath + (request.Query.Length > 0 ? "?" + request.Query : ""));
            using var body = JsonDocument.Parse(await http.GetStringAsync(uri, TestContext.Current.CancellationToken));

            var errors = validator.Validate(schema, body.RootElement);

            failures.AddRange(errors.Select(e => Regex.Replace(e, @"\[\d+\]", "[]")).Distinct().Take(10).Select(e => $"{operation.OperationId}: {e}"));
            checkedOperations.Add(operation.OperationId);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Contains("pulls/list", checkedOperations);
        Assert.Contains("actions/list-workflow-runs-for-repo", checkedOperations);
        Assert.Contains("repos/list-deployments", checkedOperations);
        Assert.True(checkedOperations.Count >= 6, string.Join(", ", checkedOperations));
    }

    [Fact]
    public void The_validator_finds_a_payload_that_breaks_the_schema()
    {
        using var description = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OpenApiDirectory(), "generated", "api.github.com.json")));
        var validator = new OpenApiSchemaValidator(description.RootElement);
        var schema = description.RootElement.GetProperty("paths").GetProperty("/repos/{owner}/{repo}/actions/runs").GetProperty("get")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        using var good = JsonDocument.Parse("""{"total_count": 0, "workflow_runs": []}""");
        using var missing = JsonDocument.Parse("""{"workflow_runs": []}""");
        using var wrongType = JsonDocument.Parse("""{"total_count": "7", "workflow_runs": []}""");

        Assert.Empty(validator.Validate(schema, good.RootElement));
        Assert.Contains(validator.Validate(schema, missing.RootElement), e => e.Contains("'total_count' is missing", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(schema, wrongType.RootElement), e => e.Contains("$.total_count", StringComparison.Ordinal));
    }

    /// <summary>The installed @octokit/openapi package: <c>FLOWCOLLECTOR_GITHUB_OPENAPI</c> (set by .ci/run), else the npm install under the repository's .tools.</summary>
    private static string OpenApiDirectory() => PublishedDescriptions.Locate(OpenApiVariable, OpenApiPackage, "", "generated/api.github.com.json");

    private static string RepositoryRoot() => PublishedDescriptions.RepositoryRoot();
}
