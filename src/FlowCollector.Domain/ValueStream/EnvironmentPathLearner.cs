using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Learns one repository's environment path from its own successful deployments (docs/metrics.md, "Environment paths
/// learnt from deployments"), incrementally across runs. Pure: no clock, no I/O; every time comes from the deployments.
/// <list type="bullet">
/// <item>Each deployed commit contributes the first time it reached each environment (its first successful deployment
/// there finished). Environment A precedes B when more commits reached A before B than B before A (pairwise majority;
/// equal times vote for neither).</item>
/// <item>Ties and cycles: the pairwise verdicts are locked strongest first (larger majority, then more commits, then
/// names in ordinal order); a verdict that would close a cycle with the ones already locked is dropped (ranked pairs).
/// The locked verdicts are laid out in order; where they leave a choice, a non-production environment comes before a
/// production one, then names in ordinal (case-insensitive) order.</item>
/// <item>Noise: environments matching <see cref="EnvironmentLearning.IgnorePatterns"/> are not counted; those reached by
/// fewer than <see cref="EnvironmentLearning.MinimumShare"/> of the repository's deployed commits, or not within
/// <see cref="EnvironmentLearning.StaleAfter"/> of its latest deployment, are left off the path; so is one replaced by a
/// renamed successor (they never shared a commit, all its arrivals came before the successor's first, and the successor has
/// had three since).</item>
/// </list>
/// The result does not depend on the order deployments arrive in, nor on reading one twice (the overlap of runs).
/// </summary>
public sealed class EnvironmentPathLearner
{
    private readonly EnvironmentLearning settings;

