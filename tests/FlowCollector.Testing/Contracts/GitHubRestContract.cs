using System.Collections.Frozen;

namespace FlowCollector.Testing.Contracts;

/// <summary>
/// GitHub's REST operations as its published OpenAPI description declares them (npm <c>@octokit/openapi</c>,
/// api.github.com), extracted into github-rest.tsv by build/contracts/extract-github.mjs: the GitHub simulator holds
/// every REST request against it, so a path or query parameter GitHub does not have fails the test that sent it.
/// </summary>
public sealed class GitHubRestContract
{
    private const string Resource = "FlowCollector.Testing.Contracts.github-rest.tsv";

    private static readonly Lazy<GitHubRestContract> Published = new(Load);

    private GitHubRestContract(IReadOnlyList<Operation> operations, string package)
    {
        Operations = operations;
        Package = package;
    }

    public static GitHubRestContract Instance => Published.Value;

    public IReadOnlyList<Operation> Operations { get; }

    /// <summary>The npm package and version the table was extracted from, e.g. <c>@octokit/openapi@23.0.2</c>.</summary>
    public string Package { get; }

    /// <summary>
    /// Checks one request; <paramref name="path"/> without a GitHub Enterprise Server <c>/api/v3</c> prefix. GitHub's own
    /// page links address a repository as <c>/repositories/{id}</c> (recorded responses), which the description does
    /// not list: such a path is checked as the <c>/repos/{owner}/{repo}</c> operation it pages.
    /// </summary>
    public ContractViolation? Check(string method, string path, string query)
    {
        var operation = Find(method, path);
        if (operation is null)
        {
            return new ContractViolation(ContractViolationKind.UnknownOperation, $"{method} {path} is not an operation of GitHub's published REST description");
        }

        foreach (var name in PathTemplates.QueryNames(query))
        {
            if (!operation.QueryParameters.Contains(name))
            {
                return new ContractViolation(
                    ContractViolationKind.UnknownQueryParameter,
                    $"{method} {operation.Template} ({operation.OperationId}): query parameter '{name}' is not declared (GitHub ignores it); declared: {string.Join(", ", operation.QueryParameters.Order(StringComparer.Ordinal))}");
            }
        }

        return null;
    }

    public Operation? Find(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = PathTemplates.Segments(path);
        if (segments is ["repositories", _, ..])
        {
            segments = ["repos", "{owner}", "{repo}", .. segments[2..]];
        }

        return PathTemplates.BestMatch(Operations.Where(o => string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase)), o => o.Segments, segments);
    }

    private static GitHubRestContract Load()
    {
        var header = new List<string>();
        var operations = PathTemplates.ReadTable(Resource, header)
            .Where(c => c.Length >= 4)
            .Select(c => new Operation(c[0], c[1], c[2], PathTemplates.Segments(c[1]), c[3].Split(',', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal)))
            .ToList();
        var source = header.FirstOrDefault(h => h.Contains("@octokit/openapi@", StringComparison.Ordinal)) ?? "";
        var at = source.IndexOf("@octokit/openapi@", StringComparison.Ordinal);
        return new GitHubRestContract(operations, at < 0 ? "" : source[at..].Split(' ')[0]);
    }

    /// <summary>One operation; GitHub's query parameter names are case-sensitive.</summary>
    public sealed record Operation(string Method, string Template, string OperationId, string[] Segments, FrozenSet<string> QueryParameters);
}
