using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// Writes model objects as Azure DevOps' REST API 7.1 does (field names, nesting, <c>{"count","value"}</c> wrappers,
/// ISO times with fractions and <c>Z</c>), following the payloads under <c>shared/fixtures/azure-devops</c>.
/// Callers hold the model's lock.
/// </summary>
internal sealed class AzureDevOpsPayloads
{
    /// <summary>The key of the voter in a thread's <c>identities</c> map (the service numbers them from 1).</summary>
    private const string VoterKey = "1";

    private readonly string root;
    private readonly SimulatedAzureDevOps model;

    public AzureDevOpsPayloads(string root, SimulatedAzureDevOps model)
    {
        this.root = root;
        this.model = model;
    }

    public static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Azure DevOps' error body.</summary>
    public static string Error(string message, string typeKey) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("$id", "1");
        w.WriteNull("innerException");
        w.WriteString("message", message);
        w.WriteString("typeName", $"Microsoft.TeamFoundation.Framework.Server.{typeKey}, Microsoft.TeamFoundation.Framework.Server");
        w.WriteString("typeKey", typeKey);
        w.WriteNumber("errorCode", 0);
        w.WriteNumber("eventId", 3000);
        w.WriteEndObject();
    });

    public (string Body, string? Continuation)? Render(AdoRoute route, AdoQuery query, int defaultPageSize)
    {
        var project = route.Project;
        var repo = route.Repository;
        switch (route.Kind)
        {
            case AdoRouteKind.Repository:
                return (Json(w => Repository(w, repo!)), null);
            case AdoRouteKind.Repositories:
                // Not paged, in name order, with disabled, empty and forked repositories (the listing hides none of them).
                return (Wrap(project!.Repositories.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList(), (w, r) => Repository(w, r)), null);
            case AdoRouteKind.PullRequests:
                return (SkipList(query, ListPullRequests(repo!, query), (w, pr) => PullRequest(w, pr)), null);
            case AdoRouteKind.PullRequestCommits or AdoRouteKind.PullRequestThreads or AdoRouteKind.PullRequestWorkItems:
                var pr = route.Number is > 0 and <= int.MaxValue ? repo!.FindPullRequest((int)route.Number) : null;
                if (pr is null)
                {
                    return null;
                }

                return route.Kind switch
                {
                    AdoRouteKind.PullRequestCommits => ContinuationList(query, pr.Commits.Reverse().ToList(), (w, c) => Commit(w, repo!, c.Sha, c.Author, c.AuthoredAt, "Change"), defaultPageSize),
                    AdoRouteKind.PullRequestThreads => (Wrap(pr.Threads, (w, t) => Thread(w, pr, t)), null),
                    _ => (Wrap(pr.WorkItems, (w, i) =>
                    {
                        w.WriteStartObject();
                        w.WriteString("id", i.Id.ToString(CultureInfo.InvariantCulture));
                        w.WriteString("url", $"{root}_apis/wit/workItems/{i.Id}");
                        w.WriteEndObject();
                    }), null),
                };
            case AdoRouteKind.Pushes:
                // Newest first, like the service; refName, the date range and includeRefUpdates as the 7.1 description declares them.
                var refName = query.Get("searchCriteria.refName");
                var fromDate = query.Time("searchCriteria.fromDate");
                var toDate = query.Time("searchCriteria.toDate");
                var withRefUpdates = string.Equals(query.Get("searchCriteria.includeRefUpdates"), "true", StringComparison.OrdinalIgnoreCase);
                var pushes = repo!.Pushes
                    .Where(p => refName is null || string.Equals(refName, "refs/heads/" + repo.DefaultBranch, StringComparison.Ordinal))
                    .Where(p => (fromDate is null || p.At >= fromDate) && (toDate is null || p.At <= toDate))
                    .OrderByDescending(p => p.Id)
                    .ToList();
                return (SkipList(query, pushes, (w, p) => Push(w, repo, p, withRefUpdates, commits: 0)), null);
            case AdoRouteKind.Push:
                var push = repo!.Pushes.FirstOrDefault(p => p.Id == route.Number);
                return push is null ? null : (Json(w => Push(w, repo, push, withRefUpdates: true, commits: query.Int("includeCommits") ?? 0)), null);
            case AdoRouteKind.WorkItems:
                return (WorkItems(query), null);
            case AdoRouteKind.Builds:
                return ContinuationList(query, ListBuilds(project!, query), (w, b) => Build(w, b), defaultPageSize);
            case AdoRouteKind.BuildTimeline:
                var build = project!.FindBuild((int)route.Number);
                return build is null ? null : (Json(w => Timeline(w, build)), null);
            case AdoRouteKind.BuildChanges:
                var changed = project!.FindBuild((int)route.Number);
                if (changed is null)
                {
                    return null;
                }

                var previous = project.Builds.Where(b => b.DefinitionId == changed.DefinitionId && b.Id < changed.Id && b.Repository == changed.Repository).MaxBy(b => b.Id);
                var commits = changed.Repository.Between(previous?.SourceVersion, changed.SourceVersion);
                if (previous is null)
                {
                    commits = commits.TakeLast(1).ToList();
                }

                return ContinuationList(query, commits.AsEnumerable().Reverse().ToList(), (w, c) => Change(w, changed.Repository, c), defaultPageSize);
            case AdoRouteKind.ChangesBetweenBuilds:
                var from = project!.FindBuild(query.Int("fromBuildId") ?? 0);
                var to = project.FindBuild(query.Int("toBuildId") ?? 0);
                if (from is null || to is null)
                {
                    return (Error("Both fromBuildId and toBuildId must be existing builds.", "ArgumentException"), null);
                }

                var between = to.Repository.Between(from.SourceVersion, to.SourceVersion).AsEnumerable().Reverse().Take(query.Int("$top") ?? 50).ToList();
                return (Wrap(between, (w, c) => Change(w, to.Repository, c)), null);
            case AdoRouteKind.Environments:
                return ContinuationList(query, project!.Environments, (w, e) => Environment(w, e), defaultPageSize);
            case AdoRouteKind.EnvironmentDeploymentRecords:
                var environment = project!.Environments.FirstOrDefault(e => e.Id == route.Number);
                if (environment is null)
                {
                    return null;
                }

                // Records exist only for runs that finished (MicrosoftDocs/vsts-rest-api-specs#635); newest first.
                var records = environment.Records.Where(r => r.Build.Status == "completed").OrderByDescending(r => r.Id).ToList();
                return ContinuationList(query, records, (w, r) => Record(w, r), defaultPageSize, topName: "top");
            case AdoRouteKind.Build:
                var single = project!.FindBuild((int)route.Number);
                return single is null ? null : (Json(w => Build(w, single)), null);
            case AdoRouteKind.ReleaseDeployments:
                var minModified = query.Time("minModifiedTime");
                var ascending = string.Equals(query.Get("queryOrder"), "ascending", StringComparison.OrdinalIgnoreCase);
                var listed = project!.Releases.SelectMany(r => r.Deployments).Where(d => minModified is null || d.LastModifiedOn >= minModified);
                var ordered = (ascending ? listed.OrderBy(d => d.Id) : listed.OrderByDescending(d => d.Id)).ToList();
                return ContinuationList(query, ordered, (w, d) => ReleaseDeployment(w, d), defaultPageSize);
            case AdoRouteKind.Release:
                var release = project!.Releases.FirstOrDefault(r => r.Id == route.Number);
                return release is null ? null : (Json(w => Release(w, release)), null);
            default:
                return null;
        }
    }

    private void ReleaseDeployment(Utf8JsonWriter w, SimulatedAdoReleaseDeployment d)
    {
        var release = d.Release;
        w.WriteStartObject();
        w.WriteNumber("id", d.Id);
        w.WriteStartObject("release");
        w.WriteNumber("id", release.Id);
        w.WriteString("name", release.Name);
        w.WriteString("url", $"{root}{release.Project.Id}/_apis/Release/releases/{release.Id}");
        w.WriteStartArray("artifacts");
        w.WriteEndArray();
        w.WriteString("reason", "none");
        w.WriteEndObject();
        w.WriteStartObject("releaseDefinition");
        w.WriteNumber("id", release.DefinitionId);
        w.WriteString("name", release.Definition);
        w.WriteEndObject();
        w.WriteStartObject("releaseEnvironment");
        w.WriteNumber("id", d.Id + 10_000);
        w.WriteString("name", d.Environment);
        w.WriteEndObject();
        w.WriteNumber("definitionEnvironmentId", d.DefinitionEnvironmentId);
        w.WriteNumber("attempt", d.Attempt);
        w.WriteString("reason", "automated");
        w.WriteString("deploymentStatus", d.Status);
        w.WriteString("operationStatus", d.Status switch { "succeeded" => "Approved", "notDeployed" => "Rejected", "inProgress" => "Deploying", _ => "PhaseFailed" });
        Identity(w, "requestedBy", SimulatedAdoIdentity.Person("release@contoso.com"));
        Time(w, "queuedOn", d.QueuedOn);
        Time(w, "startedOn", d.StartedOn);
        Time(w, "completedOn", d.CompletedOn);
        Time(w, "lastModifiedOn", d.LastModifiedOn);
        w.WriteStartArray("conditions");
        w.WriteEndArray();
        w.WriteString("scheduledDeploymentTime", "0001-01-01T00:00:00");
        w.WriteStartArray("preDeployApprovals");
        w.WriteEndArray();
        w.WriteStartArray("postDeployApprovals");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Release(Utf8JsonWriter w, SimulatedAdoRelease release)
    {
        void Ref(string name, string id, string value)
        {
            w.WriteStartObject(name);
            w.WriteString("id", id);
            w.WriteString("name", value);
            w.WriteEndObject();
        }

        var build = release.Build;
        w.WriteStartObject();
        w.WriteNumber("id", release.Id);
        w.WriteString("name", release.Name);
        w.WriteString("status", "active");
        w.WriteStartArray("artifacts");
        w.WriteStartObject();
        w.WriteString("sourceId", $"{release.Project.Id}:{build.DefinitionId}");
        w.WriteString("type", "Build");
        w.WriteString("alias", build.Pipeline);
        w.WriteStartObject("definitionReference");
        Ref("definition", build.DefinitionId.ToString(CultureInfo.InvariantCulture), build.Pipeline);
        Ref("project", release.Project.Id, release.Project.Name);
        Ref("version", build.Id.ToString(CultureInfo.InvariantCulture), build.BuildNumber);
        Ref("branch", build.SourceBranch, build.SourceBranch);
        w.WriteEndObject();
        w.WriteBoolean("isPrimary", true);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("releaseDefinition");
        w.WriteNumber("id", release.DefinitionId);
        w.WriteString("name", release.Definition);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static List<SimulatedAdoPullRequest> ListPullRequests(SimulatedAdoRepository repo, AdoQuery query)
    {
        var status = query.Get("searchCriteria.status") ?? "active";
        var target = query.Get("searchCriteria.targetRefName");
        var closedRange = string.Equals(query.Get("searchCriteria.queryTimeRangeType"), "closed", StringComparison.OrdinalIgnoreCase);
        var min = query.Time("searchCriteria.minTime");
        var max = query.Time("searchCriteria.maxTime");
        return repo.PullRequests
            .Where(pr => status == "all" || string.Equals(pr.Status, status, StringComparison.OrdinalIgnoreCase))
            .Where(pr => target is null || string.Equals("refs/heads/" + pr.TargetBranch, target, StringComparison.Ordinal))
            .Where(pr =>
            {
                DateTimeOffset? at = closedRange ? pr.ClosedAt : pr.CreatedAt;
                return (min is null || (at is not null && at >= min)) && (max is null || (at is not null && at <= max));
            })
            .OrderByDescending(pr => pr.Id)
            .ToList();
    }

    private static List<SimulatedAdoBuild> ListBuilds(SimulatedAdoProject project, AdoQuery query)
    {
        var repositoryId = query.Get("repositoryId");
        var branch = query.Get("branchName");
        var statuses = (query.Get("statusFilter") ?? "all").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var order = query.Get("queryOrder") ?? "queueTimeDescending";
        var ids = query.Get("buildIds")?.Split(',').Select(int.Parse).ToHashSet();
        var min = query.Time("minTime");
        var max = query.Time("maxTime");
        DateTimeOffset? Key(SimulatedAdoBuild b) => order.StartsWith("finish", StringComparison.OrdinalIgnoreCase) ? b.FinishTime
            : order.StartsWith("start", StringComparison.OrdinalIgnoreCase) ? b.StartTime
            : b.QueueTime;
        var selected = project.Builds
            .Where(b => repositoryId is null || string.Equals(b.Repository.Id, repositoryId, StringComparison.OrdinalIgnoreCase) || string.Equals(b.Repository.Name, repositoryId, StringComparison.OrdinalIgnoreCase))
            .Where(b => branch is null || string.Equals(b.SourceBranch, branch, StringComparison.Ordinal))
            .Where(b => statuses.Contains("all", StringComparer.OrdinalIgnoreCase) || statuses.Contains(b.Status, StringComparer.OrdinalIgnoreCase))
            .Where(b => ids is null || ids.Contains(b.Id))
            .Where(b => (min is null || (Key(b) is { } k1 && k1 >= min)) && (max is null || (Key(b) is { } k2 && k2 <= max)));
        return (order.EndsWith("Ascending", StringComparison.OrdinalIgnoreCase)
            ? selected.OrderBy(Key).ThenBy(b => b.Id)
            : selected.OrderByDescending(Key).ThenByDescending(b => b.Id)).ToList();
    }

    private static string SkipList<T>(AdoQuery query, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        var top = Math.Clamp(query.Int("$top") ?? 101, 1, 1000);
        var skip = Math.Max(0, query.Int("$skip") ?? 0);
        return Wrap(items.Skip(skip).Take(top).ToList(), write);
    }

    /// <summary>A page of <paramref name="items"/> and, when more follow, the opaque token of the next page.</summary>
    private static (string Body, string? Continuation) ContinuationList<T>(AdoQuery query, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write, int defaultPageSize, string topName = "$top")
    {
        var top = Math.Clamp(query.Int(topName) ?? defaultPageSize, 1, 5000);
        var offset = 0;
        if (query.Get("continuationToken") is { } token)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                offset = decoded.StartsWith("offset:", StringComparison.Ordinal) ? int.Parse(decoded[7..], CultureInfo.InvariantCulture) : 0;
            }
            catch (FormatException)
            {
                offset = 0;
            }
        }

        var page = items.Skip(offset).Take(top).ToList();
        var next = offset + top < items.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{offset + top}")) : null;
        return (Wrap(page, write), next);
    }

    private static string Wrap<T>(IReadOnlyCollection<T> items, Action<Utf8JsonWriter, T> write) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("count", items.Count);
        w.WriteStartArray("value");
        foreach (var item in items)
        {
            write(w, item);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            w.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        }
    }

    private void Identity(Utf8JsonWriter w, string name, SimulatedAdoIdentity identity, int? vote = null)
    {
        w.WriteStartObject(name);
        IdentityBody(w, identity, vote);
        w.WriteEndObject();
    }

    private void IdentityBody(Utf8JsonWriter w, SimulatedAdoIdentity identity, int? vote = null)
    {
        if (vote is { } v)
        {
            w.WriteNumber("vote", v);
            w.WriteBoolean("hasDeclined", false);
        }

        w.WriteString("displayName", identity.DisplayName);
        w.WriteString("url", $"{root}_apis/Identities/{identity.Id}");
        w.WriteString("id", identity.Id);
        if (identity.UniqueName is not null)
        {
            w.WriteString("uniqueName", identity.UniqueName);
        }

        w.WriteString("imageUrl", $"{root}_api/_common/identityImage?id={identity.Id}");
        if (identity.IsContainer)
        {
            w.WriteBoolean("isContainer", true);
        }
    }

    private void ProjectRef(Utf8JsonWriter w, SimulatedAdoProject project)
    {
        w.WriteStartObject("project");
        w.WriteString("id", project.Id);
        w.WriteString("name", project.Name);
        w.WriteString("url", $"{root}_apis/projects/{project.Id}");
        w.WriteString("state", "wellFormed");
        w.WriteNumber("revision", 11);
        w.WriteString("visibility", "private");
        w.WriteEndObject();
    }

    private void Repository(Utf8JsonWriter w, SimulatedAdoRepository repo, bool full = true)
    {
        w.WriteStartObject();
        w.WriteString("id", repo.Id);
        w.WriteString("name", repo.Name);
        w.WriteString("url", $"{root}{repo.Project.Id}/_apis/git/repositories/{repo.Id}");
        ProjectRef(w, repo.Project);
        if (full)
        {
            if (repo.DefaultBranch.Length > 0)
            {
                w.WriteString("defaultBranch", "refs/heads/" + repo.DefaultBranch);
            }

            w.WriteNumber("size", repo.DefaultBranch.Length > 0 ? 104_857 : 0);
            w.WriteString("remoteUrl", $"{root}{Uri.EscapeDataString(repo.Project.Name)}/_git/{Uri.EscapeDataString(repo.Name)}");
            w.WriteString("webUrl", $"{root}{Uri.EscapeDataString(repo.Project.Name)}/_git/{Uri.EscapeDataString(repo.Name)}");
            if (repo.IsFork)
            {
                w.WriteBoolean("isFork", true);
            }

            w.WriteBoolean("isDisabled", repo.IsDisabled);
            w.WriteBoolean("isInMaintenance", false);
        }

        w.WriteEndObject();
    }

    private void PullRequest(Utf8JsonWriter w, SimulatedAdoPullRequest pr)
    {
        var repo = pr.Repository;
        var prUrl = $"{root}{repo.Project.Id}/_apis/git/repositories/{repo.Id}/pullRequests/{pr.Id}";
        w.WriteStartObject();
        w.WritePropertyName("repository");
        Repository(w, repo, full: false);
        w.WriteNumber("pullRequestId", pr.Id);
        w.WriteNumber("codeReviewId", pr.Id);
        w.WriteString("status", pr.Status);
        Identity(w, "createdBy", pr.Author);
        Time(w, "creationDate", pr.CreatedAt);
        if (pr.ClosedAt is { } closed)
        {
            Time(w, "closedDate", closed);
        }

        w.WriteString("title", $"Change {pr.Id}");
        w.WriteString("description", "Simulated change");
        w.WriteString("sourceRefName", "refs/heads/" + pr.SourceBranch);
        w.WriteString("targetRefName", "refs/heads/" + pr.TargetBranch);
        w.WriteString("mergeStatus", "succeeded");
        w.WriteBoolean("isDraft", pr.IsDraft);
        w.WriteString("mergeId", SimulatedAzureDevOps.Guid($"merge/{pr.Id}"));
        var head = pr.Commits.Count == 0 ? null : pr.Commits[^1];
        if (head is not null)
        {
            w.WriteStartObject("lastMergeSourceCommit");
            w.WriteString("commitId", head.Sha);
            w.WriteString("url", $"{root}{repo.Project.Id}/_apis/git/repositories/{repo.Id}/commits/{head.Sha}");
            w.WriteEndObject();
        }

        var merge = pr.MergeCommitSha ?? SimulatedAzureDevOps.Sha($"{repo.Id}/pr/{pr.Id}/merge-preview");
        w.WriteStartObject("lastMergeCommit");
        w.WriteString("commitId", merge);
        w.WriteString("url", $"{root}{repo.Project.Id}/_apis/git/repositories/{repo.Id}/commits/{merge}");
        w.WriteEndObject();
        w.WriteStartArray("reviewers");
        foreach (var (identity, vote) in pr.Reviewers)
        {
            w.WriteStartObject();
            w.WriteString("reviewerUrl", $"{prUrl}/reviewers/{identity.Id}");
            IdentityBody(w, identity, vote);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("url", prUrl);
        w.WriteBoolean("supportsIterations", true);
        w.WriteEndObject();
    }

    private void Commit(Utf8JsonWriter w, SimulatedAdoRepository repo, string sha, SimulatedAdoIdentity author, DateTimeOffset at, string comment)
    {
        w.WriteStartObject();
        w.WriteString("commitId", sha);
        foreach (var role in new[] { "author", "committer" })
        {
            w.WriteStartObject(role);
            w.WriteString("name", author.DisplayName);
            w.WriteString("email", author.UniqueName ?? "");
            w.WriteString("date", at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteString("comment", comment);
        w.WriteString("url", $"{root}{repo.Project.Id}/_apis/git/repositories/{repo.Id}/commits/{sha}");
        w.WriteEndObject();
    }

    /// <summary>A <c>GitPush</c>; its commits (newest first) only when asked for, as the single-push GET does.</summary>
    private void Push(Utf8JsonWriter w, SimulatedAdoRepository repo, SimulatedAdoPush push, bool withRefUpdates, int commits)
    {
        w.WriteStartObject();
        if (withRefUpdates)
        {
            w.WriteStartArray("refUpdates");
            w.WriteStartObject();
            w.WriteString("repositoryId", repo.Id);
            w.WriteString("name", "refs/heads/" + repo.DefaultBranch);
            w.WriteString("oldObjectId", push.OldSha);
            w.WriteString("newObjectId", push.NewSha);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (commits > 0)
        {
            w.WriteStartArray("commits");
            foreach (var commit in push.Commits.Reverse().Take(commits))
            {
                Commit(w, repo, commit.Sha, commit.Author, commit.AuthoredAt, "Direct push");
            }

            w.WriteEndArray();
        }

        Identity(w, "pushedBy", push.Pusher);
        w.WriteNumber("pushId", push.Id);
        Time(w, "date", push.At);
        w.WriteString("url", $"{root}_apis/git/repositories/{repo.Id}/pushes/{push.Id}");
        w.WriteEndObject();
    }

    private static void Property(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject(name);
        w.WriteString("$type", "System.String");
        w.WriteString("$value", value);
        w.WriteEndObject();
    }

    private static void Property(Utf8JsonWriter w, string name, int value)
    {
        w.WriteStartObject(name);
        w.WriteString("$type", "System.Int32");
        w.WriteNumber("$value", value);
        w.WriteEndObject();
    }

    private void Thread(Utf8JsonWriter w, SimulatedAdoPullRequest pr, SimulatedAdoThread thread)
    {
        w.WriteStartObject();
        w.WriteNull("pullRequestThreadContext");
        w.WriteNumber("id", thread.Id);
        Time(w, "publishedDate", thread.At);
        Time(w, "lastUpdatedDate", thread.At);
        w.WriteStartArray("comments");
        var system = thread.Kind != SimulatedAdoThreadKind.Text;
        var content = thread.Kind switch
        {
            SimulatedAdoThreadKind.VoteUpdate => $"{thread.Actor.DisplayName} voted {thread.Vote}",
            SimulatedAdoThreadKind.ReviewersUpdate => $"{thread.Actor.DisplayName} added {thread.Subject?.DisplayName} as a reviewer",
            SimulatedAdoThreadKind.DraftToggle => thread.NowDraft ? $"{thread.Actor.DisplayName} marked the pull request as a draft" : $"{thread.Actor.DisplayName} published the pull request",
            _ => thread.Text ?? "",
        };
        for (var i = 0; i <= (system ? 0 : thread.Replies); i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", i + 1);
            w.WriteNumber("parentCommentId", i == 0 ? 0 : 1);
            Identity(w, "author", system ? SimulatedAzureDevOps.ServiceAccounts : i == 0 ? thread.Actor : pr.Author);
            w.WriteString("content", i == 0 ? content : "Fixed, thanks.");
            Time(w, "publishedDate", thread.At.AddMinutes(i));
            Time(w, "lastUpdatedDate", thread.At.AddMinutes(i));
            w.WriteString("commentType", system ? "system" : "text");
            w.WriteStartArray("usersLiked");
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (!system)
        {
            w.WriteString("status", "active");
        }

        w.WriteNull("threadContext");
        w.WriteStartObject("properties");
        switch (thread.Kind)
        {
            case SimulatedAdoThreadKind.VoteUpdate when thread.VoterShape == SimulatedAdoVoterShape.IdentityRef:
                Property(w, "CodeReviewThreadType", "VoteUpdate");
                Property(w, "CodeReviewVoteResult", thread.Vote.ToString(CultureInfo.InvariantCulture));
                Property(w, "CodeReviewVotedByInitiatorIdentity", VoterKey);
                Property(w, "CodeReviewVotedByIdentity", VoterKey);
                break;
            case SimulatedAdoThreadKind.VoteUpdate:
                Property(w, "CodeReviewThreadType", "VoteUpdate");
                Property(w, "CodeReviewVotedByDisplayName", thread.Actor.DisplayName);
                Property(w, "CodeReviewVotedByTfId", thread.Actor.Id);
                Property(w, "CodeReviewVoteResult", thread.Vote.ToString(CultureInfo.InvariantCulture));
                break;
            case SimulatedAdoThreadKind.ReviewersUpdate:
                Property(w, "CodeReviewThreadType", "ReviewersUpdate");
                Property(w, "CodeReviewReviewersUpdatedAddedDisplayName", thread.Subject?.DisplayName ?? "");
                Property(w, "CodeReviewReviewersUpdatedAddedTfId", (thread.Subject?.Id ?? "").Replace("-", "", StringComparison.Ordinal));
                Property(w, "CodeReviewReviewersUpdatedByDisplayname", thread.Actor.DisplayName);
                Property(w, "CodeReviewReviewersUpdatedByTfId", thread.Actor.Id.Replace("-", "", StringComparison.Ordinal));
                Property(w, "CodeReviewReviewersUpdatedNumAdded", 1);
                Property(w, "CodeReviewReviewersUpdatedNumRemoved", 0);
                break;
            case SimulatedAdoThreadKind.DraftToggle:
                Property(w, "CodeReviewThreadType", "IsDraftUpdate");
                if (thread.DraftFlag == SimulatedAdoDraftFlagShape.JsonBoolean)
                {
                    w.WriteStartObject("CodeReviewIsDraftNowSet");
                    w.WriteString("$type", "System.Boolean");
                    w.WriteBoolean("$value", thread.NowDraft);
                    w.WriteEndObject();
                }
                else if (thread.DraftFlag == SimulatedAdoDraftFlagShape.Text)
                {
                    Property(w, "CodeReviewIsDraftNowSet", thread.NowDraft ? "True" : "False");
                }

                Property(w, "CodeReviewIsDraftUpdatedByDisplayName", thread.Actor.DisplayName);
                Property(w, "CodeReviewIsDraftUpdatedByTfId", thread.Actor.Id);
                break;
            default:
                Property(w, "Microsoft.TeamFoundation.Discussion.SupportsMarkdown", 1);
                break;
        }

        w.WriteEndObject();
        if (thread.Kind == SimulatedAdoThreadKind.VoteUpdate && thread.VoterShape == SimulatedAdoVoterShape.IdentityRef)
        {
            w.WriteStartObject("identities");
            Identity(w, VoterKey, thread.Actor);
            w.WriteEndObject();
        }

        w.WriteBoolean("isDeleted", false);
        w.WriteEndObject();
    }

    /// <summary>Answers the WIQL the source sends: work item type, changed since, tags (CONTAINS) and area path are honoured.</summary>
    public string Wiql(SimulatedAdoProject project, string body)
    {
        var query = JsonDocument.Parse(body).RootElement.GetProperty("query").GetString() ?? "";
        string? Value(string pattern) =>
            System.Text.RegularExpressions.Regex.Match(query, pattern + @"\s*'((?:[^']|'')*)'") is { Success: true } m ? m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : null;
        var type = Value(@"\[System\.WorkItemType\]\s*=");
        var changed = Value(@"\[System\.ChangedDate\]\s*>=") is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : (DateTimeOffset?)null;
        var tags = System.Text.RegularExpressions.Regex.Matches(query, @"\[System\.Tags\]\s*CONTAINS\s*'((?:[^']|'')*)'").Select(m => m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)).ToList();
        var found = project.Incidents
            .Where(i => type is null || string.Equals(i.Type, type, StringComparison.OrdinalIgnoreCase))
            .Where(i => changed is null || i.ChangedAt >= changed)
            .Where(i => tags.All(t => i.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(i => i.ChangedAt)
            .ToList();
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("queryType", "flat");
            w.WriteString("queryResultType", "workItem");
            w.WriteString("asOf", DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteStartArray("columns");
            w.WriteStartObject();
            w.WriteString("referenceName", "System.Id");
            w.WriteString("name", "ID");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("workItems");
            foreach (var incident in found)
            {
                w.WriteStartObject();
                w.WriteNumber("id", incident.Id);
                w.WriteString("url", $"{root}_apis/wit/workItems/{incident.Id}");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Answers <c>wit/artifacturiquery</c>: for each artifact URI sent, the work items linked to it, keyed by the URI as
    /// sent. Pull-request URIs (<c>vstfs:///Git/PullRequestId/{projectId}%2f{repositoryId}%2f{id}</c>, escapes in either
    /// case) resolve against the model; any other URI has no links.
    /// </summary>
    /// <summary>
    /// <c>POST …/commitsbatch</c>: the commits of <c>itemVersion</c> (a branch), newest first, since <c>fromDate</c>, paged
    /// with <c>$top</c> (default 100) and <c>$skip</c>. The model's trunk is the default branch's first-parent history
    /// (merge commits and direct pushes), which is what <c>historyMode=firstParent</c> asks for; another branch has none.
    /// </summary>
    public string CommitsBatch(SimulatedAdoRepository repo, AdoQuery query, string body)
    {
        var criteria = JsonDocument.Parse(body).RootElement;
        var branch = criteria.TryGetProperty("itemVersion", out var version) && version.TryGetProperty("version", out var v) ? v.GetString() : null;
        var from = criteria.TryGetProperty("fromDate", out var f) && DateTimeOffset.TryParse(f.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since) ? since : DateTimeOffset.MinValue;
        var onBranch = branch is null || "refs/heads/" + branch == repo.DefaultBranch || branch == repo.DefaultBranch;
        var commits = onBranch ? repo.Trunk.Where(c => c.At >= from).OrderByDescending(c => c.At).ToList() : [];
        var page = commits.Skip(query.Int("$skip") ?? 0).Take(query.Int("$top") ?? 100).ToList();
        return Wrap(page, (w, c) =>
        {
            var author = c.PullRequestId is { } id && repo.FindPullRequest(id) is { } pr ? pr.Author : SimulatedAdoIdentity.Person("direct@contoso.com");
            Commit(w, repo, c.Sha, author, c.At, c.PullRequestId is { } prId ? $"Merged PR {prId}" : "Direct push");
        });
    }

    public string ArtifactUriQuery(string body)
    {
        var uris = JsonDocument.Parse(body).RootElement.GetProperty("artifactUris").EnumerateArray().Select(u => u.GetString() ?? "").ToList();
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("artifactUrisQueryResult");
            foreach (var uri in uris.Distinct(StringComparer.Ordinal))
            {
                w.WriteStartArray(uri);
                foreach (var item in PullRequestOf(uri)?.WorkItems ?? [])
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", item.Id);
                    w.WriteString("url", $"{root}_apis/wit/workItems/{item.Id}");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private SimulatedAdoPullRequest? PullRequestOf(string artifactUri)
    {
        const string Prefix = "vstfs:///Git/PullRequestId/";
        if (!artifactUri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = Uri.UnescapeDataString(artifactUri[Prefix.Length..]).Split('/');
        if (parts is not [var projectId, var repositoryId, var id] || !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var project = model.Projects.FirstOrDefault(p => string.Equals(p.Id, projectId, StringComparison.OrdinalIgnoreCase));
        var repository = project?.Repositories.FirstOrDefault(r => string.Equals(r.Id, repositoryId, StringComparison.OrdinalIgnoreCase));
        return repository?.FindPullRequest(number);
    }

    private string WorkItems(AdoQuery query)
    {
        var ids = (query.Get("ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList();
        var known = model.Projects.SelectMany(p => p.Repositories).SelectMany(r => r.PullRequests).SelectMany(p => p.WorkItems)
            .GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First());
        var incidents = model.Projects.SelectMany(p => p.Incidents).GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First());
        return Wrap(ids, (w, id) =>
        {
            if (incidents.TryGetValue(id, out var incident))
            {
                w.WriteStartObject();
                w.WriteNumber("id", incident.Id);
                w.WriteNumber("rev", 5);
                w.WriteStartObject("fields");
                w.WriteString("System.WorkItemType", incident.Type);
                Time(w, "System.CreatedDate", incident.CreatedAt);
                Time(w, "Microsoft.VSTS.Common.ResolvedDate", incident.ResolvedAt);
                w.WriteEndObject();
                w.WriteEndObject();
                return;
            }

            if (!known.TryGetValue(id, out var item))
            {
                w.WriteNullValue(); // errorPolicy=omit
                return;
            }

            w.WriteStartObject();
            w.WriteNumber("id", item.Id);
            w.WriteNumber("rev", 3);
            w.WriteStartObject("fields");
            w.WriteString("System.WorkItemType", item.Type);
            Time(w, "System.CreatedDate", item.CreatedAt);
            Time(w, "Microsoft.VSTS.Common.ActivatedDate", item.ActivatedAt);
            w.WriteEndObject();
            w.WriteString("url", $"{root}_apis/wit/workItems/{item.Id}");
            w.WriteEndObject();
        });
    }

    private void Build(Utf8JsonWriter w, SimulatedAdoBuild build)
    {
        var project = build.Project;
        w.WriteStartObject();
        w.WriteStartObject("_links");
        w.WriteStartObject("web");
        w.WriteString("href", $"{root}{project.Id}/_build/results?buildId={build.Id}");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteNumber("id", build.Id);
        w.WriteString("buildNumber", build.BuildNumber);
        w.WriteString("status", build.Status);
        if (build.Result is { } result)
        {
            w.WriteString("result", result);
        }

        Time(w, "queueTime", build.QueueTime);
        Time(w, "startTime", build.StartTime);
        Time(w, "finishTime", build.FinishTime);
        w.WriteString("url", $"{root}{project.Id}/_apis/build/Builds/{build.Id}");
        w.WriteStartObject("definition");
        w.WriteNumber("id", build.DefinitionId);
        w.WriteString("name", build.Pipeline);
        w.WriteString("type", "build");
        w.WriteNumber("revision", 4);
        w.WriteEndObject();
        ProjectRef(w, project);
        w.WriteString("uri", $"vstfs:///Build/Build/{build.Id}");
        w.WriteString("sourceBranch", build.SourceBranch);
        w.WriteString("sourceVersion", build.SourceVersion);
        w.WriteString("priority", "normal");
        w.WriteString("reason", build.Reason);
        w.WriteStartObject("repository");
        w.WriteString("id", build.Repository.Id);
        w.WriteString("type", "TfsGit");
        w.WriteString("name", build.Repository.Name);
        w.WriteEndObject();
        w.WriteStartObject("orchestrationPlan");
        w.WriteString("planId", SimulatedAzureDevOps.Guid($"plan/{build.Id}"));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private string TimelineUrl(SimulatedAdoBuild build) => $"{root}{build.Project.Id}/_apis/build/builds/{build.Id}/Timeline";

    private void Timeline(Utf8JsonWriter w, SimulatedAdoBuild build)
    {
        w.WriteStartObject();
        w.WriteStartArray("records");
        foreach (var r in build.Timeline)
        {
            w.WriteStartObject();
            w.WriteStartArray("previousAttempts");
            w.WriteEndArray();
            w.WriteString("id", r.Id);
            if (r.ParentId is null)
            {
                w.WriteNull("parentId");
            }
            else
            {
                w.WriteString("parentId", r.ParentId);
            }

            w.WriteString("type", r.Type);
            w.WriteString("name", r.Name);
            Time(w, "startTime", r.StartTime);
            Time(w, "finishTime", r.FinishTime);
            w.WriteNull("currentOperation");
            w.WriteNumber("percentComplete", r.State == "completed" ? 100 : 0);
            w.WriteString("state", r.State);
            if (r.Result is null)
            {
                w.WriteNull("result");
            }
            else
            {
                w.WriteString("result", r.Result);
            }

            w.WriteNumber("changeId", 1);
            w.WriteString("lastModified", "0001-01-01T00:00:00");
            w.WriteNumber("order", r.Order);
            w.WriteNumber("attempt", r.Attempt);
            if (r.Identifier is null)
            {
                w.WriteNull("identifier");
            }
            else
            {
                w.WriteString("identifier", r.Identifier);
            }

            w.WriteNumber("errorCount", r.Result == "failed" ? 1 : 0);
            w.WriteNumber("warningCount", 0);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("id", SimulatedAzureDevOps.Guid($"timeline/{build.Id}"));
        w.WriteNumber("changeId", build.Timeline.Count);
        w.WriteString("url", TimelineUrl(build));
        w.WriteEndObject();
    }

    private void Change(Utf8JsonWriter w, SimulatedAdoRepository repo, SimulatedAdoTrunkCommit commit)
    {
        var author = commit.PullRequestId is { } id && repo.FindPullRequest(id) is { } pr ? pr.Author : SimulatedAdoIdentity.Person("direct@contoso.com");
        w.WriteStartObject();
        w.WriteString("id", commit.Sha);
        w.WriteString("message", commit.PullRequestId is { } prId ? $"Merged PR {prId}" : "Direct push");
        w.WriteString("type", "TfsGit");
        w.WriteStartObject("author");
        w.WriteNull("id");
        w.WriteString("displayName", author.DisplayName);
        w.WriteString("uniqueName", author.UniqueName ?? author.DisplayName);
        w.WriteEndObject();
        Time(w, "timestamp", commit.At);
        w.WriteString("location", $"{root}_apis/git/repositories/{repo.Id}/commits/{commit.Sha}");
        w.WriteEndObject();
    }

    private void Environment(Utf8JsonWriter w, SimulatedAdoEnvironment environment)
    {
        w.WriteStartObject();
        w.WriteNumber("id", environment.Id);
        w.WriteString("name", environment.Name);
        w.WriteString("description", "");
        Identity(w, "createdBy", SimulatedAdoIdentity.Person("admin@contoso.com"));
        w.WriteString("createdOn", "2024-01-08T10:00:00.000Z");
        w.WriteString("lastModifiedOn", "2024-01-08T10:00:00.000Z");
        w.WriteStartObject("project");
        w.WriteString("id", environment.Project.Id);
        w.WriteString("name", environment.Project.Name);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Record(Utf8JsonWriter w, SimulatedAdoDeploymentRecord record)
    {
        var build = record.Build;
        w.WriteStartObject();
        w.WriteNumber("id", record.Id);
        w.WriteNumber("environmentId", record.Environment.Id);
        w.WriteString("serviceOwner", "00025394-6065-48ca-87d9-7f5672854ef7");
        w.WriteString("requestIdentifier", SimulatedAzureDevOps.Guid($"request/{record.Id}"));
        w.WriteString("planType", "Build");
        w.WriteString("planId", SimulatedAzureDevOps.Guid($"plan/{build.Id}"));
        w.WriteString("scopeId", build.Project.Id);
        w.WriteStartObject("definition");
        w.WriteNumber("id", build.DefinitionId);
        w.WriteString("name", build.Pipeline);
        w.WriteEndObject();
        w.WriteStartObject("owner");
        w.WriteNumber("id", build.Id);
        w.WriteString("name", build.BuildNumber);
        w.WriteEndObject();
        w.WriteString("stageName", record.StageName);
        w.WriteNumber("stageAttempt", record.StageAttempt);
        w.WriteString("jobName", record.JobName);
        w.WriteNumber("jobAttempt", 1);
        Time(w, "queueTime", record.QueueTime);
        Time(w, "startTime", record.StartTime);
        Time(w, "finishTime", record.FinishTime);
        w.WriteString("result", record.Result);
        w.WriteEndObject();
    }
}
