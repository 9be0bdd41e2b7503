using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// Writes model objects as GitHub's REST API does (field names, nesting, <c>null</c>s, ISO timestamps with <c>Z</c>),
/// following the recorded payloads under <c>shared/fixtures/github</c>. Callers hold the model's lock.
/// </summary>
internal sealed class GitHubPayloads
{
    private const string Html = "https://github.com/";

    private readonly string api;

    /// <param name="apiRoot">The simulator's REST root, ending with '/' (what <c>url</c> fields point at).</param>
    public GitHubPayloads(string apiRoot)
    {
        api = apiRoot;
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

    public static string Message(string message, string documentationUrl, int status) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteString("documentation_url", documentationUrl);
        w.WriteString("status", status.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    });

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public void User(Utf8JsonWriter w, SimulatedUser user, string? propertyName = null, string? typeOverride = null)
    {
        if (propertyName is not null)
        {
            w.WritePropertyName(propertyName);
        }

        var login = user.Login;
        var users = $"{api}users/{login}";
        w.WriteStartObject();
        w.WriteString("login", login);
        w.WriteNumber("id", user.Id);
        w.WriteString("node_id", SimulatedIds.NodeId(user.IsBot ? "Bot" : "User", user.Id));
        w.WriteString("avatar_url", $"https://avatars.githubusercontent.com/u/{user.Id}?v=4");
        w.WriteString("gravatar_id", "");
        w.WriteString("url", users);
        w.WriteString("html_url", user.IsBot ? $"{Html}apps/{login.Replace("[bot]", "", StringComparison.Ordinal)}" : $"{Html}{login}");
        w.WriteString("followers_url", users + "/followers");
        w.WriteString("following_url", users + "/following{/other_user}");
        w.WriteString("gists_url", users + "/gists{/gist_id}");
        w.WriteString("starred_url", users + "/starred{/owner}{/repo}");
        w.WriteString("subscriptions_url", users + "/subscriptions");
        w.WriteString("organizations_url", users + "/orgs");
        w.WriteString("repos_url", users + "/repos");
        w.WriteString("events_url", users + "/events{/privacy}");
        w.WriteString("received_events_url", users + "/received_events");
        w.WriteString("type", typeOverride ?? user.Type);
        w.WriteString("user_view_type", "public");
        w.WriteBoolean("site_admin", false);
        w.WriteEndObject();
    }

