using FlowCollector.Domain.Events;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Issues with an incident label become incidents: opened at creation, resolved at closing; pull requests and other issues do not.</summary>
public sealed class GitHubIncidentTests
{
    private const string Repo = "contoso/web";
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Since = T0.AddDays(-1);

    [Theory]
    [InlineData("Rest")]
    [InlineData("GraphQl")]
    public async Task Labelled_issues_updated_in_the_window_become_incidents_with_any_of_the_labels(string api)
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        var outage = Issue(repo, 7, T0, T0.AddHours(2), "incident");
        var sev1 = Issue(repo, 8, T0.AddHours(5), closed: null, "sev1", "bug");
        Issue(repo, 9, T0.AddHours(1), T0.AddHours(3), "bug");                          // not an incident label
        Issue(repo, 10, Since.AddDays(-3), Since.AddDays(-2), "incident");              // closed before the window
        var lateFix = Issue(repo, 11, Since.AddDays(-3), T0.AddHours(6), "Incident");    // opened before, resolved inside: read (updated in the window)

        var events = await ReadIncidentsAsync(model, api, "incident", "sev1");

        Assert.Equal(
            [
                (FlowEventKind.IncidentOpened, "issue-7", outage.CreatedAt),
                (FlowEventKind.IncidentResolved, "issue-7", outage.ClosedAt!.Value),
                (FlowEventKind.IncidentOpened, "issue-8", sev1.CreatedAt),
                (FlowEventKind.IncidentOpened, "issue-11", lateFix.CreatedAt),
                (FlowEventKind.IncidentResolved, "issue-11", lateFix.ClosedAt!.Value),
            ],
            events.Select(e => (e.Kind, e.SubjectId, e.OccurredAt)).ToList());
        Assert.All(events, e => Assert.StartsWith($"https://github.com/{Repo}/issues/", e.Url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_incident_labels_no_issue_is_read()
    {
        var model = new SimulatedGitHub();
        Issue(model.AddRepository(Repo), 7, T0, T0.AddHours(2), "incident");
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], time: new FakeTimeProvider(T0.AddDays(1)));

        var read = await host.ReadAsync(Repo, Since);

        Assert.DoesNotContain(read.Events, e => e.Kind is FlowEventKind.IncidentOpened or FlowEventKind.IncidentResolved);
        Assert.Equal(0, github.RequestsTo($"/repos/{Repo}/issues"));
    }

    [Fact]
    public async Task An_issue_page_spanning_two_requests_is_read_whole_at_one_request_per_page_and_label()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository(Repo);
        for (var n = 1; n <= 150; n++)
        {
            Issue(repo, n, T0.AddMinutes(n), T0.AddMinutes(n + 30), "incident");
        }

        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], Settings("Rest", "incident"), new FakeTimeProvider(T0.AddDays(1)));

        var read = await host.ReadAsync(Repo, Since);

        Assert.Equal(150, read.Events.Count(e => e.Kind == FlowEventKind.IncidentResolved));
        Assert.Equal(2, github.RequestsTo($"/repos/{Repo}/issues"));
    }

    private static async Task<List<FlowEvent>> ReadIncidentsAsync(SimulatedGitHub model, string api, params string[] labels)
    {
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [Repo], Settings(api, labels), new FakeTimeProvider(T0.AddDays(1)));
        var read = await host.ReadAsync(Repo, Since);
        return read.Events.Where(e => e.Kind is FlowEventKind.IncidentOpened or FlowEventKind.IncidentResolved)
            .OrderBy(e => int.Parse(e.SubjectId["issue-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ThenBy(e => e.Kind)
            .ToList();
    }

    private static Dictionary<string, string?> Settings(string api, params string[] labels)
    {
        var settings = new Dictionary<string, string?> { ["Sources:GitHub:Api"] = api };
        for (var i = 0; i < labels.Length; i++)
        {
            settings[$"Sources:GitHub:IncidentLabels:{i}"] = labels[i];
        }

        return settings;
    }

    private static SimulatedIssue Issue(SimulatedRepository repo, int number, DateTimeOffset created, DateTimeOffset? closed, params string[] labels)
    {
        var issue = new SimulatedIssue(repo, number, $"Incident {number}", SimulatedUser.Named("oncall"), created) { ClosedAt = closed };
        issue.Labels.AddRange(labels);
        repo.Issues.Add(issue);
        return issue;
    }
}
