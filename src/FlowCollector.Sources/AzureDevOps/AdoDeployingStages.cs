namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Which stages of a multi-stage run deploy (docs/azure-devops.md, "CI and deploying stages"), read from what the source
/// already has: the run's timeline, the environment deployment records and <c>StageEnvironments</c>. A run's CI is the
/// part before its first deploying stage. A stage deploys when
/// <list type="bullet">
/// <item>it waits at a checkpoint: an approval or a check (timeline records <c>Checkpoint</c>, <c>Checkpoint.Approval</c>,
/// … below it) — environments are where approvals and checks live;</item>
/// <item>an environment deployment record of the run names it (<c>stageName</c>: its deployment job targeted an environment);</item>
/// <item>a record of an earlier run of the same pipeline names it — records appear only once a whole run finished, so for a
/// run still in progress this is how its deploying stages (and their environments) are known;</item>
/// <item>or it is mapped in <c>Sources:AzureDevOps:StageEnvironments</c>.</item>
/// </list>
/// </summary>
internal sealed class AdoDeployingStages
{
    private readonly IReadOnlyDictionary<string, string> stageEnvironments;
    private readonly Dictionary<(int Definition, string Stage), (string Environment, DateTimeOffset At)> recorded = [];
    private readonly HashSet<(int Build, string Stage)> recordedRuns = [];

    public AdoDeployingStages(IReadOnlyDictionary<string, string> stageEnvironments)
    {
        this.stageEnvironments = stageEnvironments;
    }

    /// <summary>Learns from the records of one environment: which stage of which pipeline deploys there.</summary>
    public void Learn(IEnumerable<AdoEnvironmentDeploymentRecord> records, string environment)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            if (record.StageName is not { Length: > 0 } stage)
            {
                continue;
            }

            // The newest record of a stage wins, so a pipeline whose stage moved to another environment keeps its latest.
            var at = record.QueueTime ?? record.StartTime ?? record.FinishTime ?? DateTimeOffset.MinValue;
            if (record.Definition is { Id: > 0 } definition
                && (!recorded.TryGetValue((definition.Id, stage.ToUpperInvariant()), out var known) || at > known.At))
            {
                recorded[(definition.Id, stage.ToUpperInvariant())] = (environment, at);
            }

            if (record.Owner is { Id: > 0 } owner)
            {
                recordedRuns.Add((owner.Id, stage.ToUpperInvariant()));
            }
        }
    }

    /// <summary>The names (<see cref="AdoBuildEventMapper.StageName"/>) of the stages of <paramref name="run"/> that deploy.</summary>
    public HashSet<string> Of(AdoBuildSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var byId = run.Timeline.Where(r => r.Id is not null).GroupBy(r => r.Id!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var deploying = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in run.Timeline)
        {
            if (AdoBuildEventMapper.IsCheckpoint(record) && AdoBuildEventMapper.StageOf(record, byId) is { } guarded)
            {
                deploying.Add(AdoBuildEventMapper.StageName(guarded));
            }
        }

        foreach (var stage in run.Timeline.Where(r => AdoBuildEventMapper.IsType(r, "Stage")))
        {
            var name = AdoBuildEventMapper.StageName(stage);
            if (recordedRuns.Contains((run.Build.Id, name.ToUpperInvariant())) || EnvironmentOf(run, stage) is not null)
            {
                deploying.Add(name);
            }
        }

        return deploying;
    }

    /// <summary>
    /// The environment <paramref name="stage"/> of <paramref name="run"/> deploys to: <c>StageEnvironments</c> first (it is
    /// what the user said), else the latest record of the same pipeline's stage; null when neither knows.
    /// </summary>
    public string? EnvironmentOf(AdoBuildSnapshot run, AdoTimelineRecord stage)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stage);
        if (AdoDeployments.EnvironmentFor(stage, stageEnvironments) is { } mapped)
        {
            return mapped;
        }

        var definition = run.Build.Definition?.Id ?? 0;
        return definition > 0 && recorded.TryGetValue((definition, AdoBuildEventMapper.StageName(stage).ToUpperInvariant()), out var known) ? known.Environment : null;
    }
}
