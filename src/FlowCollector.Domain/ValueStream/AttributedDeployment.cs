namespace FlowCollector.Domain.ValueStream;

/// <summary>A finished deployment and the ids of the changes it carried (none for a rollback or a redeploy).</summary>
public sealed record AttributedDeployment(DeploymentFacts Deployment, IReadOnlyList<string> ChangeIds)
{
    /// <summary>
    /// For a successful deployment that ended a run of failed deployments to the same environment: first failure of
    /// the run finished → this one finished. Null otherwise, and when the failures are not known to this flow.
    /// </summary>
    public TimeSpan? RecoveredAfter { get; init; }

    /// <summary>
    /// It carried at least one rework change (docs/metrics.md, "Rework rate"): one unplanned fix makes the whole
    /// deployment unplanned. Rollbacks and redeploys carry no change, so they are never rework.
    /// </summary>
    public bool IsRework { get; init; }

    /// <summary>
    /// Its environment is one of the production environments of the stream the flow was built with (case-insensitive);
    /// false without an environment. Decided here, per repository, so DORA and the <c>production</c> tag agree.
    /// </summary>
    public bool IsProduction { get; init; }
}
