using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowCollector.Sources.AzureDevOps;

// Only the fields the source uses; System.Text.Json skips the rest. Names follow the REST API (camelCase on the wire).
// Property setters are what the source generator fills; the types are records for readable test failures.
#pragma warning disable CA1812 // instantiated by the JSON source generator

/// <summary>Azure DevOps wraps every collection as <c>{"count": n, "value": [...]}</c>.</summary>
internal sealed record AdoList<T>
{
    public int Count { get; init; }

    public List<T>? Value { get; init; }
}

internal sealed record AdoIdentity
{
    public string? Id { get; init; }

    public string? DisplayName { get; init; }

    public string? UniqueName { get; init; }

    public bool IsContainer { get; init; }
}

internal sealed record AdoProjectRef
{
    public string? Id { get; init; }

    public string? Name { get; init; }
}

internal sealed record AdoRepository
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? DefaultBranch { get; init; }

    public AdoProjectRef? Project { get; init; }

    public bool? IsDisabled { get; init; }

    public bool? IsFork { get; init; }

    /// <summary>Compressed size in bytes; 0 for an empty repository.</summary>
    public long? Size { get; init; }
}

internal sealed record AdoCommitRef
{
    public string? CommitId { get; init; }

    public AdoGitUserDate? Author { get; init; }
}

internal sealed record AdoGitUserDate
{
    public string? Name { get; init; }

    public string? Email { get; init; }

    public DateTimeOffset? Date { get; init; }
}

internal sealed record AdoReviewer
{
    public string? Id { get; init; }

    public string? DisplayName { get; init; }

    public string? UniqueName { get; init; }

    public bool IsContainer { get; init; }

    public int Vote { get; init; }
}

internal sealed record AdoPullRequest
{
    public int PullRequestId { get; init; }

    public string? Status { get; init; }

    public AdoIdentity? CreatedBy { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public DateTimeOffset? ClosedDate { get; init; }

    public bool IsDraft { get; init; }

    public string? TargetRefName { get; init; }

    /// <summary>The head branch, <c>refs/heads/…</c> (rework rules read it, with <see cref="Title"/> and <see cref="Labels"/>).</summary>
    public string? SourceRefName { get; init; }

    public string? Title { get; init; }

    /// <summary>The pull request's tags (<c>WebApiTagDefinition</c>); absent when it has none.</summary>
    public List<AdoLabel>? Labels { get; init; }

    public AdoCommitRef? LastMergeCommit { get; init; }

    public List<AdoReviewer>? Reviewers { get; init; }

    /// <summary><c>vstfs:///Git/PullRequestId/{projectId}%2f{repositoryId}%2f{pullRequestId}</c>: what work items link to (single GET only, not lists).</summary>
    public string? ArtifactId { get; init; }
}

/// <summary>A pull-request label (Azure DevOps calls it a tag); an inactive one was removed.</summary>
internal sealed record AdoLabel
{
    public string? Name { get; init; }

    public bool Active { get; init; } = true;
}

internal sealed record AdoThread
{
    public int Id { get; init; }

    public DateTimeOffset? PublishedDate { get; init; }

    public bool IsDeleted { get; init; }

    public List<AdoComment>? Comments { get; init; }

    public Dictionary<string, AdoProperty>? Properties { get; init; }

    /// <summary>
    /// The identities the thread's properties point at (<c>CommentThread.identities</c>, e.g. <c>CodeReviewVotedByIdentity</c>
    /// = <c>"1"</c> names <c>identities["1"]</c>); absent in payloads that name people by <c>…TfId</c> / <c>…DisplayName</c>.
    /// </summary>
    public Dictionary<string, AdoIdentity>? Identities { get; init; }
}

/// <summary>A thread property: <c>{"$type": "System.String", "$value": …}</c>; the value may be a string or a number.</summary>
internal sealed record AdoProperty
{
    [JsonPropertyName("$value")]
    public JsonElement Value { get; init; }

    public string? Text => Value.ValueKind switch
    {
        JsonValueKind.String => Value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Value.GetRawText(),
        _ => null,
    };
}

internal sealed record AdoComment
{
    public int Id { get; init; }

    public AdoIdentity? Author { get; init; }

    public DateTimeOffset? PublishedDate { get; init; }

