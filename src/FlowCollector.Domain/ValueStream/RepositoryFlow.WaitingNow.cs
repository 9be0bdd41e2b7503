using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

public sealed partial class RepositoryFlow
{
    /// <summary>
    /// The waiting-now snapshot (the value-stream map's inventory): every known change that is waiting in a wait stage
    /// at <paramref name="now"/> — open pull requests waiting for a first review (<c>pickup</c>), approved but unmerged
    /// (<c>merge</c>), merged but not yet in CI or released (<c>ci_queue</c>, <c>release_wait</c>), deployed to one
    /// environment and waiting for the next (<c>promotion_wait:&lt;env&gt;</c>). Changes being worked on (draft, in review,
    /// CI or a deployment running) are in a process stage and not listed. Stages dropped from the configured stream are not listed.
    /// </summary>
    public IReadOnlyList<WaitingItem> WaitingNow(DateTimeOffset now) => WaitingOver(now, Index(), null);

    /// <summary>The snapshot over <c>index</c>, given the merged changes' timelines when already computed over it (null: computed here).</summary>
    private List<WaitingItem> WaitingOver(DateTimeOffset now, DeploymentIndex index, Dictionary<ChangeFacts, ChangeTimeline>? timelines)
    {
        var items = new List<WaitingItem>();
        foreach (var change in changes.Values.OrderBy(c => c.ChangeId, StringComparer.Ordinal))
        {
            var waiting = change.Merged is null ? WaitingOpen(change) : WaitingMerged(change, index, timelines?[change] ?? Timeline(change, index));
            if (waiting is { } w && w.Since <= now && StageFor(w.Rule, w.Environment) is { } stage)
            {
                items.Add(new WaitingItem(change.ChangeId, stage, w.Since, change.Url, change.IsDirect));
            }
        }

        return items;
    }

    /// <summary>Open changes (opened, not merged, not closed), as events to keep between runs.</summary>
    public IReadOnlyList<OpenChange> OpenChanges() =>
        changes.Values
            .Where(c => c.Merged is null && c.Closed is null && c.Opened is not null)
            .OrderBy(c => c.ChangeId, StringComparer.Ordinal)
            .Select(c => new OpenChange(c.ChangeId, c.Opened!.Value, c.ToEvents()))
            .ToList();

    private (StageRule Rule, string? Environment, DateTimeOffset Since)? WaitingOpen(ChangeFacts change)
    {
        if (change.Closed is not null || change.Opened is null)
        {
            return null;
        }

        var ready = change.OpenedAsDraft ? change.FirstReadyForReview : change.Opened;
        if (ready is null)
        {
            return null; // still a draft: coding
        }

        var counted = change.Reviews
            .Where(r => !r.IsBot
                        && !string.Equals(r.Reviewer, change.Author, StringComparison.OrdinalIgnoreCase)
                        && r.At >= ready.Value
                        && (stream.CommentsEndPickup || r.State != ReviewState.None))
            .ToList();
        if (counted.Count == 0)
        {
            return (StageRule.Pickup, null, ready.Value);
        }

        // Waiting to be merged once the latest verdict is an approval; after "changes requested" the author is working.
        var lastVerdict = counted.Where(r => r.State is ReviewState.Approved or ReviewState.ChangesRequested).OrderBy(r => r.At).LastOrDefault();
        return lastVerdict.State == ReviewState.Approved ? (StageRule.Merge, null, lastVerdict.At) : null;
    }

    private (StageRule Rule, string? Environment, DateTimeOffset Since)? WaitingMerged(ChangeFacts change, DeploymentIndex index, ChangeTimeline timeline)
    {
        var path = stream.EnvironmentPath;
        var next = Enumerable.Range(0, path.Count).FirstOrDefault(i => !timeline.Deployed.ContainsKey(path[i]), -1);
        if (timeline.Completed is not null || next < 0)
        {
            return null;
        }

        var candidates = index.Candidates(change).Where(d => d.Contains(change) && d.IsIn(path[next])).ToList();
        if (candidates.Any(d => d.Started is not null && d.Finished is null))
        {
            return null; // deploying now: process
        }

        if (next > 0)
        {
            return (StageRule.PromotionWait, path[next], timeline.Deployed[path[next - 1]]);
        }

        // Only the CI part of the runs: a deployment run, or a run waiting at its deploying stages, is not CI running.
        var ci = RunsOn(change).Select(stream.Ci.CiPartOf).OfType<CiPart>().ToList();
        if (ci.Any(r => r.Started is not null && r.Finished is null))
        {
            return null; // CI running: process
        }

        var merged = change.Merged!.Value;
        if (ci.Count > 0 && ci.All(r => r.Started is null))
        {
            return (StageRule.CiQueue, null, merged);
        }

        // CI done (or never ran): waiting for the release since the later of the merge and the last CI finish.
        var lastFinish = ci.Select(r => r.Finished).Max();
        return (StageRule.ReleaseWait, null, lastFinish is { } f && f > merged ? f : merged);
    }

    private StageDefinition? StageFor(StageRule rule, string? environment) =>
        stream.Stages.FirstOrDefault(s => s.Rule == rule && s.Kind == StageKind.Wait
            && (environment is null || string.Equals(s.Environment, environment, StringComparison.OrdinalIgnoreCase)));
}
