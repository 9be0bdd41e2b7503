using System.Globalization;
using FlowCollector.Domain.Events;
using Octokit;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Issues carrying one of the configured incident labels, as <c>IncidentOpened</c> (at creation) and
/// <c>IncidentResolved</c> (at closing). One list per label, since the REST <c>labels</c> filter requires all the
/// labels it names: 1 request per 100 issues updated in the window and label, answered from the issue index.
/// </summary>
internal sealed class GitHubIncidentReader(GitHubRestReader reader, RepositoryRef repository, GitHubErrors errors)
{
    public async Task<List<FlowEvent>> ReadAsync(IReadOnlyList<string> labels, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<int, Issue>();
        var path = $"{reader.RepositoryPath}/issues";
        foreach (var label in labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var parameters = new Dictionary<string, string>
            {
                ["labels"] = label,
                ["state"] = "all",
                ["since"] = since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["sort"] = "updated",
                ["direction"] = "asc",
                ["per_page"] = reader.PageSizeValue,
            };
            await foreach (var page in reader.GetWrappedPagesAsync<List<Issue>>(path, parameters, cancellationToken))
            {
                foreach (var issue in page)
                {
                    // The issues list includes pull requests; a labelled pull request is a fix, not an incident.
                    if (issue is null || issue.PullRequest is not null)
                    {
                        continue;
                    }

                    if (issue.Number <= 0 || issue.CreatedAt == default)
                    {
                        throw errors.MalformedPayload(GitHubRestReader.Endpoint(path), "an issue without number or created_at");
                    }

                    seen[issue.Number] = issue;
                }
            }
        }

        var events = new List<FlowEvent>(seen.Count * 2);
        foreach (var issue in seen.Values.OrderBy(i => i.Number))
        {
            events.AddRange(Map(repository, issue.Number, issue.CreatedAt, issue.ClosedAt, issue.HtmlUrl));
        }

        return events;
    }

    /// <summary>Opened at creation; resolved when closed (a reopened issue is open again: GitHub clears <c>closed_at</c>).</summary>
    internal static IEnumerable<FlowEvent> Map(RepositoryRef repository, int number, DateTimeOffset created, DateTimeOffset? closed, string? url)
    {
        var subject = "issue-" + number.ToString(CultureInfo.InvariantCulture);
        yield return new FlowEvent { Kind = FlowEventKind.IncidentOpened, Repository = repository, SubjectId = subject, OccurredAt = created.ToUniversalTime(), Url = url };
        if (closed is { } at)
        {
            yield return new FlowEvent { Kind = FlowEventKind.IncidentResolved, Repository = repository, SubjectId = subject, OccurredAt = at.ToUniversalTime(), Url = url };
        }
    }
}