    public string? CommentType { get; init; }

    public bool IsDeleted { get; init; }
}

/// <summary>A push (<c>GitPush</c>): the ref updates only with <c>searchCriteria.includeRefUpdates</c>, the commits only from the single-push GET with <c>includeCommits</c>.</summary>
internal sealed record AdoPush
{
    public int PushId { get; init; }

    public DateTimeOffset? Date { get; init; }

    public AdoIdentity? PushedBy { get; init; }

    public List<AdoRefUpdate>? RefUpdates { get; init; }

    public List<AdoCommitRef>? Commits { get; init; }
}

internal sealed record AdoRefUpdate
{
    public string? Name { get; init; }

    public string? OldObjectId { get; init; }

    public string? NewObjectId { get; init; }
}

internal sealed record AdoResourceRef
{
    public string? Id { get; init; }
}

internal sealed record AdoDefinitionRef
{
    public int Id { get; init; }

    public string? Name { get; init; }
}

internal sealed record AdoBuildRepository
{
    public string? Id { get; init; }

    public string? Type { get; init; }
}

internal sealed record AdoBuild
{
    public int Id { get; init; }

    public string? BuildNumber { get; init; }

    public string? Status { get; init; }

    public string? Result { get; init; }

    public DateTimeOffset? QueueTime { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? FinishTime { get; init; }

    public string? SourceBranch { get; init; }

    public string? SourceVersion { get; init; }

    public string? Reason { get; init; }

    public AdoDefinitionRef? Definition { get; init; }

    public AdoBuildRepository? Repository { get; init; }
}

internal sealed record AdoTimeline
{
    public List<AdoTimelineRecord>? Records { get; init; }
}

internal sealed record AdoTimelineRecord
{
    public string? Id { get; init; }

    public string? ParentId { get; init; }

    public string? Type { get; init; }

    public string? Name { get; init; }

    public string? Identifier { get; init; }

    public string? State { get; init; }

    public string? Result { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? FinishTime { get; init; }

    public int Attempt { get; init; }

    public int? Order { get; init; }
}

internal sealed record AdoChange
{
    public string? Id { get; init; }

