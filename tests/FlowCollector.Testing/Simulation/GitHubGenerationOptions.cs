namespace FlowCollector.Testing.Simulation;

/// <summary>Shape of a generated organisation (<see cref="SimulatedGitHub.Generate"/>).</summary>
public sealed record GitHubGenerationOptions
{
    /// <summary>How many owners the repositories are spread over, round robin (default 1: <c>contoso</c>).</summary>
    public int Organisations { get; init; } = 1;

    /// <summary>Average time between two pull requests opening in one repository (default 3 hours).</summary>
    public TimeSpan AverageGap { get; init; } = TimeSpan.FromHours(3);

    /// <summary>
    /// "Now" of the generated world: anything planned after it (a merge, a review, even the opening) does not happen
    /// yet, so the newest pull requests are naturally still open or in review. Null (default): every storyline completes.
    /// </summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>A login that is a bot only by configuration (type <c>User</c>, no <c>[bot]</c> suffix); it reviews now and then. Default <c>ci-reviewer</c>.</summary>
    public string ConfiguredBotLogin { get; init; } = "ci-reviewer";

    /// <summary>Give every pull request merged into the default branch a CI run (<c>build</c>) on its merge commit (default true).</summary>
    public bool WorkflowRuns { get; init; } = true;

    /// <summary>
    /// Deploy the trunk in batches every <see cref="DeploymentInterval"/>: first to <c>staging</c>, then, after a wait,
    /// the same SHA to <c>production</c>; some deployments fail, now and then production is redeployed or rolled back (default true).
    /// </summary>
    public bool Deployments { get; init; } = true;

    /// <summary>
    /// Each batch deployment is made by a <c>Deploy</c> workflow run on the deployed commit (created a minute before the
    /// staging deployment, finished after production or the failure; its deployments' statuses link to it), beside the
    /// <c>build</c> CI run on the same commit — the shape of issue 14 (default false: deployments made by another tool).
    /// </summary>
    public bool DeployWorkflow { get; init; }

    /// <summary>Time between two batch deployments to staging (default 8 hours).</summary>
    public TimeSpan DeploymentInterval { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// CI runs on each pull request's own branch, one per commit up to this many (default 0): the bulk of a real
    /// repository's workflow runs, which a collector reading the default branch's runs must not pay for.
    /// </summary>
    public int PullRequestBranchRuns { get; init; }
}