    public void Repository(Utf8JsonWriter w, SimulatedRepository repo, bool full, string? propertyName = null)
    {
        if (propertyName is not null)
        {
            w.WritePropertyName(propertyName);
        }

        var url = $"{api}repos/{repo.FullName}";
        w.WriteStartObject();
        w.WriteNumber("id", repo.Id);
        w.WriteString("node_id", SimulatedIds.NodeId("Repository", repo.Id));
        w.WriteString("name", repo.Name);
        w.WriteString("full_name", repo.FullName);
        w.WriteBoolean("private", repo.IsPrivate);
        User(w, SimulatedUser.Named(repo.Owner, false), "owner", typeOverride: repo.OwnerIsUser ? "User" : "Organization");
        w.WriteString("html_url", Html + repo.FullName);
        w.WriteString("description", $"The {repo.Name} service.");
        w.WriteBoolean("fork", repo.IsFork);
        w.WriteString("url", url);
        foreach (var (name, suffix) in RepositoryUrls)
        {
            w.WriteString(name, url + suffix);
        }

        w.WriteString("created_at", "2019-01-15T09:00:00Z");
        w.WriteString("updated_at", "2025-01-15T09:00:00Z");
        w.WriteString("pushed_at", "2025-01-15T09:00:00Z");
        w.WriteString("git_url", $"git://github.com/{repo.FullName}.git");
        w.WriteString("ssh_url", $"git@github.com:{repo.FullName}.git");
        w.WriteString("clone_url", $"{Html}{repo.FullName}.git");
        w.WriteString("svn_url", Html + repo.FullName);
        w.WriteNull("homepage");
        w.WriteNumber("size", 1024);
        w.WriteNumber("stargazers_count", 0);
        w.WriteNumber("watchers_count", 0);
        w.WriteString("language", "C#");
        w.WriteBoolean("has_issues", true);
        w.WriteBoolean("has_projects", true);
        w.WriteBoolean("has_downloads", true);
        w.WriteBoolean("has_wiki", false);
        w.WriteBoolean("has_pages", false);
        w.WriteBoolean("has_discussions", false);
        w.WriteNumber("forks_count", 0);
        w.WriteNull("mirror_url");
        w.WriteBoolean("archived", repo.IsArchived);
        w.WriteBoolean("disabled", repo.IsDisabled);
        w.WriteNumber("open_issues_count", 0);
        w.WriteNull("license");
        w.WriteBoolean("allow_forking", !repo.IsPrivate);
        w.WriteBoolean("is_template", false);
        w.WriteBoolean("web_commit_signoff_required", false);
        w.WriteStartArray("topics");
        foreach (var topic in repo.Topics)
        {
            w.WriteStringValue(topic);
        }

        w.WriteEndArray();
        w.WriteString("visibility", repo.IsPrivate ? "private" : "public");
        w.WriteNumber("forks", 0);
        w.WriteNumber("open_issues", 0);
        w.WriteNumber("watchers", 0);
        w.WriteString("default_branch", repo.DefaultBranch);
        if (full)
        {
            w.WriteStartObject("permissions");
            w.WriteBoolean("admin", false);
            w.WriteBoolean("maintain", false);
            w.WriteBoolean("push", false);
            w.WriteBoolean("triage", false);
            w.WriteBoolean("pull", true);
            w.WriteEndObject();
            w.WriteString("temp_clone_token", "");
            w.WriteBoolean("allow_squash_merge", true);
            w.WriteBoolean("allow_merge_commit", true);
            w.WriteBoolean("allow_rebase_merge", true);
            w.WriteBoolean("delete_branch_on_merge", true);
            w.WriteNumber("network_count", 0);
            w.WriteNumber("subscribers_count", 3);
        }

        w.WriteEndObject();
    }

