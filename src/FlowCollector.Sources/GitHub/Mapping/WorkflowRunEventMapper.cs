using System.Globalization;
using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.GitHub.Mapping;

/// <summary>Turns a <see cref="WorkflowRunSnapshot"/> into <c>Run*</c> events of its latest attempt.</summary>
internal static class WorkflowRunEventMapper
{
    public static IEnumerable<FlowEvent> Map(RepositoryRef repository, WorkflowRunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var attempt = Math.Max(1, run.Attempt);
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = run.Id.ToString(CultureInfo.InvariantCulture),
            OccurredAt = at.ToUniversalTime(),
            Attempt = attempt,
            Pipeline = run.Workflow,
            Sha = run.HeadSha,
            Url = run.HtmlUrl,
        };

        // created_at belongs to the first attempt: for a re-run it is not when this attempt was queued.
        if (attempt == 1)
        {
            yield return Event(FlowEventKind.RunQueued, run.CreatedAt);
        }

        // GitHub fills run_started_at with created_at while a run still waits (queued, pending, waiting for approval).
        if (run.StartedAt is { } started && run.Status is "in_progress" or "completed")
        {
            yield return Event(FlowEventKind.RunStarted, started);
        }

        // Runs have no completed_at: once completed, GitHub stops touching updated_at, so it is the finish.
        if (string.Equals(run.Status, "completed", StringComparison.OrdinalIgnoreCase))
        {
            yield return Event(FlowEventKind.RunFinished, run.UpdatedAt) with
            {
                Result = string.IsNullOrEmpty(run.Conclusion) ? "unknown" : run.Conclusion.ToLowerInvariant(),
            };
        }
    }
}
