using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>Incidents from work items: a WIQL query over the project, then the work items' created and resolved times.</summary>
internal sealed class AzureDevOpsIncidentReader
{
    internal const string ResolvedDateField = "Microsoft.VSTS.Common.ResolvedDate";
    internal const string ClosedDateField = "Microsoft.VSTS.Common.ClosedDate";

    private readonly AzureDevOpsClient client;
    private readonly AzureDevOpsEndpoints endpoints;
    private readonly string project;

    public AzureDevOpsIncidentReader(AzureDevOpsClient client, AzureDevOpsEndpoints endpoints, string project)
    {
        this.client = client;
        this.endpoints = endpoints;
        this.project = project;
    }

    /// <summary>
    /// The WIQL of incidents changed since <paramref name="since"/>. Values are quoted WIQL strings (a quote doubled), so a
    /// configured tag cannot change the query.
    /// </summary>
    public static string Query(string workItemType, IReadOnlyList<string> tags, string? areaPath, DateTimeOffset since)
    {
        static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
        var wiql = new StringBuilder("SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project")
            .Append(" AND [System.WorkItemType] = ").Append(Quote(workItemType))
            .Append(" AND [System.ChangedDate] >= ").Append(Quote(since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));
        foreach (var tag in tags.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            wiql.Append(" AND [System.Tags] CONTAINS ").Append(Quote(tag.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(areaPath))
        {
            wiql.Append(" AND [System.AreaPath] UNDER ").Append(Quote(areaPath.Trim()));
        }

        return wiql.Append(" ORDER BY [System.ChangedDate]").ToString();
    }

    public async Task<List<FlowEvent>> ReadAsync(RepositoryRef repository, string query, CancellationToken cancellationToken)
    {
        var path = AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(project, "wit/wiql"), ("timePrecision", "true"));
        var found = await client.PostAsync(
            path, new AdoWiqlRequest { Query = query }, AzureDevOpsJsonContext.Default.AdoWiqlRequest, AzureDevOpsJsonContext.Default.AdoWiqlResult, cancellationToken);
        var events = new List<FlowEvent>();
        foreach (var batch in (found.WorkItems ?? []).Select(w => w.Id).Where(id => id > 0).Distinct().Chunk(AzureDevOpsEventSource.WorkItemBatch))
        {
            var itemsPath = AzureDevOpsClient.Path(
                AzureDevOpsEndpoints.ProjectPath(project, "wit/workitems"),
                ("ids", string.Join(',', batch.Select(id => AzureDevOpsClient.Number(id)))),
                ("fields", $"{AdoPullRequestEventMapper.CreatedDateField},{ResolvedDateField},{ClosedDateField}"),
                ("errorPolicy", "omit"));
            var items = await client.GetAsync(itemsPath, AzureDevOpsJsonContext.Default.AdoListAdoWorkItem, cancellationToken);
            foreach (var item in (items.Value ?? []).Where(i => i is not null && i.Id > 0))
            {
                events.AddRange(Map(repository, item));
            }
        }

        return events;
    }

    /// <summary><c>IncidentOpened</c> at creation, <c>IncidentResolved</c> at resolution (or closing, for processes without a resolved state).</summary>
    public IEnumerable<FlowEvent> Map(RepositoryRef repository, AdoWorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var url = $"{endpoints.BaseAddress}{Uri.EscapeDataString(project)}/_workitems/edit/{AzureDevOpsClient.Number(item.Id)}";
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = "workitem-" + AzureDevOpsClient.Number(item.Id),
            OccurredAt = at.ToUniversalTime(),
            Url = url,
        };

        if (Date(item, AdoPullRequestEventMapper.CreatedDateField) is { } opened)
        {
            yield return Event(FlowEventKind.IncidentOpened, opened);
        }

        if ((Date(item, ResolvedDateField) ?? Date(item, ClosedDateField)) is { } resolved)
        {
            yield return Event(FlowEventKind.IncidentResolved, resolved);
        }
    }

    private static DateTimeOffset? Date(AdoWorkItem item, string field) =>
        item.Fields is { } fields && fields.TryGetValue(field, out var value) && value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
        && at.Year > 1
            ? at
            : null;
}
