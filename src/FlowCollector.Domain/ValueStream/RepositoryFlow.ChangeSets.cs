using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

public sealed partial class RepositoryFlow
{
    // Inference reads every change and deployment: redone only after an event changed one of them.
    private bool changeSetsInferred;

    /// <summary>Deployments by the SHAs they carry, with the change sets of uncompared deployments worked out first.</summary>
    private DeploymentIndex Index()
    {
        if (!changeSetsInferred)
        {
            InferChangeSets();
            changeSetsInferred = true;
        }

        return new DeploymentIndex(Current());
    }

    /// <summary>
    /// A deployment its source could not compare with a baseline (<see cref="DeploymentComparison.Unknown"/>: the first one
    /// seen in its environment, or one whose baseline commit is gone) reports only its own commit, yet it put every earlier
    /// merge on the trunk into the environment. It carries each tracked change merged no later than the change its SHA
    /// belongs to (merges land on the trunk one after another, so those are reachable from that SHA) and later than the
    /// change of its baseline's SHA: the last successful deployment to the same environment that finished before it
    /// started (docs/metrics.md, "Deployments"). When the engine cannot place the deployed SHA, or the baseline's, on the
    /// trunk (no tracked change holds it), it adds nothing: a guess would attribute changes that never shipped.
    /// </summary>
    private void InferChangeSets()
    {
        foreach (var deployment in deployments.Values)
        {
            deployment.Infer(null);
        }

        // Over the deployments that count: a provisional stand-in its run's records replaced is not one of them.
        var current = Current().ToList();
        var uncompared = current.Where(d => d.Comparison == DeploymentComparison.Unknown && d.AddsChanges && d.Sha is not null).ToList();
        if (uncompared.Count == 0)
        {
            return;
        }

        var merged = changes.Values
            .Where(c => c.Merged is not null)
            .OrderBy(c => c.Merged).ThenBy(c => c.ChangeId, StringComparer.Ordinal)
            .ToList();
        var bySha = new Dictionary<string, List<ChangeFacts>>(StringComparer.Ordinal);
        foreach (var change in merged)
        {
            foreach (var sha in change.CommitShas.Append(change.MergeSha).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (!bySha.TryGetValue(sha, out var list))
                {
                    list = [];
                    bySha.Add(sha, list);
                }

                list.Add(change);
            }
        }

        // Successful deployments per environment, by finish: the baselines.
        var successes = current
            .Where(d => d.Succeeded && d.Environment is not null)
            .GroupBy(d => d.Environment!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.Finished).ThenBy(d => d.DeploymentId, StringComparer.Ordinal).ToList(), StringComparer.OrdinalIgnoreCase);

        // Where a deployed SHA stands on the trunk: the merge of the change that holds it (a deployment cannot carry a
        // change that merged after it ended). Several changes hold it (stacked pull requests): the first merged.
        DateTimeOffset? Anchor(DeploymentFacts deployment) =>
            deployment.Sha is { } sha && bySha.TryGetValue(sha, out var holders) && deployment.LastKnown is { } last
                ? holders.Where(c => c.Merged <= last).Select(c => c.Merged).Min()
                : null;

        foreach (var deployment in uncompared)
        {
            if (Anchor(deployment) is not { } until)
            {
                continue;
            }

            var start = deployment.EffectiveStart ?? deployment.LastKnown;
            var baseline = deployment.Environment is { } environment && successes.TryGetValue(environment, out var candidates)
                ? candidates.LastOrDefault(d => !ReferenceEquals(d, deployment) && d.Finished < start)
                : null;
            DateTimeOffset? after = null;
            if (baseline is not null)
            {
                if (Anchor(baseline) is not { } since)
                {
                    continue;
                }

                after = since;
            }

            HashSet<string>? shas = null;
            foreach (var change in merged)
            {
                if (change.Merged > until)
                {
                    break;
                }

                if ((after is null || change.Merged > after) && (change.MergeSha ?? change.CommitShas.FirstOrDefault()) is { } sha)
                {
                    (shas ??= new HashSet<string>(StringComparer.Ordinal)).Add(sha);
                }
            }

            deployment.Infer(shas);
        }
    }
}
