using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The engine's working set for one repository: folds a stream of events into per-change and per-run
/// facts and yields the timelines of changes that reached the trunk. Feeding the same events again, late
/// or in another order yields the same timelines (every fold is commutative and idempotent).
/// </summary>
public sealed class RepositoryFlow
{
    private readonly Dictionary<string, ChangeFacts> changes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string RunId, int Attempt), PipelineRunFacts> runs = [];
    private readonly ValueStreamDefinition stream;
    private readonly ReviewCounting counting;

    public RepositoryFlow(RepositoryRef repository, ValueStreamDefinition stream, ReviewCounting counting)
    {
        this.Repository = repository;
        this.stream = stream;
        this.counting = counting;
    }

    public RepositoryRef Repository { get; }

    /// <summary>Changes seen so far (merged, open or closed).</summary>
    public int ChangeCount => this.changes.Count;

    public void Apply(IEnumerable<FlowEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            this.Apply(e);
        }
    }

    public void Apply(FlowEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Kind)
        {
            case FlowEventKind.RunQueued:
            case FlowEventKind.RunStarted:
            case FlowEventKind.RunFinished:
                var key = (e.SubjectId, Math.Max(1, e.Attempt));
                if (!this.runs.TryGetValue(key, out var run))
                {
                    run = new PipelineRunFacts(e.Repository, e.SubjectId, key.Item2);
                    this.runs.Add(key, run);
                }

                run.Apply(e);
                break;
            case FlowEventKind.StageStarted:
            case FlowEventKind.StageFinished:
            case FlowEventKind.DeploymentQueued:
            case FlowEventKind.DeploymentStarted:
            case FlowEventKind.DeploymentFinished:
            case FlowEventKind.IncidentOpened:
            case FlowEventKind.IncidentResolved:
                // Deployment attribution, incidents and run stages are folded by the DORA part of the engine (issue #3).
                break;
            default:
                if (!this.changes.TryGetValue(e.SubjectId, out var change))
                {
                    change = new ChangeFacts(e.Repository, e.SubjectId);
                    this.changes.Add(e.SubjectId, change);
                }

                change.Apply(e);
                break;
        }
    }

    /// <summary>Timelines of every change merged into the trunk (or pushed directly), in change-id order.</summary>
    public IReadOnlyList<ChangeTimeline> MergedTimelines()
    {
        var result = new List<ChangeTimeline>();
        foreach (var change in this.changes.Values.OrderBy(c => c.ChangeId, StringComparer.Ordinal))
        {
            if (change.Merged is null)
            {
                continue;
            }

            var onMergeSha = change.MergeSha is null
                ? (IReadOnlyCollection<PipelineRunFacts>)[]
                : this.runs.Values.Where(r => string.Equals(r.Sha, change.MergeSha, StringComparison.Ordinal)).ToList();
            result.Add(StageCalculator.Compute(change, onMergeSha, this.stream, this.counting));
        }

        return result;
    }
}
