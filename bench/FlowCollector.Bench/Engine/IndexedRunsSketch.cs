using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Bench.Engine;

/// <summary>
/// Not the engine: a sketch of one optimisation, measured to size it before anyone changes src/. It folds as
/// <see cref="RepositoryFlow"/> does (a <see cref="ChangeFacts"/> per change, a <see cref="PipelineRunFacts"/> per run
/// attempt, through their public <c>Apply</c>) and calls the same <see cref="StageCalculator.Compute(ChangeFacts, IReadOnlyCollection{PipelineRunFacts}, ValueStreamDefinition, ReviewCounting)"/>,
/// but looks a change's runs up in an index by SHA built once, instead of scanning every run of the repository per change.
/// The breakdown checks that it yields the same timelines.
/// </summary>
internal sealed class IndexedRunsSketch
{
    private readonly Dictionary<string, ChangeFacts> changes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string RunId, int Attempt), PipelineRunFacts> runs = [];

    public static IndexedRunsSketch[] Fold(IReadOnlyList<FlowEvent[]> events) =>
        [.. events.Select(repository =>
        {
            var sketch = new IndexedRunsSketch();
            foreach (var e in repository)
            {
                sketch.Apply(e);
            }

            return sketch;
        })];

    public List<ChangeTimeline> MergedTimelines(ValueStreamDefinition stream, ReviewCounting counting)
    {
        var bySha = new Dictionary<string, List<PipelineRunFacts>>(StringComparer.Ordinal);
        foreach (var run in this.runs.Values)
        {
            if (run.Sha is not { } sha)
            {
                continue;
            }

            if (!bySha.TryGetValue(sha, out var list))
            {
                list = [];
                bySha.Add(sha, list);
            }

            list.Add(run);
        }

        var result = new List<ChangeTimeline>();
        foreach (var change in this.changes.Values.Where(c => c.Merged is not null).OrderBy(c => c.ChangeId, StringComparer.Ordinal))
        {
            IReadOnlyCollection<PipelineRunFacts> onMergeSha = change.MergeSha is { } sha && bySha.TryGetValue(sha, out var found) ? found : [];
            result.Add(StageCalculator.Compute(change, onMergeSha, stream, counting));
        }

        return result;
    }

    private void Apply(FlowEvent e)
    {
        switch (e.Kind)
        {
            case FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished:
                var key = (e.SubjectId, Math.Max(1, e.Attempt));
                if (!this.runs.TryGetValue(key, out var run))
                {
                    run = new PipelineRunFacts(e.Repository, e.SubjectId, key.Item2);
                    this.runs.Add(key, run);
                }

                run.Apply(e);
                break;
            default:
                // The synthetic stream has change and run events only.
                if (!this.changes.TryGetValue(e.SubjectId, out var change))
                {
                    change = new ChangeFacts(e.Repository, e.SubjectId);
                    this.changes.Add(e.SubjectId, change);
                }

                change.Apply(e);
                break;
        }
    }
}
