using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// The default branch's first-parent history (oldest first), read once per read with <c>commitsbatch</c>: every
/// deployment's change set is the trunk commits after its baseline's SHA up to its own, found here instead of with one
/// "changes between builds" request per deployment. A SHA outside the history (an older baseline, a release branch)
/// gets no answer, and the caller asks the service.
/// </summary>
internal sealed class AdoTrunkHistory
{
    private readonly List<string> shas;
    private readonly Dictionary<string, int> positions;

    public AdoTrunkHistory(IEnumerable<string> oldestFirst)
    {
        shas = [.. oldestFirst];
        positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < shas.Count; i++)
        {
            positions.TryAdd(shas[i], i);
        }
    }

    public int Count => shas.Count;

    /// <summary>
    /// The change set of deploying <paramref name="sha"/> after <paramref name="baselineSha"/>: <c>Ahead</c> with the
    /// commits in between (baseline exclusive), <c>Identical</c> for the same commit, <c>Behind</c> (a rollback) when the
    /// baseline is the newer one; null when either is not in the history.
    /// </summary>
    public AdoChangeSet? Between(int baselineBuildId, string? baselineSha, string? sha)
    {
        if (baselineSha is null || sha is null || !positions.TryGetValue(baselineSha, out var from) || !positions.TryGetValue(sha, out var to))
        {
            return null;
        }

        return from.CompareTo(to) switch
        {
            < 0 => new AdoChangeSet(baselineBuildId, DeploymentComparison.Ahead, shas.GetRange(from + 1, to - from)),
            0 => new AdoChangeSet(baselineBuildId, DeploymentComparison.Identical, []),
            _ => new AdoChangeSet(baselineBuildId, DeploymentComparison.Behind, []),
        };
    }
}
