using System.Globalization;
using System.Text.Json;

namespace FlowCollector.Testing.Simulation;

/// <summary><c>GET /repos/{owner}/{repo}/issues</c>: the filters the collector uses (labels — all of them —, state, since, sort, direction).</summary>
public sealed partial class GitHubSimulator
{
    private Reply RenderIssues(Route route, Query query)
    {
        var repo = route.Repository!;
        var labels = (query.Get("labels") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var state = query.Get("state") ?? "open";
        var since = query.Get("since") is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : (DateTimeOffset?)null;
        var issues = repo.Issues
            .Where(i => labels.All(l => i.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)))
            .Where(i => state == "all" || (state == "closed") == (i.ClosedAt is not null))
            .Where(i => since is null || i.UpdatedAt >= since)
            .ToList();
        var byUpdate = query.Get("sort") == "updated";
        var ascending = query.Get("direction") == "asc";
        issues = (byUpdate, ascending) switch
        {
            (true, true) => issues.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Number).ToList(),
            (true, false) => issues.OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Number).ToList(),
            (false, true) => issues.OrderBy(i => i.CreatedAt).ThenBy(i => i.Number).ToList(),
            _ => issues.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Number).ToList(),
        };
        return Page(route, query, issues, WriteIssue);
    }

    /// <summary>An issue as the REST issues list shows it (fixture shape of <c>issues-list</c> in GitHub's REST description).</summary>
    private void WriteIssue(Utf8JsonWriter w, SimulatedIssue issue)
    {
        var repo = issue.Repository.FullName;
        var api = Url;
        var url = $"{api}repos/{repo}/issues/{issue.Number.ToString(CultureInfo.InvariantCulture)}";
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteString("repository_url", $"{api}repos/{repo}");
        w.WriteString("labels_url", url + "/labels{/name}");
        w.WriteString("comments_url", url + "/comments");
        w.WriteString("events_url", url + "/events");
        w.WriteString("html_url", $"https://github.com/{repo}/issues/{issue.Number.ToString(CultureInfo.InvariantCulture)}");
        w.WriteNumber("id", issue.Id);
        w.WriteString("node_id", SimulatedIds.NodeId("Issue", issue.Id));
        w.WriteNumber("number", issue.Number);
        w.WriteString("title", issue.Title);
        payloads.User(w, issue.Author, "user");
        w.WriteStartArray("labels");
        foreach (var label in issue.Labels)
        {
            var id = SimulatedIds.StableNumber($"{repo}/label/{label}");
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("node_id", SimulatedIds.NodeId("Label", id));
            w.WriteString("url", $"{api}repos/{repo}/labels/{Uri.EscapeDataString(label)}");
            w.WriteString("name", label);
            w.WriteString("color", "d73a4a");
            w.WriteBoolean("default", false);
            w.WriteNull("description");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("state", issue.ClosedAt is null ? "open" : "closed");
        if (issue.ClosedAt is null)
        {
            w.WriteNull("state_reason");
        }
        else
        {
            w.WriteString("state_reason", "completed");
        }

        w.WriteBoolean("locked", false);
        w.WriteNull("assignee");
        w.WriteStartArray("assignees");
        w.WriteEndArray();
        w.WriteNull("milestone");
        w.WriteNumber("comments", 0);
        w.WriteString("created_at", GitHubPayloads.Time(issue.CreatedAt));
        w.WriteString("updated_at", GitHubPayloads.Time(issue.UpdatedAt));
        if (issue.ClosedAt is { } closed)
        {
            w.WriteString("closed_at", GitHubPayloads.Time(closed));
        }
        else
        {
            w.WriteNull("closed_at");
        }

        w.WriteString("author_association", "MEMBER");
        w.WriteNull("active_lock_reason");
        w.WriteString("body", "Customer-facing errors after the last deploy.");
        w.WriteString("timeline_url", url + "/timeline");
        w.WriteNull("performed_via_github_app");
        w.WriteEndObject();
    }
}
