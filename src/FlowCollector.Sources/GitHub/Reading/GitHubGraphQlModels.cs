using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowCollector.Sources.GitHub.Reading;

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

    /// <summary>Issues per pull request of <see cref="GitHubGraphQlDocuments.PullRequestsWithLinkedIssuesByUpdate"/>.</summary>
    public int? Linked { get; init; }

    public string? After { get; init; }

    /// <summary>A node id (<c>node(id:)</c>).</summary>
    public string? Id { get; init; }

    /// <summary>A <c>GitTimestamp</c> (ISO 8601) for <c>history(since:)</c>.</summary>
    public string? Since { get; init; }
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

    /// <summary><c>node(id:)</c>: a deployment, the only node type asked for.</summary>
    public GraphQlDeployment? Node { get; set; }
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

    public GraphQlConnection<GraphQlDeployment>? Deployments { get; set; }

    public GraphQlConnection<GraphQlRelease>? Releases { get; set; }
}

internal sealed class GraphQlRelease
{
    public long? DatabaseId { get; set; }

    public string? TagName { get; set; }

    public bool IsDraft { get; set; }

    public bool IsPrerelease { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Null for a draft.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    public string? Url { get; set; }

    /// <summary>The commit the tag points to (through an annotated tag object, if any); null when the tag does not exist yet.</summary>
    public GraphQlCommitRef? TagCommit { get; set; }
}

internal sealed class GraphQlRef
{
    public string? Name { get; set; }

    /// <summary>The commit the branch points to (a <c>GitObject</c>; only <c>Commit</c> has <c>history</c>).</summary>
    public GraphQlTarget? Target { get; set; }
}

internal sealed class GraphQlTarget
{
    [JsonPropertyName("__typename")]
    public string? TypeName { get; set; }

    public GraphQlConnection<GraphQlHistoryCommit>? History { get; set; }
}

internal sealed class GraphQlHistoryCommit
{
    public string? Oid { get; set; }

    public DateTimeOffset? CommittedDate { get; set; }

    public GraphQlConnection<GraphQlCommitRef>? Parents { get; set; }

    /// <summary>Only with <see cref="GitHubGraphQlDocuments.DirectCommits"/>.</summary>
    public DateTimeOffset? AuthoredDate { get; set; }

    /// <summary>Only with <see cref="GitHubGraphQlDocuments.DirectCommits"/>: the commit's web page.</summary>
    public string? Url { get; set; }

    public GraphQlGitActor? Author { get; set; }

    public GraphQlConnection<GraphQlCommitRef>? AssociatedPullRequests { get; set; }
}

internal sealed class GraphQlDeployment
{
    /// <summary>The node id, for <c>node(id:)</c> when the statuses need more than one page.</summary>
    public string? Id { get; set; }

    public long? DatabaseId { get; set; }

    public string? CommitOid { get; set; }

    public string? Environment { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public GraphQlConnection<GraphQlDeploymentStatus>? Statuses { get; set; }
}

internal sealed class GraphQlDeploymentStatus
{
    /// <summary>Upper case (<c>IN_PROGRESS</c>); REST spells it <c>in_progress</c>.</summary>
    public string? State { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>REST's <c>target_url</c> is the deprecated name of <c>log_url</c>.</summary>
    public string? LogUrl { get; set; }
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

    public string? HeadRefName { get; set; }

    public string? Title { get; set; }

    public GraphQlActor? Author { get; set; }

    public GraphQlCommitRef? MergeCommit { get; set; }

    public GraphQlConnection<GraphQlPullRequestCommit>? Commits { get; set; }

    public GraphQlConnection<GraphQlReview>? Reviews { get; set; }

    public GraphQlConnection<GraphQlTimelineItem>? TimelineItems { get; set; }

    /// <summary>The issues it closes (only with <see cref="GitHubGraphQlDocuments.PullRequestsWithLinkedIssuesByUpdate"/>).</summary>
    public GraphQlConnection<GraphQlIssueRef>? ClosingIssuesReferences { get; set; }
}

/// <summary>A User, Bot, Organization, Mannequin or EnterpriseUserAccount (GitHub's <c>Actor</c> interface).</summary>
internal sealed class GraphQlActor
{
    public string? Login { get; set; }

    [JsonPropertyName("__typename")]
    public string? TypeName { get; set; }
}

internal sealed class GraphQlIssueRef
{
    public int Number { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }
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

    /// <summary>
    /// When the review was started: a pending review is created with the first comment its reviewer drafts, so this is
    /// that comment's creation (schema: <c>PullRequestReview.createdAt</c>); for a review submitted without drafting, its submission.
    /// </summary>
    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }
}

internal sealed class GraphQlTimelineItem
{
    [JsonPropertyName("__typename")]
    public string? TypeName { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public GraphQlActor? Actor { get; set; }

    /// <summary>For <c>LabeledEvent</c> and <c>UnlabeledEvent</c>.</summary>
    public GraphQlLabel? Label { get; set; }
}

internal sealed class GraphQlLabel
{
    public string? Name { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(GraphQlRequest))]
[JsonSerializable(typeof(GraphQlResponse))]
internal sealed partial class GitHubGraphQlJson : JsonSerializerContext;
