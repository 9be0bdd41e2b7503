using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowCollector.Sources.GitHub;

// The wire shapes of the GraphQL documents in GitHubGraphQlDocuments: everything nullable, because GitHub nulls
// fields on partial errors and a missing field must fail with a message (GitHubGraphQlReader), not a default.

/// <summary>The POST body of a GraphQL request.</summary>
internal sealed record GraphQlRequest(string Query, string OperationName, GraphQlVariables Variables);

/// <summary>The union of the documents' variables; absent ones are not sent.</summary>
internal sealed record GraphQlVariables(string Owner, string Name)
{
    public int? First { get; init; }

    public int? Nested { get; init; }

    public int? Number { get; init; }

    public string? After { get; init; }
}

internal sealed class GraphQlResponse
{
    public GraphQlData? Data { get; set; }

    public List<GraphQlError>? Errors { get; set; }
}

internal sealed class GraphQlError
{
    /// <summary>GitHub's error type, e.g. <c>NOT_FOUND</c>, <c>FORBIDDEN</c>, <c>RATE_LIMITED</c>; absent for syntax and validation errors.</summary>
    public string? Type { get; set; }

    public string? Message { get; set; }

    public List<JsonElement>? Path { get; set; }
}

internal sealed class GraphQlData
{
    public GraphQlRateLimit? RateLimit { get; set; }

    public GraphQlRepository? Repository { get; set; }
}

internal sealed class GraphQlRateLimit
{
    public int Cost { get; set; }

    public int Remaining { get; set; }

    public DateTimeOffset ResetAt { get; set; }
}

internal sealed class GraphQlRepository
{
    public GraphQlRef? DefaultBranchRef { get; set; }

    public GraphQlConnection<GraphQlPullRequest>? PullRequests { get; set; }

    public GraphQlPullRequest? PullRequest { get; set; }
}

internal sealed class GraphQlRef
{
    public string? Name { get; set; }
}

internal sealed class GraphQlConnection<T>
{
    public int? TotalCount { get; set; }

    public GraphQlPageInfo? PageInfo { get; set; }

    public List<T?>? Nodes { get; set; }
}

internal sealed class GraphQlPageInfo
{
    public bool HasNextPage { get; set; }

    public string? EndCursor { get; set; }
}

internal sealed class GraphQlPullRequest
{
    public int Number { get; set; }

    public string? Url { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public bool IsDraft { get; set; }

    public DateTimeOffset? MergedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? BaseRefName { get; set; }

    public GraphQlActor? Author { get; set; }

    public GraphQlCommitRef? MergeCommit { get; set; }

    public GraphQlConnection<GraphQlPullRequestCommit>? Commits { get; set; }

    public GraphQlConnection<GraphQlReview>? Reviews { get; set; }

    public GraphQlConnection<GraphQlTimelineItem>? TimelineItems { get; set; }
}

/// <summary>A User, Bot, Organization, Mannequin or EnterpriseUserAccount (GitHub's <c>Actor</c> interface).</summary>
internal sealed class GraphQlActor
{
    public string? Login { get; set; }

    [JsonPropertyName("__typename")]
    public string? TypeName { get; set; }
}

internal sealed class GraphQlCommitRef
{
    public string? Oid { get; set; }
}

internal sealed class GraphQlPullRequestCommit
{
    public GraphQlCommit? Commit { get; set; }
}

internal sealed class GraphQlCommit
{
    public string? Oid { get; set; }

    public DateTimeOffset? AuthoredDate { get; set; }

    public GraphQlGitActor? Author { get; set; }
}

internal sealed class GraphQlGitActor
{
    public GraphQlActor? User { get; set; }
}

internal sealed class GraphQlReview
{
    public long? DatabaseId { get; set; }

    public GraphQlActor? Author { get; set; }

    public string? State { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }
}

internal sealed class GraphQlTimelineItem
{
    [JsonPropertyName("__typename")]
    public string? TypeName { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public GraphQlActor? Actor { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(GraphQlRequest))]
[JsonSerializable(typeof(GraphQlResponse))]
internal sealed partial class GitHubGraphQlJson : JsonSerializerContext;
