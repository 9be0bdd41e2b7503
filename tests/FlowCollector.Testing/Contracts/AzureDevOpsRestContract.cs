using System.Collections.Frozen;

namespace FlowCollector.Testing.Contracts;

/// <summary>
/// The Azure DevOps REST 7.1 operations of Microsoft's published description (MicrosoftDocs/vsts-rest-api-specs),
/// as extracted into azure-devops-rest-7.1.tsv by build/contracts/extract-azure-devops.mjs: what the simulator holds
/// every request against, so a request the real service would refuse or silently misread fails every test that sends it.
/// </summary>
public sealed class AzureDevOpsRestContract
{
    private const string Resource = "FlowCollector.Testing.Contracts.azure-devops-rest-7.1.tsv";

    private static readonly Lazy<AzureDevOpsRestContract> Published = new(Load);

    private readonly IReadOnlyList<Operation> operations;

    private AzureDevOpsRestContract(IReadOnlyList<Operation> operations)
    {
        this.operations = operations;
    }

    /// <summary>The committed table.</summary>
    public static AzureDevOpsRestContract Instance => Published.Value;

    /// <summary>The description commit the table was extracted from (its second header line).</summary>
    public string SourceCommit { get; private init; } = "";

    public IReadOnlyList<Operation> Operations => operations;

    /// <summary>
    /// Checks one request. <paramref name="path"/> is relative to the organisation or collection (<c>/{project}/_apis/…</c>
    /// or <c>/_apis/…</c>), unescaped; <paramref name="query"/> the raw query string without '?'; <paramref name="apiVersion"/>
    /// what the request asked for (query or Accept header). Null when the request is one the description declares.
    /// </summary>
    public ContractViolation? Check(string method, string path, string query, string? apiVersion)
    {
        ArgumentNullException.ThrowIfNull(path);
        var operation = Find(method, PathTemplates.Segments(path));
        if (operation is null)
        {
            return new ContractViolation(ContractViolationKind.UnknownOperation, $"{method} {path} is not an operation of the published Azure DevOps REST 7.1 description");
        }

        if (apiVersion is null)
        {
            return new ContractViolation(ContractViolationKind.MissingApiVersion, $"{method} {path} carries no api-version ({operation.Template} declares {operation.ApiVersion})");
        }

        if (!string.Equals(apiVersion, operation.ApiVersion, StringComparison.OrdinalIgnoreCase))
        {
            var kind = operation.IsPreview && !apiVersion.Contains("-preview", StringComparison.OrdinalIgnoreCase)
                ? ContractViolationKind.PreviewVersionRequired
                : ContractViolationKind.WrongApiVersion;
            return new ContractViolation(kind, $"{method} {operation.Template}: api-version {apiVersion} where the description declares {operation.ApiVersion}");
        }

        foreach (var name in PathTemplates.QueryNames(query))
        {
            if (!string.Equals(name, "api-version", StringComparison.OrdinalIgnoreCase) && !operation.QueryParameters.Contains(name))
            {
                return new ContractViolation(
                    ContractViolationKind.UnknownQueryParameter,
                    $"{method} {operation.Template}: query parameter '{name}' is not declared (the service ignores it silently); declared: {string.Join(", ", operation.QueryParameters.Order(StringComparer.Ordinal))}");
            }
        }

        return null;
    }

    /// <summary>The operation a request path resolves to (same method, <see cref="PathTemplates.BestMatch"/>).</summary>
    public Operation? Find(string method, IReadOnlyList<string> segments) =>
        PathTemplates.BestMatch(operations.Where(o => string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase)), o => o.Segments, segments);

    private static AzureDevOpsRestContract Load()
    {
        var header = new List<string>();
        var operations = new List<Operation>();
        foreach (var columns in PathTemplates.ReadTable(Resource, header))
        {
            if (columns.Length < 6)
            {
                continue;
            }

            // Paths start with /{organization}: requests are checked relative to the organisation.
            var template = columns[2];
            var relative = template.StartsWith("/{organization}", StringComparison.Ordinal) ? template["/{organization}".Length..] : template;
            var preview = columns[4];
            operations.Add(new Operation(
                columns[0],
                columns[1],
                template,
                PathTemplates.Segments(relative),
                preview.Length > 0 ? preview : columns[3],
                preview.Length > 0 || columns[3].Contains("-preview", StringComparison.Ordinal),
                columns[5].Split(',', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.OrdinalIgnoreCase)));
        }

        var source = header.FirstOrDefault(h => h.Contains("vsts-rest-api-specs at ", StringComparison.Ordinal)) ?? "";
        return new AzureDevOpsRestContract(operations) { SourceCommit = source.Length == 0 ? "" : source[(source.IndexOf(" at ", StringComparison.Ordinal) + 4)..].Trim() };
    }

    /// <summary>One operation: <see cref="ApiVersion"/> is what a client must send (the preview version where the resource is preview).</summary>
    public sealed record Operation(string Method, string Host, string Template, string[] Segments, string ApiVersion, bool IsPreview, FrozenSet<string> QueryParameters);
}

public enum ContractViolationKind
{
    UnknownOperation,
    MissingApiVersion,
    PreviewVersionRequired,
    WrongApiVersion,
    UnknownQueryParameter,
}

/// <summary>Why a request does not match the published description.</summary>
public sealed record ContractViolation(ContractViolationKind Kind, string Message);
