using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Turns a build (a pipeline run) into <c>Run*</c> events and its timeline into <c>Stage*</c> events: stages, jobs and
/// checkpoints (approvals and checks), so time spent waiting for an approval or an agent shows as waiting.
/// </summary>
/// <remarks>
/// Stage events belong to the run: <see cref="FlowEvent.SubjectId"/> is the build id and <see cref="FlowEvent.Attempt"/>
/// the run's attempt (the timeline shows each record's latest attempt, all inside this run's time).
/// <see cref="FlowEvent.Stage"/> names the record: <c>{stage}</c> for a stage, <c>{stage}/checkpoint</c>,
/// <c>{stage}/approval</c>, <c>{stage}/check</c> and <c>{stage}/job/{job}</c>; checkpoints (approvals, checks) are
/// <see cref="StageKind.Wait"/>, stages and jobs <see cref="StageKind.Process"/>.
/// </remarks>
internal static class AdoBuildEventMapper
{
    /// <summary>Azure DevOps build and task results in the engine's vocabulary (<c>success</c> is what counts as green).</summary>
    public static string NormaliseResult(string? result) => result?.ToUpperInvariant() switch
    {
        "SUCCEEDED" or "SUCCEEDEDWITHISSUES" => "success",
        "PARTIALLYSUCCEEDED" => "partially_succeeded",
        "FAILED" => "failure",
        "CANCELED" or "CANCELLED" => "cancelled",
        "SKIPPED" => "skipped",
        "ABANDONED" => "abandoned",
        _ => "unknown",
    };

    /// <summary>The run's attempt: the highest attempt of its stages (a re-run of failed stages keeps the build id).</summary>
    public static int Attempt(IReadOnlyList<AdoTimelineRecord> timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var stages = timeline.Where(r => IsType(r, "Stage")).ToList();
        return Math.Max(1, (stages.Count > 0 ? stages : timeline).Select(r => r.Attempt).DefaultIfEmpty(1).Max());
    }

    public static IEnumerable<FlowEvent> MapRun(RepositoryRef repository, AdoBuildSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var build = snapshot.Build;
        var attempt = Attempt(snapshot.Timeline);
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind,
            Repository = repository,
            SubjectId = build.Id.ToString(CultureInfo.InvariantCulture),
            OccurredAt = at.ToUniversalTime(),
            Attempt = attempt,
            Pipeline = build.Definition?.Name,
            Sha = build.SourceVersion,
            Url = snapshot.WebUrl,
        };

        if (build.QueueTime is { } queued)
        {
            yield return Event(FlowEventKind.RunQueued, queued);
        }

        if (build.StartTime is { } started)
        {
            yield return Event(FlowEventKind.RunStarted, started);
        }

        if (string.Equals(build.Status, "completed", StringComparison.OrdinalIgnoreCase) && build.FinishTime is { } finished)
        {
            yield return Event(FlowEventKind.RunFinished, finished) with { Result = NormaliseResult(build.Result) };
        }
    }

    /// <param name="repository">The repository.</param>
    /// <param name="snapshot">The run and its timeline.</param>
    /// <param name="deploying">
    /// Names of the run's stages that deploy (<see cref="AdoDeployingStages"/>): their stage events carry
    /// <see cref="FlowEvent.Deploys"/>, so the engine ends CI before the first of them.
    /// </param>
    public static IEnumerable<FlowEvent> MapTimeline(RepositoryRef repository, AdoBuildSnapshot snapshot, IReadOnlySet<string>? deploying = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var attempt = Attempt(snapshot.Timeline);
        var runId = snapshot.Build.Id.ToString(CultureInfo.InvariantCulture);
        var byId = snapshot.Timeline.Where(r => r.Id is not null).GroupBy(r => r.Id!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var record in snapshot.Timeline.OrderBy(r => r.StartTime ?? DateTimeOffset.MaxValue).ThenBy(r => r.Order ?? 0))
        {
            if (Label(record, byId) is not { } label || record.StartTime is not { } started)
            {
                continue; // tasks, phases, and records that never ran (skipped, pending) have no stage events
            }

            FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
            {
                Kind = kind,
                Repository = repository,
                SubjectId = runId,
                OccurredAt = at.ToUniversalTime(),
                Attempt = attempt,
                Stage = label,
                StageKind = IsCheckpoint(record) ? StageKind.Wait : StageKind.Process,
                Deploys = deploying is not null && IsType(record, "Stage") && deploying.Contains(label),
                Pipeline = snapshot.Build.Definition?.Name,
                Sha = snapshot.Build.SourceVersion,
                Url = snapshot.WebUrl,
            };

            yield return Event(FlowEventKind.StageStarted, started);
            if (string.Equals(record.State, "completed", StringComparison.OrdinalIgnoreCase) && record.FinishTime is { } finished)
            {
                yield return Event(FlowEventKind.StageFinished, finished) with { Result = NormaliseResult(record.Result) };
            }
        }
    }

    /// <summary>The stage a record belongs to (itself for a stage), walking up <c>parentId</c>.</summary>
    public static AdoTimelineRecord? StageOf(AdoTimelineRecord record, IReadOnlyDictionary<string, AdoTimelineRecord> byId)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(byId);
        var current = record;
        for (var depth = 0; depth < 8 && current is not null; depth++)
        {
            if (IsType(current, "Stage"))
            {
                return current;
            }

            current = current.ParentId is { } parent && byId.TryGetValue(parent, out var next) ? next : null;
        }

        return null;
    }

    public static string StageName(AdoTimelineRecord stage) => stage.Identifier ?? stage.Name ?? stage.Id ?? "stage";

    /// <summary>Approvals and checks: the run waits for a person or a gate, it does not work.</summary>
    public static bool IsCheckpoint(AdoTimelineRecord record) =>
        record.Type is not null && record.Type.StartsWith("Checkpoint", StringComparison.OrdinalIgnoreCase);

    public static bool IsType(AdoTimelineRecord record, string type) => string.Equals(record.Type, type, StringComparison.OrdinalIgnoreCase);

    private static string? Label(AdoTimelineRecord record, IReadOnlyDictionary<string, AdoTimelineRecord> byId)
    {
        var stage = StageOf(record, byId);
        var stageName = stage is null ? null : StageName(stage);
        if (IsType(record, "Stage"))
        {
            return stageName;
        }

        var prefix = stageName is null ? "" : stageName + "/";
        if (IsType(record, "Job"))
        {
            return $"{prefix}job/{record.Name ?? record.Identifier ?? record.Id}";
        }

        if (record.Type is null || !record.Type.StartsWith("Checkpoint", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return prefix + (record.Type.ToUpperInvariant() switch
        {
            "CHECKPOINT" => "checkpoint",
            "CHECKPOINT.APPROVAL" => "approval",
            _ => "check",
        });
    }
}
