namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// What <see cref="EnvironmentPathLearner"/> keeps about one repository between runs. Bounded: the recent commits one
/// by one (at most <see cref="EnvironmentLearning.RecentCommits"/>), older ones only as per-environment counts and
/// pairwise votes; forgotten (stale) environments are dropped. Plain data, so the worker can store it as JSON.
/// </summary>
public sealed record EnvironmentPathState
{
    /// <summary>Every environment still counted, spelt as first seen, with the settled part of its tally.</summary>
    public IReadOnlyList<EnvironmentTally> Environments { get; init; } = [];

    /// <summary>Settled votes: how many older commits reached <see cref="PrecedenceTally.Before"/> first.</summary>
    public IReadOnlyList<PrecedenceTally> Precedences { get; init; } = [];

    /// <summary>The most recently deployed commits, each with the first time it reached each environment.</summary>
    public IReadOnlyList<DeployedCommit> Commits { get; init; } = [];

    /// <summary>
    /// The latest arrival of any commit already settled into counts; an arrival at or before it from a commit no longer
    /// kept is not counted again (a re-read of the overlap, a backfill).
    /// </summary>
    public DateTimeOffset? SettledThrough { get; init; }

    public static EnvironmentPathState Empty { get; } = new();
}

/// <summary>The settled part of one environment's tally: commits counted and the earliest and latest first arrivals among them.</summary>
public sealed record EnvironmentTally(string Name, int Commits, DateTimeOffset? FirstArrival, DateTimeOffset? LastArrival);

/// <summary>Settled commits that reached <paramref name="Before"/> earlier than <paramref name="After"/>.</summary>
public sealed record PrecedenceTally(string Before, string After, int Commits);

/// <summary>A deployed commit and the first time (successful deployment finished) it reached each environment.</summary>
public sealed record DeployedCommit(string Sha, IReadOnlyDictionary<string, DateTimeOffset> Reached);

/// <summary>One successful deployment as the learner sees it: which commit reached which environment when.</summary>
public sealed record EnvironmentArrival(string Environment, string Sha, DateTimeOffset At);

/// <summary>
/// A learnt environment path: the environments in the order commits reach them, and which of them are production.
/// </summary>
public sealed record LearntEnvironmentPath(IReadOnlyList<string> Environments, IReadOnlyList<string> Production)
{
    /// <summary>E.g. <c>staging → prod-eu → prod-us (production: prod-eu, prod-us)</c>.</summary>
    public override string ToString() => $"{string.Join(" → ", Environments)} (production: {string.Join(", ", Production)})";

    public bool SameAs(LearntEnvironmentPath? other) =>
        other is not null
        && Environments.SequenceEqual(other.Environments, StringComparer.Ordinal)
        && Production.SequenceEqual(other.Production, StringComparer.Ordinal);
}
