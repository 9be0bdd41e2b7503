using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// One incident (a GitHub issue with an incident label, an Azure DevOps work item of the incident type), folded from
/// its opened / resolved events. Commutative and idempotent: the earliest opening and the latest resolution win, so
/// an incident reopened and resolved again lasted until its final resolution, whatever order the reports arrive in.
/// </summary>
public sealed class IncidentFacts
{
    public IncidentFacts(RepositoryRef repository, string incidentId)
    {
        Repository = repository;
        IncidentId = incidentId;
    }

    public RepositoryRef Repository { get; }

    public string IncidentId { get; }

    public DateTimeOffset? Opened { get; private set; }

    public DateTimeOffset? Resolved { get; private set; }

    public string? Url { get; private set; }

    /// <summary>Opened → resolved, never negative; null while open or when the opening is unknown.</summary>
    public TimeSpan? TimeToRestore => Opened is { } opened && Resolved is { } resolved
        ? (resolved > opened ? resolved - opened : TimeSpan.Zero)
        : null;

    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Url is not null && (Url is null || string.CompareOrdinal(e.Url, Url) < 0))
        {
            Url = e.Url;
        }

        switch (e.Kind)
        {
            case FlowEventKind.IncidentOpened:
                Opened = Opened is { } o && o <= e.OccurredAt ? o : e.OccurredAt;
                break;
            case FlowEventKind.IncidentResolved:
                Resolved = Resolved is { } r && r >= e.OccurredAt ? r : e.OccurredAt;
                break;
            default:
                break;
        }
    }
}
