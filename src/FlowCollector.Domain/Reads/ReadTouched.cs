using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Reads;

/// <summary>
/// What a read said something about: only their points can have changed, so changes, runs and deployments that were
/// only replayed from the kept set are not written again. Events are sorted by <see cref="FlowEventKinds.SubjectOf"/>,
/// the engine's own rule.
/// </summary>
internal sealed class ReadTouched
{
    // Change ids, and the SHAs of the runs read (a run touches the change merged by its commit): one set, as both name a change.
    private readonly HashSet<string> changes = new(StringComparer.Ordinal);

    private ReadTouched()
    {
    }

    public HashSet<string> Deployments { get; } = new(StringComparer.Ordinal);

    public HashSet<(string RunId, int Attempt)> Runs { get; } = [];

    public static ReadTouched From(IEnumerable<FlowEvent> events)
    {
        var touched = new ReadTouched();
        foreach (var e in events)
        {
            switch (FlowEventKinds.SubjectOf(e.Kind))
            {
                case FlowSubject.Run:
                    touched.Runs.Add((e.SubjectId, Math.Max(1, e.Attempt)));
                    if (e.Sha is not null)
                    {
                        touched.changes.Add(e.Sha);
                    }

                    break;
                case FlowSubject.Deployment:
                    touched.Deployments.Add(e.SubjectId);
                    break;
                case FlowSubject.Change:
                    touched.changes.Add(e.SubjectId);
                    break;
                case FlowSubject.Incident:
                    break; // incidents are never kept between reads: every one the flow knows was read
            }
        }

        return touched;
    }

    /// <summary>The changes carried by the deployments read are touched too: they may have just arrived.</summary>
    public void AddCarriedBy(IEnumerable<AttributedDeployment> deployments)
    {
        foreach (var deployment in deployments)
        {
            changes.UnionWith(deployment.ChangeIds);
        }
    }

    public bool Touches(ChangeTimeline timeline) =>
        changes.Contains(timeline.Change.ChangeId) || (timeline.Change.MergeSha is { } sha && changes.Contains(sha));
}
