using FlowCollector.Domain.Ports;

namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>One process, no cluster: the whole budget is this process's.</summary>
internal sealed class SingleProcessBudget : IBudgetSharing
{
    public int Replicas => 1;
}
