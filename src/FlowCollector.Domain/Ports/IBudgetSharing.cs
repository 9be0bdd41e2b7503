namespace FlowCollector.Domain.Ports;

/// <summary>
/// How many processes spend the same API budgets. GitHub's headers already report a credential's global remaining
/// budget, so every replica paces on the same figure; each must only know by how many it has to divide it. A port: the
/// sources divide, the hosting (the Quartz cluster) counts.
/// </summary>
public interface IBudgetSharing
{
    /// <summary>Replicas (at least 1) currently spending the budgets of this process's credentials.</summary>
    int Replicas { get; }
}
