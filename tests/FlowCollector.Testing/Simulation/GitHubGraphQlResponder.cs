using System.Globalization;
using System.Text;
using System.Text.Json;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// Answers GitHub GraphQL queries from a <see cref="SimulatedGitHub"/>: parses the document (GraphQL-Parser), walks the
/// selection set over the model and writes exactly the fields asked for, with GitHub's cursor paging, its
/// <c>rateLimit</c> cost formula and its error shapes (<c>NOT_FOUND</c>, <c>RATE_LIMITED</c>, unknown fields).
/// </summary>
/// <remarks>
/// Served: <c>rateLimit</c>; <c>repository(owner, name)</c> with <c>defaultBranchRef</c>, <c>pullRequests</c>
/// (<c>orderBy</c>, <c>states</c>, <c>baseRefName</c>, <c>first</c>/<c>after</c>) and <c>pullRequest(number)</c>; on a pull
/// request its scalar fields, <c>author</c>, <c>mergeCommit</c>, <c>commits</c>, <c>reviews</c>, <c>timelineItems</c>
/// (<c>itemTypes</c>: ready-for-review, convert-to-draft, review-requested, labeled — a label is only ever added); <c>repository.deployments</c> (<c>orderBy</c>,
/// <c>environments</c>) with their <c>statuses</c> and <c>latestStatus</c>, <c>node(id:)</c> of a deployment, and
/// <c>defaultBranchRef.target</c> as the trunk's head commit with <c>history</c> (<c>since</c>) and <c>parents</c>. Bots appear as GitHub's GraphQL shows them:
/// <c>__typename</c> Bot, login without <c>[bot]</c>, and no <c>user</c> behind their commits.
/// </remarks>
internal sealed class GitHubGraphQlResponder
{
    private readonly SimulatedGitHub model;

    public GitHubGraphQlResponder(SimulatedGitHub model)
    {
        this.model = model;
    }

