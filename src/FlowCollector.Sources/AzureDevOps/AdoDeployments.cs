using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Matching;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>Pure rules that turn environment deployment records and timelines into deployments and change-set baselines.</summary>
internal static class AdoDeployments
{
    /// <summary>
    /// Folds the records of one run, stage attempt and environment into one deployment: queued and started at the
    /// earliest job, finished at the last (only once every job finished), failed if any job failed, succeeded only if all
    /// did, otherwise cancelled or skipped. Its id is the lowest record id, stable across polls.
    /// </summary>
    public static List<AdoDeploymentSnapshot> FromRecords(
        IEnumerable<AdoEnvironmentDeploymentRecord> records, string environment, IReadOnlyDictionary<int, AdoBuild> builds, Func<int, string> buildUrl)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(builds);
        ArgumentNullException.ThrowIfNull(buildUrl);
        return records
            .Where(r => r.Owner is not null)
            .GroupBy(r => (Build: r.Owner!.Id, Stage: r.StageName ?? "", Attempt: Math.Max(1, r.StageAttempt)))
            .Select(g =>
            {
                var all = g.ToList();
                var build = builds.GetValueOrDefault(g.Key.Build);
                var finished = all.All(r => r.FinishTime is not null) ? all.Max(r => r.FinishTime) : null;
                return new AdoDeploymentSnapshot(
                    all.Min(r => r.Id).ToString(CultureInfo.InvariantCulture),
                    environment,
                    g.Key.Build,
                    all[0].Definition?.Id ?? build?.Definition?.Id ?? 0,
                    all[0].Definition?.Name ?? build?.Definition?.Name,
                    g.Key.Stage.Length == 0 ? null : g.Key.Stage,
                    build?.SourceVersion,
                    all.Min(r => r.QueueTime),
                    all.Min(r => r.StartTime),
                    finished,
                    Fold(all.Select(r => r.Result)),
                    buildUrl(g.Key.Build));
            })
            .OrderBy(d => d.Started ?? d.Queued ?? d.Finished).ThenBy(d => d.BuildId)
            .ToList();
    }

    /// <summary>The result of several jobs: any failure fails it, all succeeded succeeds it, else cancelled, else skipped.</summary>
    public static string Fold(IEnumerable<string?> results)
    {
        var list = results.Select(r => r ?? "").ToList();
        if (list.Any(r => r.Equals("failed", StringComparison.OrdinalIgnoreCase)))
        {
            return "failed";
        }

        if (list.Count > 0 && list.All(r => r.Equals("succeeded", StringComparison.OrdinalIgnoreCase) || r.Equals("succeededWithIssues", StringComparison.OrdinalIgnoreCase)))
        {
            return list.Any(r => r.Equals("succeededWithIssues", StringComparison.OrdinalIgnoreCase)) ? "succeededWithIssues" : "succeeded";
        }

        if (list.Any(r => r.Equals("canceled", StringComparison.OrdinalIgnoreCase) || r.Equals("abandoned", StringComparison.OrdinalIgnoreCase)))
        {
            return "canceled";
        }

        return list.Any(r => r.Length == 0) ? "" : "skipped";
    }

    /// <summary>
    /// For pipelines without environments: the stages of a run whose name or identifier is mapped in
    /// <paramref name="stageEnvironments"/> (a trailing <c>*</c> matches a prefix). Queued when the stage started
    /// (its checks and approvals come first), started when its first job started, finished with the stage.
    /// </summary>
    public static List<AdoDeploymentSnapshot> FromStages(AdoBuildSnapshot run, IReadOnlyDictionary<string, string> stageEnvironments)
    {
        ArgumentNullException.ThrowIfNull(stageEnvironments);
        return stageEnvironments.Count == 0 ? [] : FromStages(run, stage => EnvironmentFor(stage, stageEnvironments));
    }

    /// <summary>
    /// A run still in progress has no environment deployment records yet: its <i>finished</i> deploying stages whose
    /// environment is known (<see cref="AdoDeployingStages.EnvironmentOf"/>) stand in, with the same times and ids as
    /// <see cref="FromStages(AdoBuildSnapshot, IReadOnlyDictionary{string, string})"/>. A stage that did not deploy (skipped,
    /// cancelled) or is still running gives none.
    /// </summary>
    public static List<AdoDeploymentSnapshot> FromRunningStages(AdoBuildSnapshot run, AdoDeployingStages stages)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stages);
        return FromStages(run, stage => stages.EnvironmentOf(run, stage))
            .Where(d => d.Finished is not null && d.Deployed && d.Result.Length > 0)
            .ToList();
    }

    private static List<AdoDeploymentSnapshot> FromStages(AdoBuildSnapshot run, Func<AdoTimelineRecord, string?> environmentOf)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = new List<AdoDeploymentSnapshot>();

        var byId = run.Timeline.Where(r => r.Id is not null).GroupBy(r => r.Id!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var stage in run.Timeline.Where(r => AdoBuildEventMapper.IsType(r, "Stage")))
        {
            if (environmentOf(stage) is not { } environment || stage.StartTime is null)
            {
                continue;
            }

            var firstJob = run.Timeline
                .Where(r => AdoBuildEventMapper.IsType(r, "Job") && r.StartTime is not null && ReferenceEquals(AdoBuildEventMapper.StageOf(r, byId), stage))
                .Min(r => r.StartTime);
            var finished = string.Equals(stage.State, "completed", StringComparison.OrdinalIgnoreCase) ? stage.FinishTime : null;
            var attempt = Math.Max(1, stage.Attempt);
            result.Add(new AdoDeploymentSnapshot(
                $"{run.Build.Id.ToString(CultureInfo.InvariantCulture)}/{AdoBuildEventMapper.StageName(stage)}/{attempt.ToString(CultureInfo.InvariantCulture)}",
                environment,
                run.Build.Id,
                run.Build.Definition?.Id ?? 0,
                run.Build.Definition?.Name,
                AdoBuildEventMapper.StageName(stage),
                run.Build.SourceVersion,
                stage.StartTime,
                firstJob ?? stage.StartTime,
                finished,
                finished is null ? "" : stage.Result ?? "",
                run.WebUrl));
        }

        return result;
    }

    /// <summary>
    /// How a run relates to the previous successful run deployed to the same environment: the same run again is a
    /// redeploy, an older run (build ids only grow) a rollback, a newer one brings the changes between the two.
    /// </summary>
    public static DeploymentComparison Compare(int baselineBuildId, int buildId) =>
        buildId == baselineBuildId ? DeploymentComparison.Identical
        : buildId < baselineBuildId ? DeploymentComparison.Behind
        : DeploymentComparison.Ahead;

    internal static string? EnvironmentFor(AdoTimelineRecord stage, IReadOnlyDictionary<string, string> map)
    {
        foreach (var (pattern, environment) in map)
        {
            if (Matches(pattern, stage.Identifier) || Matches(pattern, stage.Name))
            {
                return environment;
            }
        }

        return null;
    }

    private static bool Matches(string pattern, string? name) => name is not null && Glob.Matches(pattern, name);
}
