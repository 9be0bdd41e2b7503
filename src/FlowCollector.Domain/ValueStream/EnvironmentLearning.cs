using FlowCollector.Domain.Matching;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// How a repository's environment path is learnt from its deployments (docs/metrics.md, "Environment paths learnt from
/// deployments"): which environments are production, which are noise, and how much history is kept.
/// </summary>
public sealed record EnvironmentLearning
{
    /// <summary>The default production patterns (case-insensitive globs, <c>*</c> and <c>?</c>).</summary>
    public static readonly IReadOnlyList<string> DefaultProductionPatterns = ["prod", "prod-*", "prod_*", "production", "production-*", "live"];

    /// <summary>The default patterns of environments that are never on a path: review apps, one per pull request.</summary>
    public static readonly IReadOnlyList<string> DefaultIgnorePatterns = ["pr-*", "review-*", "preview*"];

    public static EnvironmentLearning Default { get; } = new();

    /// <summary>Environments matching one of these are production; when none on the path matches, its last environment is.</summary>
    public IReadOnlyList<string> ProductionPatterns { get; init; } = DefaultProductionPatterns;

    /// <summary>Environments matching one of these are not counted at all.</summary>
    public IReadOnlyList<string> IgnorePatterns { get; init; } = DefaultIgnorePatterns;

    /// <summary>
    /// An environment that received fewer than this share of the repository's deployed commits is left off the path
    /// (a one-off test environment, a mistyped name). 2 %: one in fifty.
    /// </summary>
    public double MinimumShare { get; init; } = 0.02;

    /// <summary>
    /// An environment with no deployment within this time before the repository's latest deployment is forgotten, so a
    /// renamed environment drops out. 90 days: longer than any release cadence the DORA bands call "medium" (monthly),
    /// so production of a repository that ships once a month stays on its path.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How many of the most recently deployed commits are kept one by one (their first arrival in every environment);
    /// older ones survive only as counts. Bounds the state of a busy repository.
    /// </summary>
    public int RecentCommits { get; init; } = 200;

    public bool IsProduction(string environment) => Matches(ProductionPatterns, environment);

    public bool IsIgnored(string environment) => Matches(IgnorePatterns, environment);

    private static bool Matches(IReadOnlyList<string> patterns, string environment)
    {
        foreach (var pattern in patterns)
        {
            if (Glob.Matches(pattern.Trim(), environment.Trim()))
            {
                return true;
            }
        }

        return false;
    }
}
