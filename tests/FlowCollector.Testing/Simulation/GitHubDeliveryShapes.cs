namespace FlowCollector.Testing.Simulation;

/// <summary>
/// The delivery shapes of issue 14 on one GitHub repository, each change a day after the previous one, with the stages a
/// person works out by hand from the model (environments <c>staging</c> → <c>production</c>). Every change: first commit
/// at minute 0, opened at 60, approved by bob at 90, merged at 120 — coding 3600, pickup 1800, review 0, merge 1800 s.
/// </summary>
/// <remarks>
/// In merge order (so no later deployment carries an earlier change):
/// <list type="number">
/// <item><b>#1 re-run CI</b>: <c>CI</c> attempt 1 started 125, failed 135; re-run 150–160 green. A <c>Deploy</c> workflow run
/// (started 122) deploys staging 170–180 and production 200–210.</item>
/// <item><b>#2 deploy workflow, successful</b>: <c>CI</c> 125–140; <c>Deploy</c> started 122 deploys staging 150–160, then
/// production waits for its approval from 165 and runs 230–240; the run finishes at 245.</item>
/// <item><b>#3 deploy workflow, failed</b>: as #2, but production fails at 240 and so does the run (245).</item>
/// <item><b>#4 deploy workflow waiting for approval</b>: as #2 up to staging; production waits since 165, the run is still in progress.</item>
/// </list>
/// </remarks>
public static class GitHubDeliveryShapes
{
    // Declared first: static fields initialise in order, and Expected spreads it.
    private static readonly (string, double)[] Reviewed = [("coding", 3600), ("pickup", 1800), ("review", 0), ("merge", 1800)];

    /// <summary>The hand-worked stages (name, seconds) per pull request number.</summary>
    public static IReadOnlyDictionary<int, (string Stage, double Seconds)[]> Expected { get; } = new Dictionary<int, (string, double)[]>
    {
        [1] = [.. Reviewed, ("ci_queue", 300), ("ci", 2100), ("release_wait", 600), ("deploy:staging", 600), ("promotion_wait:production", 1200), ("deploy:production", 600)],
        [2] = [.. Reviewed, ("ci_queue", 300), ("ci", 900), ("release_wait", 600), ("deploy:staging", 600), ("promotion_wait:production", 4200), ("deploy:production", 600)],
        [3] = [.. Reviewed, ("ci_queue", 300), ("ci", 900), ("release_wait", 600), ("deploy:staging", 600), ("promotion_wait:production", 4200)],
        [4] = [.. Reviewed, ("ci_queue", 300), ("ci", 900), ("release_wait", 600), ("deploy:staging", 600)],
    };

    /// <summary>Adds the four changes to <paramref name="repository"/>, change n starting n − 1 days after <paramref name="start"/>.</summary>
    public static SimulatedRepository Add(SimulatedRepository repository, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var day = start;
        DateTimeOffset M(double minutes) => day.AddMinutes(minutes);

        string Merged(int n)
        {
            var sha = SimulatedIds.Sha($"{repository.FullName}/shape/{n}");
            repository.OpenPullRequest("alice", M(60))
                .Commit(M(0), SimulatedIds.Sha($"{repository.FullName}/shape/{n}/commit"))
                .Review("bob", SimulatedReviewState.Approved, M(90))
                .Merge(M(120), sha);
            return sha;
        }

        // #1: re-run CI.
        var sha1 = Merged(1);
        var ci1 = repository.Run("CI", sha1, M(121), M(125), M(135), "failure");
        repository.Rerun(ci1, M(150), M(160));
        var deploy1 = repository.Run("Deploy", sha1, M(121), M(122), finishedAt: null);
        repository.Deploy("staging", sha1, M(165), M(170), M(180), run: deploy1);
        repository.Deploy("production", sha1, M(185), M(200), M(210), run: deploy1);
        repository.FinishRun(deploy1, M(215));

        // #2 to #4: a Deploy workflow beside CI on the same commit.
        foreach (var (n, production) in new[] { (2, "success"), (3, "failure"), (4, "waiting") })
        {
            day = start.AddDays(n - 1);
            var sha = Merged(n);
            repository.Run("CI", sha, M(121), M(125), M(140));
            var deploy = repository.Run("Deploy", sha, M(121), M(122), finishedAt: null);
            repository.Deploy("staging", sha, M(141), M(150), M(160), run: deploy);
            if (production == "waiting")
            {
                repository.Deploy("production", sha, M(165), startedAt: null, finishedAt: null, run: deploy);
                continue;
            }

            var deployment = repository.Deploy("production", sha, M(165), startedAt: null, finishedAt: null, run: deploy);
            deployment.Status("in_progress", M(230)).Status(production, M(240));
            repository.FinishRun(deploy, M(245), production);
        }

        return repository;
    }
}