    public string? Type { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

internal sealed record AdoEnvironment
{
    public int Id { get; init; }

    public string? Name { get; init; }
}

internal sealed record AdoTaskOrchestrationOwner
{
    public int Id { get; init; }

    public string? Name { get; init; }
}

internal sealed record AdoEnvironmentDeploymentRecord
{
    public long Id { get; init; }

    public int EnvironmentId { get; init; }

    public string? PlanType { get; init; }

    public AdoTaskOrchestrationOwner? Definition { get; init; }

    public AdoTaskOrchestrationOwner? Owner { get; init; }

    public string? StageName { get; init; }

    public int StageAttempt { get; init; }

    public string? JobName { get; init; }

    public DateTimeOffset? QueueTime { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? FinishTime { get; init; }

    public string? Result { get; init; }
}

internal sealed record AdoWorkItemRef
{
    public string? Id { get; init; }
}

internal sealed record AdoWorkItem
{
    public int Id { get; init; }

    public Dictionary<string, JsonElement>? Fields { get; init; }
}

internal sealed record AdoNamedRef
{
    public int Id { get; init; }

    public string? Name { get; init; }
}

/// <summary>A classic Release deployment (<c>vsrm …/_apis/release/deployments</c>).</summary>
internal sealed record AdoReleaseDeployment
{
    public int Id { get; init; }

    public AdoNamedRef? Release { get; init; }

    public AdoNamedRef? ReleaseDefinition { get; init; }

    public AdoNamedRef? ReleaseEnvironment { get; init; }

    public int DefinitionEnvironmentId { get; init; }

    public int Attempt { get; init; }

    public string? DeploymentStatus { get; init; }

    public DateTimeOffset? QueuedOn { get; init; }

    public DateTimeOffset? StartedOn { get; init; }

    public DateTimeOffset? CompletedOn { get; init; }

    public DateTimeOffset? LastModifiedOn { get; init; }
}

/// <summary>A classic release; only its artifacts matter (which build it deploys).</summary>
internal sealed record AdoRelease
{
    public int Id { get; init; }

    public List<AdoArtifact>? Artifacts { get; init; }
}

internal sealed record AdoArtifact
{
    public string? Type { get; init; }

    public bool IsPrimary { get; init; }

    public Dictionary<string, AdoArtifactValue>? DefinitionReference { get; init; }
}

internal sealed record AdoArtifactValue
{
    public string? Id { get; init; }

    public string? Name { get; init; }
}

/// <summary>A WIQL query (<c>POST _apis/wit/wiql</c>).</summary>
internal sealed record AdoWiqlRequest
{
    public string? Query { get; init; }
}

internal sealed record AdoWiqlResult
{
    public List<AdoNamedRef>? WorkItems { get; init; }
}

/// <summary>Which work items link to these artifacts (<c>POST _apis/wit/artifacturiquery</c>), e.g. pull requests.</summary>
internal sealed record AdoArtifactUriQuery
{
    public List<string>? ArtifactUris { get; init; }
}

/// <summary>
/// The commits of a branch (<c>POST git/repositories/{id}/commitsbatch</c>, body <c>GitQueryCommitsCriteria</c>): the
/// request's search criteria. <c>historyMode</c> applies only with an <c>itemPath</c> (Learn, Commits - Get Commits Batch).
/// </summary>
internal sealed record AdoCommitsCriteria
{
    public AdoVersionDescriptor? ItemVersion { get; init; }

    public string? ItemPath { get; init; }

    public string? HistoryMode { get; init; }

    public string? FromDate { get; init; }
}

internal sealed record AdoVersionDescriptor
{
    public string? Version { get; init; }

    public string? VersionType { get; init; }
}

internal sealed record AdoArtifactUriQueryResult
{
    /// <summary>Artifact URI → the work items linking to it.</summary>
    public Dictionary<string, List<AdoNamedRef>?>? ArtifactUrisQueryResult { get; init; }
}

/// <summary>The body of an Azure DevOps error response (<c>TF…</c> / <c>VS…</c> message).</summary>
internal sealed record AdoError
{
    public string? Message { get; init; }

    public string? TypeKey { get; init; }
}

#pragma warning restore CA1812

/// <summary>
/// Azure DevOps writes "no time" as <c>0001-01-01T00:00:00</c> (no offset) and most times in UTC with 'Z'. Times
/// without an offset are UTC; the year-1 placeholder reads as null.
/// </summary>
internal sealed class AdoTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new JsonException($"'{text}' is not a date and time");
        }

        return at.Year <= 1 ? null : at;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } at)
        {
            writer.WriteStringValue(at);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Source-generated (reflection-free) serialisation of everything the client reads.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(AdoTimeConverter)],
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(AdoRepository))]
[JsonSerializable(typeof(AdoList<AdoPullRequest>))]
[JsonSerializable(typeof(AdoList<AdoCommitRef>))]
[JsonSerializable(typeof(AdoList<AdoThread>))]
[JsonSerializable(typeof(AdoList<AdoPush>))]
[JsonSerializable(typeof(AdoPush))]
[JsonSerializable(typeof(AdoList<AdoWorkItemRef>))]
[JsonSerializable(typeof(AdoList<AdoWorkItem>))]
[JsonSerializable(typeof(AdoList<AdoBuild>))]
[JsonSerializable(typeof(AdoTimeline))]
[JsonSerializable(typeof(AdoList<AdoChange>))]
[JsonSerializable(typeof(AdoList<AdoEnvironment>))]
[JsonSerializable(typeof(AdoList<AdoEnvironmentDeploymentRecord>))]
[JsonSerializable(typeof(AdoError))]
[JsonSerializable(typeof(AdoBuild))]
[JsonSerializable(typeof(AdoList<AdoReleaseDeployment>))]
[JsonSerializable(typeof(AdoRelease))]
[JsonSerializable(typeof(AdoWiqlRequest))]
[JsonSerializable(typeof(AdoWiqlResult))]
[JsonSerializable(typeof(AdoList<AdoRepository>))]
[JsonSerializable(typeof(AdoArtifactUriQuery))]
[JsonSerializable(typeof(AdoArtifactUriQueryResult))]
[JsonSerializable(typeof(AdoCommitsCriteria))]
internal sealed partial class AzureDevOpsJsonContext : JsonSerializerContext;