    /// <summary>GitHub's cost: the requests needed to fill every connection at its first/last size, summed, ÷ 100, rounded, at least 1.</summary>
    public static int Cost(GraphQLOperationDefinition operation, JsonElement variables)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var requests = Requests(operation.SelectionSet, 1, variables);
        return Math.Max(1, (int)Math.Round(requests / 100.0, MidpointRounding.AwayFromZero));
    }

    /// <summary>The parsed request, or an error answer (status, body) when it cannot be parsed.</summary>
    public static (GraphQLOperationDefinition? Operation, string? OperationName, JsonElement Variables, string? Error) Parse(string body)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return (null, null, default, GitHubPayloads.Json(w => Message(w, "Problems parsing JSON")));
        }

        var query = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()! : null;
        if (query is null)
        {
            return (null, null, default, Errors("A query attribute must be specified and must be a string."));
        }

        var operationName = root.TryGetProperty("operationName", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var variables = root.TryGetProperty("variables", out var v) && v.ValueKind == JsonValueKind.Object ? v.Clone() : JsonDocument.Parse("{}").RootElement;
        GraphQLDocument document;
        try
        {
            document = Parser.Parse(query);
        }
        catch (GraphQLSyntaxErrorException e)
        {
            return (null, operationName, variables, Errors("Parse error: " + e.Description));
        }

        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = operationName is null
            ? operations.Count == 1 ? operations[0] : null
            : operations.Find(o => o.Name is { } name && (string)name == operationName);
        return operation is null
            ? (null, operationName, variables, Errors($"No operation named '{operationName}' in the document."))
            : (operation, operationName, variables, null);
    }

    /// <summary>Renders the answer to <paramref name="operation"/>; <paramref name="rateLimit"/> fills the <c>rateLimit</c> field.</summary>
    public string Answer(GraphQLOperationDefinition operation, JsonElement variables, (int Cost, int Remaining, int Limit, DateTimeOffset ResetAt) rateLimit)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var context = new Context(variables, rateLimit);
        string data;
        try
        {
            lock (model.Gate)
            {
                data = GitHubPayloads.Json(w => Query(w, operation.SelectionSet, context));
            }
        }
        catch (UnknownFieldException e)
        {
            return Errors(e.Message);
        }

        return GitHubPayloads.Json(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("data");
            w.WriteRawValue(data);
            if (context.Errors.Count > 0)
            {
                w.WriteStartArray("errors");
                foreach (var (type, path, message) in context.Errors)
                {
                    w.WriteStartObject();
                    w.WriteString("type", type);
                    w.WriteStartArray("path");
                    w.WriteStringValue(path);
                    w.WriteEndArray();
                    w.WriteString("message", message);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
    }

    /// <summary>An answer with only an <c>errors</c> array, as GitHub sends for parse, validation and rate-limit errors.</summary>
    public static string Errors(string message, string? type = null) => GitHubPayloads.Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("errors");
        w.WriteStartObject();
        if (type is not null)
        {
            w.WriteString("type", type);
        }

        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void Message(Utf8JsonWriter w, string message)
    {
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteString("documentation_url", "https://docs.github.com/graphql");
        w.WriteEndObject();
    }

    private static long Requests(GraphQLSelectionSet? set, long multiplier, JsonElement variables)
    {
        long sum = 0;
        foreach (var selection in set?.Selections ?? [])
        {
            switch (selection)
            {
                case GraphQLField field:
                    var size = Argument(field, "first", variables) ?? Argument(field, "last", variables);
                    var inner = multiplier;
                    if (size is long n)
                    {
                        sum += multiplier;
                        inner = multiplier * n;
                    }

                    sum += Requests(field.SelectionSet, inner, variables);
                    break;
                case GraphQLInlineFragment fragment:
                    sum += Requests(fragment.SelectionSet, multiplier, variables);
                    break;
            }
        }

        return sum;
    }

    private static long? Argument(GraphQLField field, string name, JsonElement variables) =>
        Value(field.Arguments?.ValueFor(name), variables) is long n ? n : null;

    /// <summary>An argument's value: long, string (also enum values), bool, list, dictionary or null.</summary>
    private static object? Value(GraphQLValue? value, JsonElement variables) => value switch
    {
        null or GraphQLNullValue => null,
        GraphQLIntValue i => long.Parse(i.Value.ToString(), CultureInfo.InvariantCulture),
        GraphQLStringValue s => s.Value.ToString(),
        GraphQLEnumValue e => (string)e.Name,
        GraphQLBooleanValue b => b.BoolValue,
        GraphQLListValue l => (l.Values ?? []).Select(x => Value(x, variables)).ToList(),
        GraphQLObjectValue o => (o.Fields ?? []).ToDictionary(f => (string)f.Name, f => Value(f.Value, variables), StringComparer.Ordinal),
        GraphQLVariable v => variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty((string)v.Name, out var json) ? FromJson(json) : null,
        _ => null,
    };

    private static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number => json.GetInt64(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => json.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    private static string? Text(GraphQLField field, string name, Context context) => Value(field.Arguments?.ValueFor(name), context.Variables) as string;

    /// <summary>Writes an object: each selected field through <paramref name="resolve"/>, <c>__typename</c> and matching inline fragments here.</summary>
    private static void Object(Utf8JsonWriter w, GraphQLSelectionSet? set, string typeName, string[] interfaces, Action<string, GraphQLField> resolve)
    {
        w.WriteStartObject();
        Fields(w, set, typeName, interfaces, resolve);
        w.WriteEndObject();
    }

    private static void Fields(Utf8JsonWriter w, GraphQLSelectionSet? set, string typeName, string[] interfaces, Action<string, GraphQLField> resolve)
    {
        foreach (var selection in set?.Selections ?? [])
        {
            if (selection is GraphQLField field)
            {
                var name = (string)field.Name;
                w.WritePropertyName(field.Alias is { } alias ? (string)alias.Name : name);
                if (name == "__typename")
                {
                    w.WriteStringValue(typeName);
                }
                else
                {
                    resolve(name, field);
                }
            }
            else if (selection is GraphQLInlineFragment fragment
                && (fragment.TypeCondition is null || (string)fragment.TypeCondition.Type.Name == typeName || interfaces.Contains((string)fragment.TypeCondition.Type.Name)))
            {
                Fields(w, fragment.SelectionSet, typeName, interfaces, resolve);
            }
        }
    }

    private static UnknownFieldException Unknown(string field, string type) => new($"Field '{field}' doesn't exist on type '{type}'");

    private void Query(Utf8JsonWriter w, GraphQLSelectionSet set, Context context) => Object(w, set, "Query", [], (name, field) =>
    {
        switch (name)
        {
            case "rateLimit":
                Object(w, field.SelectionSet, "RateLimit", [], (n, _) =>
                {
                    switch (n)
                    {
                        case "cost": w.WriteNumberValue(context.RateLimit.Cost); break;
                        case "remaining": w.WriteNumberValue(context.RateLimit.Remaining); break;
                        case "limit": w.WriteNumberValue(context.RateLimit.Limit); break;
                        case "used": w.WriteNumberValue(context.RateLimit.Limit - context.RateLimit.Remaining); break;
                        case "nodeCount": w.WriteNumberValue(0); break;
                        case "resetAt": w.WriteStringValue(GitHubPayloads.Time(context.RateLimit.ResetAt)); break;
                        default: throw Unknown(n, "RateLimit");
                    }
                });
                break;
            case "repository":
                var owner = Text(field, "owner", context) ?? "";
                var repoName = Text(field, "name", context) ?? "";
                if (model.TryFindRepository(owner, repoName, out var repository))
                {
                    Repository(w, field, repository, context);
                }
                else
                {
                    w.WriteNullValue();
                    context.Errors.Add(("NOT_FOUND", field.Alias is { } a ? (string)a.Name : "repository", $"Could not resolve to a Repository with the name '{owner}/{repoName}'."));
                }

                break;
            case "node":
                var id = Text(field, "id", context) ?? "";
                var deployment = model.Repositories.SelectMany(r => r.Deployments).FirstOrDefault(d => SimulatedIds.NodeId("Deployment", d.Id) == id);
                if (deployment is null)
                {
                    w.WriteNullValue();
                    context.Errors.Add(("NOT_FOUND", field.Alias is { } alias ? (string)alias.Name : "node", $"Could not resolve to a node with the global id of '{id}'"));
                }
                else
                {
                    Deployment(w, field.SelectionSet, deployment, context);
                }

                break;
            default:
                throw Unknown(name, "Query");
        }
    });

    private static void Repository(Utf8JsonWriter w, GraphQLField field, SimulatedRepository repository, Context context) =>
        Object(w, field.SelectionSet, "Repository", ["Node"], (name, f) =>
        {
            switch (name)
            {
                case "name": w.WriteStringValue(repository.Name); break;
                case "nameWithOwner": w.WriteStringValue(repository.FullName); break;
                case "defaultBranchRef":
                    Object(w, f.SelectionSet, "Ref", ["Node"], (n, rf) =>
                    {
                        switch (n)
                        {
                            case "name": w.WriteStringValue(repository.DefaultBranch); break;
                            case "target":
                                var trunk = repository.Trunk;
                                if (trunk.Count == 0)
                                {
                                    w.WriteNullValue();
                                }
                                else
                                {
                                    TrunkCommit(w, rf.SelectionSet, repository, trunk, trunk.Count - 1, context);
                                }

                                break;
                            default: throw Unknown(n, "Ref");
                        }
                    });
                    break;
                case "deployments":
                    Connection(w, f, context, "DeploymentConnection", ListDeployments(repository, f, context), (d, set) => Deployment(w, set, d, context));
                    break;
                case "pullRequests":
                    Connection(w, f, context, "PullRequestConnection", ListPullRequests(repository, f, context), (pr, set) => PullRequest(w, set, pr, context));
                    break;
                case "releases":
                    // GitHub orders releases by CREATED_AT or NAME; the collector asks for newest created first.
                    var releases = repository.Releases.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).ToList();
                    Connection(w, f, context, "ReleaseConnection", releases, (r, set) => Release(w, set, r));
                    break;
                case "pullRequest":
                    var number = Value(f.Arguments?.ValueFor("number"), context.Variables) as long?;
                    var pr = number is { } n && n <= int.MaxValue ? repository.PullRequests.FirstOrDefault(p => p.Number == n) : null;
                    if (pr is null)
                    {
                        w.WriteNullValue();
                        context.Errors.Add(("NOT_FOUND", "pullRequest", $"Could not resolve to a PullRequest with the number of {number}."));
                    }
                    else
                    {
                        PullRequest(w, f.SelectionSet, pr, context);
                    }

                    break;
                default:
                    throw Unknown(name, "Repository");
            }
        });

    private static void Release(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedRelease release) =>
        Object(w, set, "Release", ["Node", "Reactable", "UniformResourceLocatable"], (name, f) =>
        {
            switch (name)
            {
                case "databaseId": w.WriteNumberValue(release.Id); break;
                case "tagName": w.WriteStringValue(release.TagName); break;
                case "isDraft": w.WriteBooleanValue(release.IsDraft); break;
                case "isPrerelease": w.WriteBooleanValue(release.IsPrerelease); break;
                case "createdAt": w.WriteStringValue(GitHubPayloads.Time(release.CreatedAt)); break;
                case "publishedAt":
                    if (release.PublishedAt is { } published)
                    {
                        w.WriteStringValue(GitHubPayloads.Time(published));
                    }
                    else
                    {
                        w.WriteNullValue();
                    }

                    break;
                case "url": w.WriteStringValue($"https://github.com/{release.Repository.FullName}/releases/tag/{release.TagName}"); break;
                case "tagCommit":
                    Object(w, f.SelectionSet, "Commit", ["Node", "GitObject"], (n, _) =>
                    {
                        switch (n)
                        {
                            case "oid": w.WriteStringValue(release.Sha); break;
                            default: throw Unknown(n, "Commit");
                        }
                    });
                    break;
                default: throw Unknown(name, "Release");
            }
        });

    /// <summary>Deployments by <c>orderBy</c> (GitHub's default: created ascending), ties by id, filtered by <c>environments</c>.</summary>
    private static List<SimulatedDeployment> ListDeployments(SimulatedRepository repository, GraphQLField field, Context context)
    {
        var orderBy = Value(field.Arguments?.ValueFor("orderBy"), context.Variables) as Dictionary<string, object?>;
        var descending = orderBy?.GetValueOrDefault("direction") as string == "DESC";
        var environments = (Value(field.Arguments?.ValueFor("environments"), context.Variables) as List<object?>)?.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var selected = repository.Deployments.Where(d => environments is null || environments.Contains(d.Environment));
        return (descending ? selected.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id) : selected.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)).ToList();
    }

    /// <summary>
    /// A deployment. Its statuses are served oldest first — REST lists them newest first — so a reader that depended on
    /// either order would show up in the equivalence tests.
    /// </summary>
    private static void Deployment(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedDeployment deployment, Context context) =>
        Object(w, set, "Deployment", ["Node"], (name, f) =>
        {
            switch (name)
            {
                case "id": w.WriteStringValue(SimulatedIds.NodeId("Deployment", deployment.Id)); break;
                case "databaseId": w.WriteNumberValue(deployment.Id); break;
                case "commitOid": w.WriteStringValue(deployment.Sha); break;
                case "environment" or "latestEnvironment" or "originalEnvironment": w.WriteStringValue(deployment.Environment); break;
                case "task": w.WriteStringValue("deploy"); break;
                case "createdAt": w.WriteStringValue(GitHubPayloads.Time(deployment.CreatedAt)); break;
                case "updatedAt": w.WriteStringValue(GitHubPayloads.Time(deployment.UpdatedAt)); break;
                case "ref":
                    Object(w, f.SelectionSet, "Ref", ["Node"], (n, _) => w.WriteStringValue(n == "name" ? deployment.Ref : throw Unknown(n, "Ref")));
                    break;
                case "latestStatus":
                    if (deployment.Statuses is [.., var latest])
                    {
                        DeploymentStatus(w, f.SelectionSet, deployment, latest);
                    }
                    else
                    {
                        w.WriteNullValue();
                    }

                    break;
                case "statuses":
                    Connection(w, f, context, "DeploymentStatusConnection", deployment.Statuses, (status, s) => DeploymentStatus(w, s, deployment, status));
                    break;
                default:
                    throw Unknown(name, "Deployment");
            }
        });

    private static void DeploymentStatus(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedDeployment deployment, SimulatedDeploymentStatus status) =>
        Object(w, set, "DeploymentStatus", ["Node"], (name, _) =>
        {
            switch (name)
            {
                case "id": w.WriteStringValue(SimulatedIds.NodeId("DeploymentStatus", status.Id)); break;
                case "state": w.WriteStringValue(status.State.ToUpperInvariant()); break;
                case "createdAt" or "updatedAt": w.WriteStringValue(GitHubPayloads.Time(status.CreatedAt)); break;
                case "environment": w.WriteStringValue(deployment.Environment); break;
                case "description": w.WriteStringValue(""); break;
                case "environmentUrl": w.WriteNullValue(); break; // REST's "" is no URI
                case "logUrl":
                    w.WriteStringValue(deployment.LogUrl);
                    break;
                default:
                    throw Unknown(name, "DeploymentStatus");
            }
        });

    /// <summary>
    /// Commit <paramref name="index"/> of the linear trunk: its <c>history</c> (itself and older, newest first, <c>since</c>
    /// on the commit time) and <c>parents</c> (the commit before it).
    /// </summary>
    private static void TrunkCommit(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedRepository repository, IReadOnlyList<SimulatedTrunkCommit> trunk, int index, Context context) =>
        Object(w, set, "Commit", ["Node", "GitObject"], (name, f) =>
        {
            var commit = trunk[index];
            switch (name)
            {
                case "oid": w.WriteStringValue(commit.Sha); break;
                case "url": w.WriteStringValue($"https://github.com/{repository.FullName}/commit/{commit.Sha}"); break;
                case "committedDate": w.WriteStringValue(GitHubPayloads.Time(commit.At)); break;
                case "authoredDate": w.WriteStringValue(GitHubPayloads.Time(commit.AuthoredAt ?? commit.At)); break;
                case "author":
                    Object(w, f.SelectionSet, "GitActor", [], (n, af) =>
                    {
                        switch (n)
                        {
                            case "user" when commit.Author is { IsBot: false } author: Actor(w, af.SelectionSet, author); break;
                            case "user": w.WriteNullValue(); break;
                            default: throw Unknown(n, "GitActor");
                        }
                    });
                    break;
                case "associatedPullRequests":
                    // A pull request's merge (or squash, or last rebased) commit is associated with it; a direct push is not.
                    var associated = repository.PullRequests.Where(pr => pr.MergeCommitSha == commit.Sha).ToList();
                    Connection(w, f, context, "PullRequestConnection", associated, (pr, s) => PullRequest(w, s, pr, context));
                    break;
                case "history":
                    var since = Text(f, "since", context) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
                    var history = Enumerable.Range(0, index + 1).Reverse().Where(i => trunk[i].At >= since).ToList();
                    Connection(w, f, context, "CommitHistoryConnection", history, (i, s) => TrunkCommit(w, s, repository, trunk, i, context));
                    break;
                case "parents":
                    Connection<int>(w, f, context, "CommitConnection", index == 0 ? [] : [index - 1], (i, s) => TrunkCommit(w, s, repository, trunk, i, context));
                    break;
                default:
                    throw Unknown(name, "Commit");
            }
        });

    private static List<SimulatedPullRequest> ListPullRequests(SimulatedRepository repository, GraphQLField field, Context context)
    {
        var orderBy = Value(field.Arguments?.ValueFor("orderBy"), context.Variables) as Dictionary<string, object?>;
        var byUpdate = orderBy?.GetValueOrDefault("field") as string == "UPDATED_AT";
        var descending = orderBy?.GetValueOrDefault("direction") as string == "DESC";
        var states = (Value(field.Arguments?.ValueFor("states"), context.Variables) as List<object?>)?.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var baseRefName = Text(field, "baseRefName", context);
        var selected = repository.PullRequests
            .Where(pr => states is null || states.Contains(pr.IsMerged ? "MERGED" : pr.ClosedAt is null ? "OPEN" : "CLOSED"))
            .Where(pr => baseRefName is null || pr.BaseBranch == baseRefName)
            .Select(pr => (pr, Key: byUpdate ? pr.UpdatedAt : pr.CreatedAt))
            .ToList();
        var ordered = descending
            ? selected.OrderByDescending(x => x.Key).ThenByDescending(x => x.pr.Number)
            : selected.OrderBy(x => x.Key).ThenBy(x => x.pr.Number);
        return ordered.Select(x => x.pr).ToList();
    }

    private static void PullRequest(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedPullRequest pr, Context context) =>
        Object(w, set, "PullRequest", ["Node"], (name, f) =>
        {
            switch (name)
            {
                case "number": w.WriteNumberValue(pr.Number); break;
                case "title": w.WriteStringValue(pr.Title); break;
                case "url": w.WriteStringValue(pr.HtmlUrl); break;
                case "createdAt": w.WriteStringValue(GitHubPayloads.Time(pr.CreatedAt)); break;
                case "updatedAt": w.WriteStringValue(GitHubPayloads.Time(pr.UpdatedAt)); break;
                case "isDraft": w.WriteBooleanValue(pr.IsDraft); break;
                case "mergedAt": Time(w, pr.MergedAt); break;
                case "closedAt": Time(w, pr.ClosedAt); break;
                case "baseRefName": w.WriteStringValue(pr.BaseBranch); break;
                case "headRefName": w.WriteStringValue(pr.HeadBranch); break;
                case "state": w.WriteStringValue(pr.IsMerged ? "MERGED" : pr.ClosedAt is null ? "OPEN" : "CLOSED"); break;
                case "author": Actor(w, f.SelectionSet, pr.Author); break;
                case "mergeCommit":
                    if (pr.IsMerged && pr.MergeCommitSha is { } sha)
                    {
                        Object(w, f.SelectionSet, "Commit", ["Node", "GitObject"], (n, _) => w.WriteStringValue(n == "oid" ? sha : throw Unknown(n, "Commit")));
                    }
                    else
                    {
                        w.WriteNullValue();
                    }

                    break;
                case "commits":
                    Connection(w, f, context, "PullRequestCommitConnection", pr.Commits, (commit, s) => Object(w, s, "PullRequestCommit", ["Node"], (n, cf) =>
                    {
                        if (n != "commit")
                        {
                            throw Unknown(n, "PullRequestCommit");
                        }

                        Commit(w, cf.SelectionSet, commit);
                    }));
                    break;
                case "reviews":
                    Connection(w, f, context, "PullRequestReviewConnection", pr.Reviews.OrderBy(r => r.SubmittedAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.Id).ToList(), (review, s) => Review(w, s, review));
                    break;
                case "closingIssuesReferences":
                    Connection(w, f, context, "IssueConnection", pr.Closes.OrderBy(i => i.Number).ToList(), (issue, issueSet) =>
                        Object(w, issueSet, "Issue", ["Node"], (n, _) =>
                        {
                            switch (n)
                            {
                                case "number": w.WriteNumberValue(issue.Number); break;
                                case "createdAt": w.WriteStringValue(GitHubPayloads.Time(issue.CreatedAt)); break;
                                default: throw Unknown(n, "Issue");
                            }
                        }));
                    break;
                case "timelineItems":
                    var types = (Value(f.Arguments?.ValueFor("itemTypes"), context.Variables) as List<object?>)?.OfType<string>().ToHashSet(StringComparer.Ordinal);
                    // Label changes are timeline items too (LABELED_EVENT); the model only adds labels, at their time.
                    var items = pr.TimelineEvents
                        .Where(e => types is null || types.Contains(ItemType(e.Kind)))
                        .Select(e => (At: e.At, Event: (SimulatedTimelineEvent?)e, Label: (string?)null))
                        .Concat(pr.LabelEvents
                            .Where(_ => types is null || types.Contains("LABELED_EVENT"))
                            .Select(l => (At: l.At, Event: (SimulatedTimelineEvent?)null, Label: (string?)l.Name)))
                        .OrderBy(i => i.At)
                        .ToList();
                    Connection(w, f, context, "PullRequestTimelineItemsConnection", items, (i, s) =>
                    {
                        if (i.Event is { } e)
                        {
                            TimelineItem(w, s, e);
                        }
                        else
                        {
                            LabeledItem(w, s, pr, i.Label!, i.At);
                        }
                    });
                    break;
                default:
                    throw Unknown(name, "PullRequest");
            }
        });

    private static void Commit(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedCommit commit) =>
        Object(w, set, "Commit", ["Node", "GitObject"], (name, f) =>
        {
            switch (name)
            {
                case "oid": w.WriteStringValue(commit.Sha); break;
                case "authoredDate": w.WriteStringValue(GitHubPayloads.Time(commit.AuthoredAt)); break;
                case "committedDate": w.WriteStringValue(GitHubPayloads.Time(commit.CommittedAt)); break;
                case "message": w.WriteStringValue(commit.Message); break;
                case "author":
                    Object(w, f.SelectionSet, "GitActor", [], (n, af) =>
                    {
                        switch (n)
                        {
                            case "name": w.WriteStringValue(commit.Author.Login); break;
                            case "user":
                                // GitActor.user is a User: GitHub finds no user behind a bot's commit e-mail.
                                if (commit.Author.IsBot)
                                {
                                    w.WriteNullValue();
                                }
                                else
                                {
                                    Actor(w, af.SelectionSet, commit.Author);
                                }

                                break;
                            default: throw Unknown(n, "GitActor");
                        }
                    });
                    break;
                default:
                    throw Unknown(name, "Commit");
            }
        });

    private static void Review(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedReview review) =>
        Object(w, set, "PullRequestReview", ["Node", "Comment"], (name, f) =>
        {
            switch (name)
            {
                case "databaseId": w.WriteNumberValue(review.Id); break;
                case "state": w.WriteStringValue(review.WireState); break;
                case "submittedAt": Time(w, review.SubmittedAt); break;
                case "createdAt": Time(w, review.StartedAt ?? review.SubmittedAt); break;
                case "author": Actor(w, f.SelectionSet, review.Reviewer); break;
                default: throw Unknown(name, "PullRequestReview");
            }
        });

    private static void TimelineItem(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedTimelineEvent e)
    {
        var typeName = e.Kind switch
        {
            SimulatedTimelineKind.ReadyForReview => "ReadyForReviewEvent",
            SimulatedTimelineKind.ConvertToDraft => "ConvertToDraftEvent",
            _ => "ReviewRequestedEvent",
        };
        Object(w, set, typeName, ["Node"], (name, f) =>
        {
            switch (name)
            {
                case "createdAt": w.WriteStringValue(GitHubPayloads.Time(e.At)); break;
                case "actor": Actor(w, f.SelectionSet, e.Actor); break;
                case "requestedReviewer" when e.RequestedReviewer is { } reviewer: Actor(w, f.SelectionSet, reviewer); break;
                default: throw Unknown(name, typeName);
            }
        });
    }

    private static void LabeledItem(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedPullRequest pr, string label, DateTimeOffset at) =>
        Object(w, set, "LabeledEvent", ["Node"], (name, f) =>
        {
            switch (name)
            {
                case "createdAt": w.WriteStringValue(GitHubPayloads.Time(at)); break;
                case "actor": Actor(w, f.SelectionSet, pr.Author); break;
                case "label":
                    Object(w, f.SelectionSet, "Label", ["Node"], (n, _) =>
                    {
                        switch (n)
                        {
                            case "name": w.WriteStringValue(label); break;
                            default: throw Unknown(n, "Label");
                        }
                    });
                    break;
                default: throw Unknown(name, "LabeledEvent");
            }
        });

    private static string ItemType(SimulatedTimelineKind kind) => kind switch
    {
        SimulatedTimelineKind.ReadyForReview => "READY_FOR_REVIEW_EVENT",
        SimulatedTimelineKind.ConvertToDraft => "CONVERT_TO_DRAFT_EVENT",
        _ => "REVIEW_REQUESTED_EVENT",
    };

    /// <summary>GitHub's GraphQL shows a bot as <c>Bot</c> with its login without the <c>[bot]</c> that REST appends.</summary>
    private static void Actor(Utf8JsonWriter w, GraphQLSelectionSet? set, SimulatedUser? user)
    {
        if (user is null)
        {
            w.WriteNullValue();
            return;
        }

        var typeName = user.IsBot ? "Bot" : "User";
        var login = user.IsBot && user.Login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase) ? user.Login[..^"[bot]".Length] : user.Login;
        Object(w, set, typeName, ["Actor", "Node"], (name, _) =>
        {
            switch (name)
            {
                case "login": w.WriteStringValue(login); break;
                case "databaseId": w.WriteNumberValue(user.Id); break;
                default: throw Unknown(name, typeName);
            }
        });
    }

    /// <summary>A connection page: <c>first</c> (required, 1–100, as on GitHub) after the <c>after</c> cursor.</summary>
    private static void Connection<T>(Utf8JsonWriter w, GraphQLField field, Context context, string typeName, IReadOnlyList<T> items, Action<T, GraphQLSelectionSet?> node)
    {
        var first = Value(field.Arguments?.ValueFor("first"), context.Variables) as long? ?? throw new UnknownFieldException(
            $"You must provide a `first` or `last` value to properly paginate the `{(string)field.Name}` connection.");
        if (first is < 1 or > 100)
        {
            throw new UnknownFieldException($"Requesting {first} records on the `{(string)field.Name}` connection exceeds the `first` limit of 100 records.");
        }

        var start = Value(field.Arguments?.ValueFor("after"), context.Variables) is string cursor ? Index(cursor) + 1 : 0;
        var page = items.Skip(start).Take((int)first).ToList();
        var end = start + page.Count - 1;
        Object(w, field.SelectionSet, typeName, [], (name, f) =>
        {
            switch (name)
            {
                case "totalCount": w.WriteNumberValue(items.Count); break;
                case "nodes":
                    w.WriteStartArray();
                    foreach (var item in page)
                    {
                        node(item, f.SelectionSet);
                    }

                    w.WriteEndArray();
                    break;
                case "pageInfo":
                    Object(w, f.SelectionSet, "PageInfo", [], (n, _) =>
                    {
                        switch (n)
                        {
                            case "hasNextPage": w.WriteBooleanValue(end + 1 < items.Count); break;
                            case "hasPreviousPage": w.WriteBooleanValue(start > 0); break;
                            case "endCursor": Cursor(w, page.Count == 0 ? null : end); break;
                            case "startCursor": Cursor(w, page.Count == 0 ? null : start); break;
                            default: throw Unknown(n, "PageInfo");
                        }
                    });
                    break;
                default:
                    throw Unknown(name, typeName);
            }
        });
    }

    private static void Cursor(Utf8JsonWriter w, int? index)
    {
        if (index is { } i)
        {
            w.WriteStringValue(Convert.ToBase64String(Encoding.UTF8.GetBytes("cursor:v2:" + i.ToString(CultureInfo.InvariantCulture))));
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static int Index(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("cursor:v2:", StringComparison.Ordinal) ? int.Parse(text["cursor:v2:".Length..], CultureInfo.InvariantCulture) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new UnknownFieldException($"`{cursor}` does not appear to be a valid cursor.");
        }
    }

    private static void Time(Utf8JsonWriter w, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            w.WriteStringValue(GitHubPayloads.Time(value));
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private sealed class Context(JsonElement variables, (int Cost, int Remaining, int Limit, DateTimeOffset ResetAt) rateLimit)
    {
        public JsonElement Variables { get; } = variables;

        public (int Cost, int Remaining, int Limit, DateTimeOffset ResetAt) RateLimit { get; } = rateLimit;

        public List<(string Type, string Path, string Message)> Errors { get; } = [];
    }

    /// <summary>A query GitHub would refuse before running it (unknown field, bad paging argument).</summary>
    private sealed class UnknownFieldException(string message) : Exception(message);
}
