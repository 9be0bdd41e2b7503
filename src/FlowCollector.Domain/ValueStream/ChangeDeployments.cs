namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The deployments that carry one change, by environment: when the first attempt started and when the first
/// successful one finished. Environment names are case-insensitive.
/// </summary>
internal sealed class ChangeDeployments
{
    private static readonly ChangeDeployments None = new([]);

    private readonly List<DeploymentFacts> carrying;

    private ChangeDeployments(List<DeploymentFacts> carrying)
    {
        this.carrying = carrying;
    }

    public bool IsEmpty => carrying.Count == 0;

    /// <summary>Those of <paramref name="deployments"/> that carry <paramref name="change"/> (most changes of a run: none).</summary>
    public static ChangeDeployments Carrying(ChangeFacts change, IReadOnlyCollection<DeploymentFacts> deployments)
    {
        List<DeploymentFacts>? carrying = null;
        foreach (var deployment in deployments)
        {
            if (deployment.Contains(change))
            {
                (carrying ??= []).Add(deployment);
            }
        }

        return carrying is null ? None : new ChangeDeployments(carrying);
    }

    /// <summary>The first deployment to <paramref name="environment"/> carrying the change started (any result, also still running).</summary>
    public DateTimeOffset? FirstAttempt(string? environment)
    {
        DateTimeOffset? first = null;
        foreach (var d in carrying)
        {
            if (d.IsIn(environment) && d.EffectiveStart is { } start && (first is null || start < first.Value))
            {
                first = start;
            }
        }

        return first;
    }

    /// <summary>The first successful deployment to <paramref name="environment"/> carrying the change finished.</summary>
    public DateTimeOffset? FirstSuccess(string? environment)
    {
        DateTimeOffset? first = null;
        foreach (var d in carrying)
        {
            if (d.IsIn(environment) && d.Succeeded && d.Finished is { } finished && (first is null || finished < first.Value))
            {
                first = finished;
            }
        }

        return first;
    }
}