    // Environment names are case-insensitive; the first spelling seen is kept (it names the stages).
    private readonly Dictionary<string, Tally> environments = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Before, string After), int> settledVotes = [];
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> commits = new(StringComparer.Ordinal);
    private DateTimeOffset? settledThrough;

    public EnvironmentPathLearner(EnvironmentLearning settings, EnvironmentPathState? state = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        state ??= EnvironmentPathState.Empty;
        foreach (var tally in state.Environments)
        {
            environments.TryAdd(tally.Name, new Tally(tally.Name, tally.Commits, tally.FirstArrival, tally.LastArrival));
        }

        foreach (var vote in state.Precedences)
        {
            if (Known(vote.Before) is { } before && Known(vote.After) is { } after)
            {
                settledVotes[(before, after)] = settledVotes.GetValueOrDefault((before, after)) + vote.Commits;
            }
        }

        foreach (var commit in state.Commits)
        {
            var reached = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var (environment, at) in commit.Reached)
            {
                reached[Canonical(environment)] = at;
            }

            commits[commit.Sha] = reached;
        }

        settledThrough = state.SettledThrough;
    }

    /// <summary>
    /// The successful, definitive deployments among <paramref name="events"/>, one per deployment: its environment, its
    /// deployed commit and when it finished. Failed, unfinished and provisional ones (a run still in progress) say
    /// nothing about where commits arrived.
    /// </summary>
    public static IReadOnlyList<EnvironmentArrival> Arrivals(IEnumerable<FlowEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var deployments = new Dictionary<string, DeploymentFacts>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Kind is not (FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished or FlowEventKind.DeploymentIncludes))
            {
                continue;
            }

            if (!deployments.TryGetValue(e.SubjectId, out var facts))
            {
                deployments.Add(e.SubjectId, facts = new DeploymentFacts(e.Repository, e.SubjectId));
            }

            facts.Apply(e);
        }

        return [.. deployments.Values
            .Where(d => d is { Succeeded: true, IsProvisional: false, Environment: not null, Sha: not null })
            .Select(d => new EnvironmentArrival(d.Environment!.Trim(), d.Sha!, d.Finished!.Value))
            .Where(a => a.Environment.Length > 0)];
    }

    /// <summary>Counts the successful deployments among <paramref name="events"/>. True when anything was learnt.</summary>
    public bool Observe(IEnumerable<FlowEvent> events) => Observe(Arrivals(events));

    /// <summary>Counts <paramref name="arrivals"/>, then forgets what the bounds say to forget. True when anything was learnt.</summary>
    public bool Observe(IEnumerable<EnvironmentArrival> arrivals)
    {
        ArgumentNullException.ThrowIfNull(arrivals);
        var changed = false;
        foreach (var arrival in arrivals)
        {
            changed |= Add(arrival);
        }

        if (changed)
        {
            Settle();
            ForgetStale();
        }

        return changed;
    }

    /// <summary>The path learnt so far, or null when no environment qualifies (no deployments yet).</summary>
    public LearntEnvironmentPath? Path()
    {
        var counts = Tallies();
        var total = counts.Values.Sum(c => c.Commits);
        var latest = counts.Values.Max(c => c.Last);
        if (total == 0 || latest is null)
        {
            return null;
        }

        var staleBefore = latest.Value - settings.StaleAfter;
        var candidates = counts.Values
            .Where(c => c.Commits >= settings.MinimumShare * total && c.Last >= staleBefore && !settings.IsIgnored(c.Name))
            .ToList();
        var votes = Votes(candidates.Select(c => c.Name).ToHashSet(StringComparer.Ordinal));

        // Renamed: an environment that never shared a commit with a newer one, all of whose arrivals came before the
        // newer one's first, and the newer one has been used since (TakeOverCommits arrivals; a one-off takes nothing over).
        var kept = candidates
            .Where(x => !candidates.Any(y => y.Name != x.Name
                && y.Commits >= TakeOverCommits
                && y.First > x.Last
                && !votes.ContainsKey((x.Name, y.Name))
                && !votes.ContainsKey((y.Name, x.Name))))
            .Select(x => x.Name)
            .ToHashSet(StringComparer.Ordinal);
        if (kept.Count == 0)
        {
            return null;
        }

        var path = Order(kept, votes, settings);
        var production = path.Where(settings.IsProduction).ToList();
        return new LearntEnvironmentPath(path, production.Count > 0 ? production : [path[^1]]);
    }

    /// <summary>What to keep for the next run (see <see cref="EnvironmentPathState"/>), in a stable order.</summary>
    public EnvironmentPathState ToState() => new()
    {
        Environments = [.. environments.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => new EnvironmentTally(e.Name, e.Commits, e.First, e.Last))],
        Precedences = [.. settledVotes.OrderBy(v => v.Key.Before, StringComparer.Ordinal).ThenBy(v => v.Key.After, StringComparer.Ordinal)
            .Select(v => new PrecedenceTally(v.Key.Before, v.Key.After, v.Value))],
        Commits = [.. commits.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new DeployedCommit(c.Key, new SortedDictionary<string, DateTimeOffset>(c.Value, StringComparer.Ordinal)))],
        SettledThrough = settledThrough,
    };

    private bool Add(EnvironmentArrival arrival)
    {
        var environment = arrival.Environment.Trim();
        if (environment.Length == 0 || settings.IsIgnored(environment))
        {
            return false;
        }

        if (commits.TryGetValue(arrival.Sha, out var reached))
        {
            var name = Canonical(environment);
            if (reached.TryGetValue(name, out var known) && known <= arrival.At)
            {
                return false;
            }

            reached[name] = arrival.At;
            return true;
        }

        if (settledThrough is { } settled && arrival.At <= settled)
        {
            // Already counted before it was settled, or older than everything still kept one by one.
            return false;
        }

        commits.Add(arrival.Sha, new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal) { [Canonical(environment)] = arrival.At });
        return true;
    }

    /// <summary>Moves the oldest commits beyond the bound into the counts and votes (oldest = latest arrival earliest).</summary>
    private void Settle()
    {
        var excess = commits.Count - Math.Max(1, settings.RecentCommits);
        if (excess <= 0)
        {
            return;
        }

        var oldest = commits
            .OrderBy(c => c.Value.Values.Max())
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(excess)
            .ToList();
        foreach (var (sha, reached) in oldest)
        {
            foreach (var (environment, at) in reached)
            {
                environments[environment] = environments[environment].With(at);
            }

            foreach (var (before, after) in Precedences(reached, null))
            {
                settledVotes[(before, after)] = settledVotes.GetValueOrDefault((before, after)) + 1;
            }

            settledThrough = Later(settledThrough, reached.Values.Max());
            commits.Remove(sha);
        }
    }

    /// <summary>Forgets environments with no arrival within <see cref="EnvironmentLearning.StaleAfter"/> of the latest one.</summary>
    private void ForgetStale()
    {
        var tallies = Tallies();
        var latest = tallies.Values.Max(t => t.Last);
        if (latest is null)
        {
            return;
        }

        var stale = tallies.Values.Where(t => t.Last is null || t.Last < latest.Value - settings.StaleAfter).Select(t => t.Name).ToList();
        foreach (var environment in stale)
        {
            environments.Remove(environment);
            foreach (var key in settledVotes.Keys.Where(k => k.Before == environment || k.After == environment).ToList())
            {
                settledVotes.Remove(key);
            }

            foreach (var (sha, reached) in commits.ToList())
            {
                if (reached.Remove(environment) && reached.Count == 0)
                {
                    commits.Remove(sha);
                }
            }
        }
    }

    private Dictionary<(string Before, string After), int> Votes(HashSet<string> kept)
    {
        var votes = settledVotes.Where(v => kept.Contains(v.Key.Before) && kept.Contains(v.Key.After)).ToDictionary(v => v.Key, v => v.Value);
        foreach (var reached in commits.Values)
        {
            foreach (var pair in Precedences(reached, kept))
            {
                votes[pair] = votes.GetValueOrDefault(pair) + 1;
            }
        }

        return votes;
    }

    /// <summary>Every ordered pair of environments one commit reached at different times, the earlier first.</summary>
    private static IEnumerable<(string Before, string After)> Precedences(Dictionary<string, DateTimeOffset> reached, HashSet<string>? kept)
    {
        foreach (var (a, atA) in reached)
        {
            foreach (var (b, atB) in reached)
            {
                if (atA < atB && (kept is null || (kept.Contains(a) && kept.Contains(b))))
                {
                    yield return (a, b);
                }
            }
        }
    }

    /// <summary>Ranked pairs, then a topological layout (see the class comment for the rule).</summary>
    private static List<string> Order(HashSet<string> environments, Dictionary<(string Before, string After), int> votes, EnvironmentLearning settings)
    {
        var names = environments.Order(StringComparer.Ordinal).ToList();
        var verdicts = new List<(string Winner, string Loser, int Margin, int Support)>();
        for (var i = 0; i < names.Count; i++)
        {
            for (var j = i + 1; j < names.Count; j++)
            {
                var ab = votes.GetValueOrDefault((names[i], names[j]));
                var ba = votes.GetValueOrDefault((names[j], names[i]));
                if (ab != ba)
                {
                    verdicts.Add(ab > ba ? (names[i], names[j], ab - ba, ab) : (names[j], names[i], ba - ab, ba));
                }
            }
        }

        var successors = names.ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (winner, loser, _, _) in verdicts
            .OrderByDescending(v => v.Margin)
            .ThenByDescending(v => v.Support)
            .ThenBy(v => v.Winner, StringComparer.Ordinal)
            .ThenBy(v => v.Loser, StringComparer.Ordinal))
        {
            if (!Reaches(successors, loser, winner))
            {
                successors[winner].Add(loser);
            }
        }

        var predecessors = names.ToDictionary(n => n, n => successors.Count(s => s.Value.Contains(n)), StringComparer.Ordinal);
        var path = new List<string>(names.Count);
        while (path.Count < names.Count)
        {
            var next = predecessors
                .Where(p => p.Value == 0)
                .Select(p => p.Key)
                .OrderBy(settings.IsProduction)
                .ThenBy(n => n, StringComparer.OrdinalIgnoreCase)
                .ThenBy(n => n, StringComparer.Ordinal)
                .First();
            path.Add(next);
            predecessors[next] = -1;
            foreach (var successor in successors[next])
            {
                predecessors[successor]--;
            }
        }

        return path;
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> successors, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([from]);
        while (pending.TryPop(out var current))
        {
            if (current == to)
            {
                return true;
            }

            foreach (var next in successors[current].Where(seen.Add))
            {
                pending.Push(next);
            }
        }

        return false;
    }

    private string Canonical(string environment)
    {
        if (environments.TryGetValue(environment, out var entry))
        {
            return entry.Name;
        }

        environments.Add(environment, new Tally(environment, 0, null, null));
        return environment;
    }

    /// <summary>Each environment's settled tally with the recent commits added.</summary>
    private Dictionary<string, Tally> Tallies()
    {
        var tallies = environments.Values.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var reached in commits.Values)
        {
            foreach (var (environment, at) in reached)
            {
                tallies[environment] = tallies[environment].With(at);
            }
        }

        return tallies;
    }

    private string? Known(string environment) => environments.TryGetValue(environment, out var entry) ? entry.Name : null;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a < b ? a : b);

    /// <summary>Commits an environment must have received to take over from one it replaced (see <see cref="Path"/>).</summary>
    private const int TakeOverCommits = 3;

    private readonly record struct Tally(string Name, int Commits, DateTimeOffset? First, DateTimeOffset? Last)
    {
        public Tally With(DateTimeOffset arrival) => new(Name, Commits + 1, Earlier(First, arrival), Later(Last, arrival));
    }
}