    public void PullRequest(Utf8JsonWriter w, SimulatedPullRequest pr, bool full)
    {
        var repo = pr.Repository;
        var number = pr.Number.ToString(CultureInfo.InvariantCulture);
        var url = $"{api}repos/{repo.FullName}/pulls/{number}";
        var issue = $"{api}repos/{repo.FullName}/issues/{number}";
        var head = pr.HeadSha;
        var statuses = $"{api}repos/{repo.FullName}/statuses/{head}";
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteNumber("id", pr.Id);
        w.WriteString("node_id", SimulatedIds.NodeId("PullRequest", pr.Id));
        w.WriteString("html_url", pr.HtmlUrl);
        w.WriteString("diff_url", pr.HtmlUrl + ".diff");
        w.WriteString("patch_url", pr.HtmlUrl + ".patch");
        w.WriteString("issue_url", issue);
        w.WriteString("commits_url", url + "/commits");
        w.WriteString("review_comments_url", url + "/comments");
        w.WriteString("review_comment_url", $"{api}repos/{repo.FullName}/pulls/comments{{/number}}");
        w.WriteString("comments_url", issue + "/comments");
        w.WriteString("statuses_url", statuses);
        w.WriteNumber("number", pr.Number);
        w.WriteString("state", pr.State);
        w.WriteBoolean("locked", false);
        w.WriteString("title", pr.Title);
        User(w, pr.Author, "user");
        w.WriteString("body", $"{pr.Title}.");
        w.WriteStartArray("labels");
        foreach (var label in pr.Labels)
        {
            var labelId = SimulatedIds.StableNumber($"{repo.FullName}/label/{label}");
            w.WriteStartObject();
            w.WriteNumber("id", labelId);
            w.WriteString("node_id", SimulatedIds.NodeId("Label", labelId));
            w.WriteString("url", $"{api}repos/{repo.FullName}/labels/{Uri.EscapeDataString(label)}");
            w.WriteString("name", label);
            w.WriteString("color", "d73a4a");
            w.WriteBoolean("default", false);
            w.WriteString("description", "");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNull("milestone");
        w.WriteNull("active_lock_reason");
        w.WriteString("created_at", Time(pr.CreatedAt));
        w.WriteString("updated_at", Time(pr.UpdatedAt));
        WriteTime(w, "closed_at", pr.ClosedAt);
        WriteTime(w, "merged_at", pr.MergedAt);

        // Like GitHub: an open pull request carries the SHA of its test merge commit; only merged_at says it merged.
        w.WriteString("merge_commit_sha", pr.MergeCommitSha ?? (pr.ClosedAt is null ? SimulatedIds.Sha($"{pr}/test-merge/{head}") : null));
        w.WriteNull("assignee");
        w.WriteStartArray("assignees");
        w.WriteEndArray();
        w.WriteStartArray("requested_reviewers");
        foreach (var requested in pr.PendingReviewRequests())
        {
            User(w, requested);
        }

        w.WriteEndArray();
        w.WriteStartArray("requested_teams");
        w.WriteEndArray();
        Branch(w, "head", pr, pr.HeadBranch, head);
        Branch(w, "base", pr, pr.BaseBranch, SimulatedIds.Sha($"{repo.FullName}/{pr.BaseBranch}@{Time(pr.CreatedAt)}"));
        w.WriteStartObject("_links");
        Link(w, "self", url);
        Link(w, "html", pr.HtmlUrl);
        Link(w, "issue", issue);
        Link(w, "comments", issue + "/comments");
        Link(w, "review_comments", url + "/comments");
        Link(w, "review_comment", $"{api}repos/{repo.FullName}/pulls/comments{{/number}}");
        Link(w, "commits", url + "/commits");
        Link(w, "statuses", statuses);
        w.WriteEndObject();
        w.WriteString("author_association", "MEMBER");
        w.WriteNull("auto_merge");
        w.WriteBoolean("draft", pr.IsDraft);
        if (full)
        {
            w.WriteBoolean("merged", pr.IsMerged);
            if (pr.ClosedAt is null)
            {
                w.WriteBoolean("mergeable", true);
                w.WriteBoolean("rebaseable", true);
                w.WriteString("mergeable_state", pr.IsDraft ? "draft" : "clean");
            }
            else
            {
                w.WriteNull("mergeable");
                w.WriteNull("rebaseable");
                w.WriteString("mergeable_state", "unknown");
            }

            if (pr.MergedBy is { } mergedBy)
            {
                User(w, mergedBy, "merged_by");
            }
            else
            {
                w.WriteNull("merged_by");
            }

            w.WriteNumber("comments", 0);
            w.WriteNumber("review_comments", 0);
            w.WriteBoolean("maintainer_can_modify", false);
            w.WriteNumber("commits", pr.Commits.Count);
            w.WriteNumber("additions", (pr.Commits.Count * 17) + 3);
            w.WriteNumber("deletions", pr.Commits.Count * 5);
            w.WriteNumber("changed_files", Math.Max(1, pr.Commits.Count));
        }

        w.WriteEndObject();
    }

    public void Commit(Utf8JsonWriter w, SimulatedPullRequest pr, SimulatedCommit commit, SimulatedCommit? parent)
    {
        var repo = pr.Repository.FullName;
        w.WriteStartObject();
        w.WriteString("sha", commit.Sha);
        w.WriteString("node_id", SimulatedIds.NodeId("Commit", SimulatedIds.StableNumber(commit.Sha)));
        w.WritePropertyName("commit");
        GitCommit(w, repo, commit);
        w.WriteString("url", $"{api}repos/{repo}/commits/{commit.Sha}");
        w.WriteString("html_url", $"{Html}{repo}/commit/{commit.Sha}");
        w.WriteString("comments_url", $"{api}repos/{repo}/commits/{commit.Sha}/comments");
        User(w, commit.Author, "author");
        User(w, SimulatedUser.Named("web-flow", false), "committer");
        Parents(w, repo, parent);
        w.WriteEndObject();
    }

    public void Review(Utf8JsonWriter w, SimulatedPullRequest pr, SimulatedReview review, bool asTimelineEvent)
    {
        var repo = pr.Repository.FullName;
        var pull = $"{api}repos/{repo}/pulls/{pr.Number.ToString(CultureInfo.InvariantCulture)}";
        var html = $"{pr.HtmlUrl}#pullrequestreview-{review.Id.ToString(CultureInfo.InvariantCulture)}";
        w.WriteStartObject();
        if (asTimelineEvent)
        {
            w.WriteString("event", "reviewed");
        }

        w.WriteNumber("id", review.Id);
        w.WriteString("node_id", SimulatedIds.NodeId("PullRequestReview", review.Id));
        User(w, review.Reviewer, "user");
        w.WriteString("body", review.State == SimulatedReviewState.Approved ? "" : "Please have a look at the comments.");

        // The timeline spells review states in lower case; the reviews list in upper case.
        w.WriteString("state", asTimelineEvent ? review.WireState.ToLowerInvariant() : review.WireState);
        w.WriteString("html_url", html);
        w.WriteString("pull_request_url", pull);
        w.WriteString("author_association", string.Equals(review.Reviewer.Login, pr.Author.Login, StringComparison.OrdinalIgnoreCase) ? "OWNER" : "MEMBER");
        w.WriteStartObject("_links");
        Link(w, "html", html);
        Link(w, "pull_request", pull);
        w.WriteEndObject();
        if (review.SubmittedAt is { } submitted)
        {
            w.WriteString("submitted_at", Time(submitted));
        }

        w.WriteString("commit_id", review.CommitId);
        w.WriteEndObject();
    }

    /// <summary>An issue event as it appears on the timeline (<c>ready_for_review</c>, <c>review_requested</c>, <c>merged</c>, <c>closed</c>, …).</summary>
    public void IssueEvent(Utf8JsonWriter w, SimulatedPullRequest pr, long id, string name, DateTimeOffset at, SimulatedUser actor, string? commitId = null, SimulatedUser? requestedReviewer = null)
    {
        var repo = pr.Repository.FullName;
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("node_id", SimulatedIds.NodeId(EventType(name), id));
        w.WriteString("url", $"{api}repos/{repo}/issues/events/{id.ToString(CultureInfo.InvariantCulture)}");
        User(w, actor, "actor");
        w.WriteString("event", name);
        if (commitId is null)
        {
            w.WriteNull("commit_id");
            w.WriteNull("commit_url");
        }
        else
        {
            w.WriteString("commit_id", commitId);
            w.WriteString("commit_url", $"{api}repos/{repo}/commits/{commitId}");
        }

        w.WriteString("created_at", Time(at));
        if (requestedReviewer is not null)
        {
            User(w, actor, "review_requester");
            User(w, requestedReviewer, "requested_reviewer");
        }

        if (name == "closed")
        {
            w.WriteNull("state_reason");
        }

        w.WriteNull("performed_via_github_app");
        w.WriteEndObject();
    }

    /// <summary>A <c>committed</c> timeline entry: the git commit itself, without actor or created_at (as GitHub sends it).</summary>
    public void CommittedEvent(Utf8JsonWriter w, SimulatedPullRequest pr, SimulatedCommit commit, SimulatedCommit? parent)
    {
        var repo = pr.Repository.FullName;
        w.WriteStartObject();
        w.WriteString("sha", commit.Sha);
        w.WriteString("node_id", SimulatedIds.NodeId("Commit", SimulatedIds.StableNumber(commit.Sha)));
        w.WriteString("url", $"{api}repos/{repo}/git/commits/{commit.Sha}");
        w.WriteString("html_url", $"{Html}{repo}/commit/{commit.Sha}");
        Signature(w, "author", commit.Author, commit.AuthoredAt);
        Signature(w, "committer", commit.Author, commit.CommittedAt);
        w.WriteStartObject("tree");
        w.WriteString("sha", SimulatedIds.Sha(commit.Sha + "/tree"));
        w.WriteString("url", $"{api}repos/{repo}/git/trees/{SimulatedIds.Sha(commit.Sha + "/tree")}");
        w.WriteEndObject();
        w.WriteString("message", commit.Message);
        Parents(w, repo, parent);
        Verification(w);
        w.WriteString("event", "committed");
        w.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            w.WriteString(name, Time(value));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Link(Utf8JsonWriter w, string name, string href)
    {
        w.WriteStartObject(name);
        w.WriteString("href", href);
        w.WriteEndObject();
    }

    private static void Signature(Utf8JsonWriter w, string name, SimulatedUser user, DateTimeOffset at)
    {
        w.WriteStartObject(name);
        w.WriteString("name", user.Login);
        w.WriteString("email", $"{user.Id.ToString(CultureInfo.InvariantCulture)}+{user.Login}@users.noreply.github.com");
        w.WriteString("date", Time(at));
        w.WriteEndObject();
    }

    private static void Verification(Utf8JsonWriter w)
    {
        w.WriteStartObject("verification");
        w.WriteBoolean("verified", false);
        w.WriteString("reason", "unsigned");
        w.WriteNull("signature");
        w.WriteNull("payload");
        w.WriteNull("verified_at");
        w.WriteEndObject();
    }

    private static string EventType(string name) => name switch
    {
        "ready_for_review" => "ReadyForReviewEvent",
        "convert_to_draft" => "ConvertToDraftEvent",
        "review_requested" => "ReviewRequestedEvent",
        "merged" => "MergedEvent",
        _ => "ClosedEvent",
    };

    /// <summary>A workflow run as <c>GET …/actions/runs</c> lists it (fixture <c>actions-workflow-runs-list.json</c>).</summary>
    public void WorkflowRun(Utf8JsonWriter w, SimulatedRepository repository, SimulatedWorkflowRun run)
    {
        var repo = repository.FullName;
        var id = run.Id.ToString(CultureInfo.InvariantCulture);
        var runs = $"{api}repos/{repo}/actions/runs/{id}";
        w.WriteStartObject();
        w.WriteNumber("id", run.Id);
        w.WriteString("name", run.Name);
        w.WriteString("node_id", SimulatedIds.NodeId("WorkflowRun", run.Id));
        w.WriteString("head_branch", run.HeadBranch);
        w.WriteString("head_sha", run.HeadSha);
        w.WriteString("path", $".github/workflows/{run.Name.ToLowerInvariant().Replace(' ', '-')}.yml");
        w.WriteString("display_title", run.Name);
        w.WriteNumber("run_number", run.Id % 10_000);
        w.WriteString("event", "push");
        w.WriteString("status", run.Status);
        if (run.Conclusion is null)
        {
            w.WriteNull("conclusion");
        }
        else
        {
            w.WriteString("conclusion", run.Conclusion);
        }

        w.WriteNumber("workflow_id", SimulatedIds.StableNumber(repo + "/workflow/" + run.Name));
        w.WriteNumber("check_suite_id", SimulatedIds.StableNumber(repo + "/suite/" + id));
        w.WriteString("url", runs);
        w.WriteString("html_url", run.HtmlUrl(repository));
        w.WriteStartArray("pull_requests");
        w.WriteEndArray();
        w.WriteString("created_at", Time(run.CreatedAt));
        w.WriteString("updated_at", Time(run.UpdatedAt));
        w.WriteNumber("run_attempt", run.Attempt);
        w.WriteStartArray("referenced_workflows");
        w.WriteEndArray();

        // GitHub fills run_started_at with created_at while a run is still queued.
        w.WriteString("run_started_at", Time(run.StartedAt ?? run.CreatedAt));
        w.WriteString("jobs_url", runs + "/jobs");
        w.WriteString("logs_url", runs + "/logs");
        w.WriteString("check_suite_url", $"{api}repos/{repo}/check-suites/{SimulatedIds.StableNumber(repo + "/suite/" + id)}");
        w.WriteString("artifacts_url", runs + "/artifacts");
        w.WriteString("cancel_url", runs + "/cancel");
        w.WriteString("rerun_url", runs + "/rerun");
        if (run.Attempt > 1)
        {
            w.WriteString("previous_attempt_url", $"{runs}/attempts/{(run.Attempt - 1).ToString(CultureInfo.InvariantCulture)}");
        }
        else
        {
            w.WriteNull("previous_attempt_url");
        }

        w.WriteString("workflow_url", $"{api}repos/{repo}/actions/workflows/{SimulatedIds.StableNumber(repo + "/workflow/" + run.Name)}");

        // Required by GitHub's description (workflow-run: head_commit is a simple-commit, both repositories minimal-repository).
        w.WriteStartObject("head_commit");
        w.WriteString("id", run.HeadSha);
        w.WriteString("tree_id", SimulatedIds.Sha("tree/" + run.HeadSha));
        w.WriteString("message", "Merge to " + repository.DefaultBranch);
        w.WriteString("timestamp", Time(run.CreatedAt));
        foreach (var role in new[] { "author", "committer" })
        {
            w.WriteStartObject(role);
            w.WriteString("name", "web-flow");
            w.WriteString("email", "noreply@github.com");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        Repository(w, repository, full: false, propertyName: "repository");
        Repository(w, repository, full: false, propertyName: "head_repository");
        w.WriteEndObject();
    }

    /// <summary>A deployment (fixture <c>deployments-list.json</c>).</summary>
    public void Deployment(Utf8JsonWriter w, SimulatedDeployment deployment)
    {
        var repo = deployment.Repository.FullName;
        var url = $"{api}repos/{repo}/deployments/{deployment.Id.ToString(CultureInfo.InvariantCulture)}";
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteNumber("id", deployment.Id);
        w.WriteString("node_id", SimulatedIds.NodeId("Deployment", deployment.Id));
        w.WriteString("sha", deployment.Sha);
        w.WriteString("ref", deployment.Ref);
        w.WriteString("task", "deploy");
        w.WriteStartObject("payload");
        w.WriteEndObject();
        w.WriteString("original_environment", deployment.Environment);
        w.WriteString("environment", deployment.Environment);
        w.WriteNull("description");
        User(w, SimulatedUser.Named("github-actions[bot]"), "creator");
        w.WriteString("created_at", Time(deployment.CreatedAt));
        w.WriteString("updated_at", Time(deployment.UpdatedAt));
        w.WriteString("statuses_url", url + "/statuses");
        w.WriteString("repository_url", $"{api}repos/{repo}");
        w.WriteBoolean("transient_environment", false);
        w.WriteBoolean("production_environment", deployment.Environment.Equals("production", StringComparison.OrdinalIgnoreCase));
        w.WriteEndObject();
    }

    /// <summary>A deployment status (fixture <c>deployment-statuses-list.json</c>).</summary>
    public void DeploymentStatus(Utf8JsonWriter w, SimulatedDeployment deployment, SimulatedDeploymentStatus status)
    {
        var repo = deployment.Repository.FullName;
        var url = $"{api}repos/{repo}/deployments/{deployment.Id.ToString(CultureInfo.InvariantCulture)}";
        w.WriteStartObject();
        w.WriteString("url", $"{url}/statuses/{status.Id.ToString(CultureInfo.InvariantCulture)}");
        w.WriteNumber("id", status.Id);
        w.WriteString("node_id", SimulatedIds.NodeId("DeploymentStatus", status.Id));
        w.WriteString("state", status.State);
        User(w, SimulatedUser.Named("github-actions[bot]"), "creator");
        w.WriteString("description", "");
        w.WriteString("environment", deployment.Environment);
        w.WriteString("target_url", deployment.LogUrl);
        w.WriteString("created_at", Time(status.CreatedAt));
        w.WriteString("updated_at", Time(status.CreatedAt));
        w.WriteString("deployment_url", url);
        w.WriteString("repository_url", $"{api}repos/{repo}");
        w.WriteString("environment_url", "");
        w.WriteString("log_url", deployment.LogUrl);
        w.WriteEndObject();
    }

    /// <summary>A commit of a compare (fixture <c>compare-commits.json</c>), authored and committed when it landed.</summary>
    public void TrunkCommit(Utf8JsonWriter w, SimulatedRepository repository, SimulatedTrunkCommit commit, string? parentSha)
    {
        var model = new SimulatedCommit(commit.Sha, commit.At, commit.At, SimulatedUser.Named("web-flow", false), "Merge to " + repository.DefaultBranch);
        var repo = repository.FullName;
        w.WriteStartObject();
        w.WriteString("sha", commit.Sha);
        w.WriteString("node_id", SimulatedIds.NodeId("Commit", SimulatedIds.StableNumber(commit.Sha)));
        w.WritePropertyName("commit");
        GitCommit(w, repo, model);
        w.WriteString("url", $"{api}repos/{repo}/commits/{commit.Sha}");
        w.WriteString("html_url", $"{Html}{repo}/commit/{commit.Sha}");
        w.WriteString("comments_url", $"{api}repos/{repo}/commits/{commit.Sha}/comments");
        User(w, model.Author, "author");
        User(w, model.Author, "committer");
        w.WriteStartArray("parents");
        if (parentSha is not null)
        {
            w.WriteStartObject();
            w.WriteString("sha", parentSha);
            w.WriteString("url", $"{api}repos/{repo}/commits/{parentSha}");
            w.WriteString("html_url", $"{Html}{repo}/commit/{parentSha}");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void GitCommit(Utf8JsonWriter w, string repo, SimulatedCommit commit)
    {
        w.WriteStartObject();
        Signature(w, "author", commit.Author, commit.AuthoredAt);
        Signature(w, "committer", commit.Author, commit.CommittedAt);
        w.WriteString("message", commit.Message);
        w.WriteStartObject("tree");
        w.WriteString("sha", SimulatedIds.Sha(commit.Sha + "/tree"));
        w.WriteString("url", $"{api}repos/{repo}/git/trees/{SimulatedIds.Sha(commit.Sha + "/tree")}");
        w.WriteEndObject();
        w.WriteString("url", $"{api}repos/{repo}/git/commits/{commit.Sha}");
        w.WriteNumber("comment_count", 0);
        Verification(w);
        w.WriteEndObject();
    }

    private void Parents(Utf8JsonWriter w, string repo, SimulatedCommit? parent)
    {
        var sha = parent?.Sha ?? SimulatedIds.Sha(repo + "/base");
        w.WriteStartArray("parents");
        w.WriteStartObject();
        w.WriteString("sha", sha);
        w.WriteString("url", $"{api}repos/{repo}/commits/{sha}");
        w.WriteString("html_url", $"{Html}{repo}/commit/{sha}");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private void Branch(Utf8JsonWriter w, string name, SimulatedPullRequest pr, string branch, string sha)
    {
        var repo = pr.Repository;
        w.WriteStartObject(name);
        w.WriteString("label", $"{repo.Owner}:{branch}");
        w.WriteString("ref", branch);
        w.WriteString("sha", sha);
        User(w, SimulatedUser.Named(repo.Owner, false), "user", typeOverride: "Organization");
        Repository(w, repo, full: false, "repo");
        w.WriteEndObject();
    }

    private static readonly (string Name, string Suffix)[] RepositoryUrls =
    [
        ("forks_url", "/forks"), ("keys_url", "/keys{/key_id}"), ("collaborators_url", "/collaborators{/collaborator}"),
        ("teams_url", "/teams"), ("hooks_url", "/hooks"), ("issue_events_url", "/issues/events{/number}"), ("events_url", "/events"),
        ("assignees_url", "/assignees{/user}"), ("branches_url", "/branches{/branch}"), ("tags_url", "/tags"),
        ("blobs_url", "/git/blobs{/sha}"), ("git_tags_url", "/git/tags{/sha}"), ("git_refs_url", "/git/refs{/sha}"),
        ("trees_url", "/git/trees{/sha}"), ("statuses_url", "/statuses/{sha}"), ("languages_url", "/languages"),
        ("stargazers_url", "/stargazers"), ("contributors_url", "/contributors"), ("subscribers_url", "/subscribers"),
        ("subscription_url", "/subscription"), ("commits_url", "/commits{/sha}"), ("git_commits_url", "/git/commits{/sha}"),
        ("comments_url", "/comments{/number}"), ("issue_comment_url", "/issues/comments{/number}"), ("contents_url", "/contents/{+path}"),
        ("compare_url", "/compare/{base}...{head}"), ("merges_url", "/merges"), ("archive_url", "/{archive_format}{/ref}"),
        ("downloads_url", "/downloads"), ("issues_url", "/issues{/number}"), ("pulls_url", "/pulls{/number}"),
        ("milestones_url", "/milestones{/number}"), ("notifications_url", "/notifications{?since,all,participating}"),
        ("labels_url", "/labels{/name}"), ("releases_url", "/releases{/id}"), ("deployments_url", "/deployments"),
    ];
}
