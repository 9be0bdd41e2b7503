using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The engine's working set for one repository: folds a stream of events into per-change, per-run and
/// per-deployment facts, attributes deployments to changes and yields the timelines of changes that reached the
/// trunk. Feeding the same events again, late or in another order yields the same results (every fold is
/// commutative and idempotent).
/// </summary>
/// <remarks>
/// Memory grows with the changes not yet deployed, not with history: a caller keeps only
/// <see cref="PendingChanges"/> between runs (as events, replayed into the next run's flow) and drops the rest.
/// </remarks>
public sealed partial class RepositoryFlow
{
    private readonly Dictionary<string, ChangeFacts> changes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string RunId, int Attempt), PipelineRunFacts> runs = [];
    private readonly Dictionary<string, DeploymentFacts> deployments = new(StringComparer.Ordinal);
    private static readonly List<PipelineRunFacts> NoRuns = [];
    private readonly Dictionary<string, IncidentFacts> incidents = new(StringComparer.Ordinal);
    private Dictionary<string, List<PipelineRunFacts>>? runsBySha;

    // Runs a deployment named as its performer, kept apart so a run read after the deployment is still marked.
    private readonly HashSet<string> deployingRuns = new(StringComparer.Ordinal);
    private readonly ValueStreamDefinition stream;

    public RepositoryFlow(RepositoryRef repository, ValueStreamDefinition stream)
    {
        Repository = repository;
        this.stream = stream;
    }

    public RepositoryRef Repository { get; }

    /// <summary>Changes seen so far (merged, open or closed).</summary>
    public int ChangeCount => changes.Count;

    /// <summary>Deployments seen so far (any environment, any state).</summary>
    public int DeploymentCount => deployments.Count;

    public void Apply(IEnumerable<FlowEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            Apply(e);
        }
    }

    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (FlowEventKinds.SubjectOf(e.Kind))
        {
            case FlowSubject.Run:
                var key = (e.SubjectId, Math.Max(1, e.Attempt));
                if (!runs.TryGetValue(key, out var run))
                {
                    run = new PipelineRunFacts(e.Repository, e.SubjectId, key.Item2);
                    runs.Add(key, run);
                    if (deployingRuns.Contains(e.SubjectId))
                    {
                        run.MarkDeploys();
                    }
                }

                run.Apply(e);
                runsBySha = null;
                break;
            case FlowSubject.Deployment:
                if (!deployments.TryGetValue(e.SubjectId, out var deployment))
                {
                    deployment = new DeploymentFacts(e.Repository, e.SubjectId);
                    deployments.Add(e.SubjectId, deployment);
                }

                deployment.Apply(e);
                changeSetsInferred = false;
                if (e.RunId is { } runId && deployingRuns.Add(runId))
                {
                    foreach (var ((id, _), deploying) in runs)
                    {
                        if (string.Equals(id, runId, StringComparison.Ordinal))
                        {
                            deploying.MarkDeploys();
                        }
                    }
                }

                break;
            case FlowSubject.Incident:
                if (!incidents.TryGetValue(e.SubjectId, out var incident))
                {
                    incident = new IncidentFacts(e.Repository, e.SubjectId);
                    incidents.Add(e.SubjectId, incident);
                }

                incident.Apply(e);
                break;
            default:
                if (!changes.TryGetValue(e.SubjectId, out var change))
                {
                    change = new ChangeFacts(e.Repository, e.SubjectId);
                    changes.Add(e.SubjectId, change);
                }

                change.Apply(e);
                changeSetsInferred = false;
                break;
        }
    }

    /// <summary>Timelines of every change merged into the trunk (or pushed directly), in change-id order, with their deployment stages and arrival.</summary>
    public IReadOnlyList<ChangeTimeline> MergedTimelines() => TimelinesOver(Index());

    /// <summary>
    /// Everything the flow knows, evaluated once: the deployment index is built and each merged change's timeline is
    /// computed a single time, then the deployments, the pending set and the waiting-now snapshot are derived from them
    /// (calling <see cref="MergedTimelines"/>, <see cref="FinishedDeployments"/>, <see cref="PendingChanges"/> and
    /// <see cref="WaitingNow"/> one by one rebuilds both each time).
    /// </summary>
    /// <param name="now">The time of the waiting-now snapshot.</param>
    /// <param name="retainCompletedSince">As for <see cref="PendingChanges"/>.</param>
    public FlowEvaluation Evaluate(DateTimeOffset now, DateTimeOffset retainCompletedSince)
    {
        var index = Index();
        var timelines = TimelinesOver(index);
        var byChange = new Dictionary<ChangeFacts, ChangeTimeline>(timelines.Count, ReferenceEqualityComparer.Instance);
        foreach (var timeline in timelines)
        {
            byChange.Add(timeline.Change, timeline);
        }

        return new FlowEvaluation(
            timelines,
            AttributedDeployments(index, null),
            FinishedRuns(),
            Incidents(),
            WaitingOver(now, index, byChange),
            PendingOver(retainCompletedSince, index, timelines),
            OpenChanges());
    }

    private List<ChangeTimeline> TimelinesOver(DeploymentIndex index) =>
        Merged().Select(change => Timeline(change, index)).ToList();

    /// <summary>
    /// Every finished deployment (any environment) with the ids of the merged changes it carries, ordered by finish
    /// time then id. Rollbacks and redeploys carry none. Only changes this flow knows are counted (the window's and
    /// the replayed pending ones).
    /// </summary>
    /// <param name="finishedSince">
    /// When given, only deployments that finished at or after it: pass the start of the window read, so a
    /// deployment that is only replayed from state (with a partial change set) is not written again.
    /// </param>
    public IReadOnlyList<AttributedDeployment> FinishedDeployments(DateTimeOffset? finishedSince = null) =>
        AttributedDeployments(Index(), finishedSince);

    private List<AttributedDeployment> AttributedDeployments(DeploymentIndex index, DateTimeOffset? finishedSince)
    {
        var carried = new Dictionary<DeploymentFacts, List<string>>();
        var rework = new HashSet<DeploymentFacts>();
        foreach (var change in Merged())
        {
            var isRework = stream.Rework.IsRework(change);
            foreach (var deployment in index.Candidates(change).Where(d => d.Contains(change)))
            {
                if (!carried.TryGetValue(deployment, out var ids))
                {
                    ids = [];
                    carried.Add(deployment, ids);
                }

                ids.Add(change.ChangeId);
                if (isRework)
                {
                    rework.Add(deployment);
                }
            }
        }

        // Provisional stand-ins are no deployments of record: they are never points, nor counted in DORA.
        var ordered = deployments.Values
            .Where(d => d.Finished is not null && !d.IsProvisional)
            .OrderBy(d => d.Finished).ThenBy(d => d.DeploymentId, StringComparer.Ordinal)
            .ToList();
        var recoveries = Recoveries(ordered);
        return ordered
            .Where(d => finishedSince is null || d.Finished >= finishedSince)
            .Select(d => new AttributedDeployment(d, carried.TryGetValue(d, out var ids) ? ids : [])
            {
                RecoveredAfter = recoveries.TryGetValue(d, out var recovery) ? recovery : null,
                IsRework = rework.Contains(d),
                IsProduction = d.Environment is { } environment && stream.ProductionEnvironments.Contains(environment),
            })
            .ToList();
    }

    /// <summary>
    /// Per environment, a run of failed deployments recovers at the next successful one, measured from the first
    /// failure of the run (docs/metrics.md, "Failed deployment recovery time"): the successful deployment → that time.
    /// </summary>
    private static Dictionary<DeploymentFacts, TimeSpan> Recoveries(List<DeploymentFacts> finishedInOrder)
    {
        var recoveries = new Dictionary<DeploymentFacts, TimeSpan>();
        var failingSince = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var deployment in finishedInOrder)
        {
            var environment = deployment.Environment ?? "";
            if (!deployment.Succeeded)
            {
                failingSince.TryAdd(environment, deployment.Finished!.Value);
            }
            else if (failingSince.Remove(environment, out var since))
            {
                recoveries[deployment] = deployment.Finished!.Value - since;
            }
        }

        return recoveries;
    }

    /// <summary>Every incident whose opening is known, ordered by opening and id.</summary>
    public IReadOnlyList<IncidentFacts> Incidents() =>
        [.. incidents.Values
            .Where(i => i.Opened is not null)
            .OrderBy(i => i.Opened).ThenBy(i => i.IncidentId, StringComparer.Ordinal)];

    /// <summary>
    /// Every finished pipeline run attempt (any branch the source reported), ordered by finish time, run id and attempt,
    /// with the stages, jobs and checkpoints the source reported inside it.
    /// </summary>
    public IReadOnlyList<PipelineRunFacts> FinishedRuns() =>
        [.. runs.Values
            .Where(r => r.Finished is not null)
            .OrderBy(r => r.Finished).ThenBy(r => r.RunId, StringComparer.Ordinal).ThenBy(r => r.Attempt)];

    /// <summary>
    /// The merged changes a caller must keep between runs, each as the events that reproduce its timeline when
    /// replayed into the next run's flow: the change's own facts, the pipeline runs on its merge commit and the
    /// deployments to path / production environments that carry it (their change sets cut to the change's SHAs).
    /// A change leaves the set once it reached the last environment of the path (<see cref="ChangeTimeline.Completed"/>)
    /// before <paramref name="retainCompletedSince"/>.
    /// </summary>
    /// <param name="retainCompletedSince">
    /// Pass the start of the next run's window (new watermark − overlap): a change completed inside it stays one
    /// more run, so a re-read deployment of the overlap still finds the changes it carried.
    /// </param>
    public IReadOnlyList<PendingChange> PendingChanges(DateTimeOffset retainCompletedSince)
    {
        var index = Index();
        return PendingOver(retainCompletedSince, index, TimelinesOver(index));
    }

    /// <summary>The pending set given the timelines of <see cref="Merged"/> (in its order) computed over <c>index</c>.</summary>
    private List<PendingChange> PendingOver(DateTimeOffset retainCompletedSince, DeploymentIndex index, List<ChangeTimeline> timelines)
    {
        var result = new List<PendingChange>();
        foreach (var timeline in timelines)
        {
            var change = timeline.Change;
            if (timeline.Completed is { } completed && completed < retainCompletedSince)
            {
                continue;
            }

            var ownShas = new HashSet<string>(change.CommitShas, StringComparer.Ordinal);
            if (change.MergeSha is not null)
            {
                ownShas.Add(change.MergeSha);
            }

            var events = new List<FlowEvent>(change.ToEvents());
            events.AddRange(RunsOn(change).SelectMany(r => r.ToEvents()));
            events.AddRange(index.Candidates(change)
                .Where(d => d.Contains(change) && IsTracked(d.Environment))
                .OrderBy(d => d.DeploymentId, StringComparer.Ordinal)
                .SelectMany(d => d.ToEvents(ownShas.Contains)));
            result.Add(new PendingChange(change.ChangeId, change.Merged!.Value, timeline.Arrived, events));
        }

        return result;
    }

    /// <summary>
    /// The deployments that count for changes: all, except a provisional one whose run and stage now have a deployment of
    /// record (the records win; docs/azure-devops.md, "Runs still in progress").
    /// </summary>
    private IEnumerable<DeploymentFacts> Current()
    {
        HashSet<(string RunId, string Stage)>? recorded = null;
        var anyProvisional = false;
        foreach (var d in deployments.Values)
        {
            anyProvisional |= d.IsProvisional;
            if (!d.IsProvisional && d.RunId is { } run && d.Stage is { } stage)
            {
                (recorded ??= []).Add((run, stage.ToUpperInvariant()));
            }
        }

        return !anyProvisional || recorded is null
            ? deployments.Values
            : deployments.Values.Where(d => !d.IsProvisional || d.RunId is not { } run || d.Stage is not { } stage || !recorded.Contains((run, stage.ToUpperInvariant())));
    }

    private IEnumerable<ChangeFacts> Merged() =>
        changes.Values.Where(c => c.Merged is not null).OrderBy(c => c.ChangeId, StringComparer.Ordinal);

    private ChangeTimeline Timeline(ChangeFacts change, DeploymentIndex index) =>
        StageCalculator.Compute(change, RunsOn(change), index.Candidates(change), stream);

    /// <summary>The runs on the change's merge commit; callers only read the list (it may be the shared empty one).</summary>
    private List<PipelineRunFacts> RunsOn(ChangeFacts change)
    {
        if (change.MergeSha is null)
        {
            return NoRuns;
        }

        // Indexed by SHA once per batch of events: a scan per change made timelines quadratic in repository size.
        runsBySha ??= IndexRunsBySha();
        return runsBySha.TryGetValue(change.MergeSha, out var runs) ? runs : NoRuns;
    }

    private Dictionary<string, List<PipelineRunFacts>> IndexRunsBySha()
    {
        var index = new Dictionary<string, List<PipelineRunFacts>>(StringComparer.Ordinal);
        foreach (var run in runs.Values)
        {
            if (run.Sha is null)
            {
                continue;
            }

            if (!index.TryGetValue(run.Sha, out var list))
            {
                list = new List<PipelineRunFacts>(1);
                index.Add(run.Sha, list);
            }

            list.Add(run);
        }

        return index;
    }

    private bool IsTracked(string? environment) =>
        environment is not null
        && (stream.ProductionEnvironments.Contains(environment)
            || stream.EnvironmentPath.Contains(environment, StringComparer.OrdinalIgnoreCase));

    /// <summary>Deployments that add changes, by every SHA they carry (their change set and the deployed SHA).</summary>
    private sealed class DeploymentIndex
    {
        private readonly Dictionary<string, List<DeploymentFacts>> bySha = new(StringComparer.Ordinal);

        public DeploymentIndex(IEnumerable<DeploymentFacts> deployments)
        {
            foreach (var deployment in deployments.Where(d => d.AddsChanges))
            {
                foreach (var sha in deployment.IncludedShas.Concat(deployment.InferredShas).Append(deployment.Sha).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    if (!bySha.TryGetValue(sha, out var list))
                    {
                        list = [];
                        bySha.Add(sha, list);
                    }

                    list.Add(deployment);
                }
            }
        }

        private static readonly HashSet<DeploymentFacts> NoCandidates = [];

        /// <summary>Deployments carrying the change's merge commit or one of its own commits (not yet checked against its merge time). Read only: may be a shared empty set.</summary>
        public HashSet<DeploymentFacts> Candidates(ChangeFacts change)
        {
            if (bySha.Count == 0)
            {
                return NoCandidates;
            }

            HashSet<DeploymentFacts>? found = null;
            foreach (var sha in change.CommitShas)
            {
                Collect(sha, ref found);
            }

            if (change.MergeSha is not null)
            {
                Collect(change.MergeSha, ref found);
            }

            return found ?? NoCandidates;
        }

        private void Collect(string sha, ref HashSet<DeploymentFacts>? found)
        {
            if (bySha.TryGetValue(sha, out var list))
            {
                (found ??= []).UnionWith(list);
            }
        }
    }
}
