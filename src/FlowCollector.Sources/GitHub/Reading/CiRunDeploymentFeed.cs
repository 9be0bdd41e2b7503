using System.Runtime.CompilerServices;
using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// The spec's other fallback reading for a repository without deployments (<c>DeploymentFallback: CiRuns</c>): each
/// successful run of one named workflow on the default branch is a successful deployment of its commit to the fallback
/// environment — started when the successful attempt started, finished when it completed. Served as a deployment feed
/// so change sets and baselines come exactly as for real deployments. Its statuses link the run, so the run itself is the
/// deployment, not CI (docs/metrics.md, "Deployments").
/// </summary>
internal sealed class CiRunDeploymentFeed : IDeploymentFeed
{
    private readonly List<WorkflowRunSnapshot> successes;
    private readonly string environment;

    public CiRunDeploymentFeed(IEnumerable<WorkflowRunSnapshot> runs, string workflowPattern, string environment)
    {
        ArgumentNullException.ThrowIfNull(runs);
        this.environment = environment;

        // A run succeeds at most once (a green attempt is never re-run); its successful attempt is the deployment.
        successes = runs
            .Where(r => r.Status == "completed" && string.Equals(r.Conclusion, "success", StringComparison.OrdinalIgnoreCase) && Matches(workflowPattern, r.Workflow))
            .GroupBy(r => r.Id)
            .Select(g => g.OrderBy(r => r.Attempt).First())
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .ToList();
    }

    public async IAsyncEnumerable<IReadOnlyList<DeploymentListing>> PagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield return [.. successes.Select(r => new DeploymentListing(r.Id, r.HeadSha, environment, r.CreatedAt, r.UpdatedAt))];
    }

    public Task<IReadOnlyList<DeploymentStatusSnapshot>> StatusesAsync(DeploymentListing deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var run = successes.First(r => r.Id == deployment.Id);
        IReadOnlyList<DeploymentStatusSnapshot> statuses =
        [
            new("in_progress", run.StartedAt ?? run.CreatedAt, run.HtmlUrl),
            new("success", run.UpdatedAt, run.HtmlUrl),
        ];
        return Task.FromResult(statuses);
    }

    private static bool Matches(string pattern, string workflow) => Domain.ValueStream.CiPipelines.Matches(pattern, workflow);
}
