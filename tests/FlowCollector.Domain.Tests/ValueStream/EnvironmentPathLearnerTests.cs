using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// The environment path learnt from a repository's own deployments (docs/metrics.md, "Environment paths learnt from
/// deployments"). Every case is a small history worked by hand: which commit reached which environment on which day.
/// </summary>
public sealed class EnvironmentPathLearnerTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Commit <paramref name="sha"/> reached each environment at the given day offset.</summary>
    private static IEnumerable<EnvironmentArrival> Commit(string sha, params (string Environment, double Day)[] reached) =>
        reached.Select(r => new EnvironmentArrival(r.Environment, sha, Day0.AddDays(r.Day)));

    /// <summary>Commits c{from}..c{to}, commit i reaching each environment at day i plus the given offset.</summary>
    private static IEnumerable<EnvironmentArrival> Commits(int from, int to, params (string Environment, double Offset)[] path) =>
        Enumerable.Range(from, to - from + 1).SelectMany(i => Commit($"c{i}", [.. path.Select(p => (p.Environment, i + p.Offset))]));

    private static LearntEnvironmentPath? Learn(IEnumerable<EnvironmentArrival> arrivals, EnvironmentLearning? settings = null)
    {
        var learner = new EnvironmentPathLearner(settings ?? EnvironmentLearning.Default);
        learner.Observe(arrivals);
        return learner.Path();
    }

    [Fact]
    public void Staging_then_production()
    {
        // 5 commits, each on staging at day i and on production half a day later: staging precedes production 5-0.
        var path = Learn(Commits(1, 5, ("staging", 0), ("production", 0.5)));

        Assert.Equal(["staging", "production"], path!.Environments);
        Assert.Equal(["production"], path.Production);
        Assert.Equal("staging → production (production: production)", path.ToString());
    }

    [Fact]
    public void Two_regions_follow_the_majority_of_commits_whichever_order_each_was_deployed_in()
    {
        // c1-c4: staging, prod-eu, prod-us; c5-c6: staging, prod-us, prod-eu. prod-eu before prod-us 4-2: eu first.
        var history = Commits(1, 4, ("staging", 0), ("prod-eu", 0.2), ("prod-us", 0.4))
            .Concat(Commits(5, 6, ("staging", 0), ("prod-us", 0.2), ("prod-eu", 0.4)));
        var path = Learn(history);
        Assert.Equal(["staging", "prod-eu", "prod-us"], path!.Environments);
        Assert.Equal(["prod-eu", "prod-us"], path.Production);

        // The other way round (us first 4-2): prod-us first.
        var reversed = Commits(1, 4, ("staging", 0), ("prod-us", 0.2), ("prod-eu", 0.4))
            .Concat(Commits(5, 6, ("staging", 0), ("prod-eu", 0.2), ("prod-us", 0.4)));
        Assert.Equal(["staging", "prod-us", "prod-eu"], Learn(reversed)!.Environments);

        // 3-3, and regions deployed at the same instant (no vote): a tie, two production environments, by name.
        var even = Commits(1, 3, ("staging", 0), ("prod-us", 0.2), ("prod-eu", 0.4))
            .Concat(Commits(4, 6, ("staging", 0), ("prod-eu", 0.2), ("prod-us", 0.4)));
        Assert.Equal(["staging", "prod-eu", "prod-us"], Learn(even)!.Environments);
        Assert.Equal(["staging", "prod-eu", "prod-us"], Learn(Commits(1, 3, ("staging", 0), ("prod-us", 0.3), ("prod-eu", 0.3)))!.Environments);
    }

    [Fact]
    public void Classic_release_names_in_capitals_match_the_production_patterns_case_insensitively()
    {
        var path = Learn(Commits(1, 4, ("QA", 0), ("PROD", 2)));

        Assert.Equal(["QA", "PROD"], path!.Environments);
        Assert.Equal(["PROD"], path.Production);
    }

    [Fact]
    public void Production_only()
    {
        var path = Learn(Commits(1, 3, ("production", 0)));

        Assert.Equal(["production"], path!.Environments);
        Assert.Equal(["production"], path.Production);
    }

    [Fact]
    public void Four_environments_are_ordered_by_the_commits_not_by_their_names()
    {
        // Alphabetically acceptance < dev < prod < test; commits say dev → test → acceptance → prod. c4 skipped test and
        // acceptance (a hotfix through dev), which adds dev-before-prod votes but changes no order.
        var history = Commits(1, 3, ("dev", 0), ("test", 0.1), ("acceptance", 0.2), ("prod", 0.3))
            .Concat(Commit("c4", ("dev", 4), ("prod", 4.1)));
        var path = Learn(history);

        Assert.Equal(["dev", "test", "acceptance", "prod"], path!.Environments);
        Assert.Equal(["prod"], path.Production);
    }

    [Fact]
    public void When_no_environment_matches_the_production_patterns_the_last_one_of_the_path_is_production()
    {
        var path = Learn(Commits(1, 3, ("uat", 0), ("qa", 1), ("customer", 2)));

        Assert.Equal(["uat", "qa", "customer"], path!.Environments);
        Assert.Equal(["customer"], path.Production);
    }

    [Fact]
    public void Production_patterns_can_be_replaced()
    {
        var settings = EnvironmentLearning.Default with { ProductionPatterns = ["customer-*"] };
        var path = Learn(Commits(1, 3, ("staging", 0), ("customer-a", 1), ("customer-b", 2)), settings);

        Assert.Equal(["customer-a", "customer-b"], path!.Production);
    }

    [Fact]
    public void First_deployments_that_skipped_staging_do_not_change_the_path()
    {
        // c1-c3 went straight to production (staging did not exist yet), c4-c10 through staging: 7-0 for staging first.
        var history = Commits(1, 3, ("production", 0)).Concat(Commits(4, 10, ("staging", 0), ("production", 0.5)));

        Assert.Equal(["staging", "production"], Learn(history)!.Environments);
    }

    [Fact]
    public void Hotfixes_straight_to_production_do_not_change_the_path()
    {
        // 10 commits through staging, 3 hotfixes (h1-h3) only to production: no vote either way from the hotfixes.
        var history = Commits(1, 10, ("staging", 0), ("production", 0.5))
            .Concat(Commit("h1", ("production", 3.2)))
            .Concat(Commit("h2", ("production", 6.2)))
            .Concat(Commit("h3", ("production", 9.2)));
        var learner = new EnvironmentPathLearner(EnvironmentLearning.Default);
        learner.Observe(history);

        Assert.Equal(["staging", "production"], learner.Path()!.Environments);
        Assert.Equal(13, learner.ToState().Commits.Count(c => c.Reached.ContainsKey("production")));
    }

    [Fact]
    public void Ephemeral_and_rare_environments_stay_off_the_path()
    {
        // 30 commits through staging and production (60 arrivals); 20 pull-request apps pr-1..pr-20 (ignored, never
        // counted); review-7 (ignored); one deployment to a test box "sandbox": 1 of 61 counted arrivals = 1.6 % < 2 %.
        var history = Commits(1, 30, ("staging", 0), ("production", 0.5))
            .Concat(Enumerable.Range(1, 20).SelectMany(i => Commit($"p{i}", ($"pr-{i}", i))))
            .Concat(Commit("r7", ("review-7", 7)))
            .Concat(Commit("c12", ("sandbox", 12.1)));
        var learner = new EnvironmentPathLearner(EnvironmentLearning.Default);
        learner.Observe(history);

        Assert.Equal(["staging", "production"], learner.Path()!.Environments);
        Assert.DoesNotContain(learner.ToState().Environments, e => e.Name.StartsWith("pr-", StringComparison.Ordinal) || e.Name == "review-7");

        // Two sandbox arrivals of 62 = 3.2 % ≥ 2 %: it is on the path. c12 reached it at 12.1, after staging (12) and
        // before production (12.5); c13 at 13.1 likewise: staging → sandbox → production, 2-0 each way.
        learner.Observe(Commit("c13", ("sandbox", 13.1)));
        Assert.Equal(["staging", "sandbox", "production"], learner.Path()!.Environments);
    }

    [Fact]
    public void An_environment_renamed_half_way_drops_out_once_its_successor_has_taken_over()
    {
        // Days 1-50: qa then production; from day 51: test then production. qa's last arrival (day 50) is before test's
        // first (day 51), so they never shared a commit.
        var learner = new EnvironmentPathLearner(EnvironmentLearning.Default);
        learner.Observe(Commits(1, 50, ("qa", 0), ("production", 0.5)));
        learner.Observe(Commits(51, 52, ("test", 0), ("production", 0.5)));

        // test: 2 of 104 counted arrivals (50 qa + 52 production + 2) = 1.9 % < 2 %: not on the path yet.
        Assert.Equal(["qa", "production"], learner.Path()!.Environments);

        // The third commit to test: 3 of 106 = 2.8 %, and three arrivals since qa's last: qa is replaced.
        learner.Observe(Commits(53, 53, ("test", 0), ("production", 0.5)));
        Assert.Equal(["test", "production"], learner.Path()!.Environments);

        // With a lower share threshold test is on the path after two, and qa stays until test has had three: qa and
        // test have no votes between them (a tie, neither is production), so they are laid out by name.
        var early = new EnvironmentPathLearner(EnvironmentLearning.Default with { MinimumShare = 0.01 });
        early.Observe(Commits(1, 50, ("qa", 0), ("production", 0.5)).Concat(Commits(51, 52, ("test", 0), ("production", 0.5))));
        Assert.Equal(["qa", "test", "production"], early.Path()!.Environments);

        // 90 days after qa's last arrival (day 50 → day 140.5 is more than 90 days later) qa is forgotten altogether.
        learner.Observe(Commits(54, 141, ("test", 0), ("production", 0.5)));
        Assert.Equal(["test", "production"], learner.Path()!.Environments);
        Assert.DoesNotContain(learner.ToState().Environments, e => e.Name == "qa");
        Assert.DoesNotContain(learner.ToState().Commits, c => c.Reached.ContainsKey("qa"));
    }

    [Fact]
    public void Stale_environments_drop_out_even_without_a_successor()
    {
        // "canary" was used for c1-c5 (days 1-5) and never again; production goes on until day 100: 100 - 5.3 > 90 days.
        var history = Commits(1, 5, ("canary", 0.3), ("production", 0.5)).Concat(Commits(6, 100, ("production", 0.5)));

        Assert.Equal(["production"], Learn(history)!.Environments);

        // Until day 95 (95.5 - 5.3 = 90.2 > 90 days is the first to drop it): day 94 keeps it, canary → production.
        Assert.Equal(["canary", "production"], Learn(Commits(1, 5, ("canary", 0.3), ("production", 0.5)).Concat(Commits(6, 94, ("production", 0.5))))!.Environments);
    }

    [Fact]
    public void No_deployments_no_path()
    {
        Assert.Null(Learn([]));
        Assert.Null(Learn(Commit("p1", ("pr-1", 1))));
    }

    [Fact]
    public void A_cycle_is_broken_by_dropping_its_weakest_verdict()
    {
        // a before b 4-0 (margin 4), b before c 3-0 (margin 3), c before a 2-0 (margin 2): a cycle. Locked strongest first:
        // a>b, b>c; c>a would close the cycle and is dropped. Path a, b, c (names chosen so production rules stay out).
        var history = Commits(1, 4, ("a", 0), ("b", 0.1))
            .Concat(Commits(5, 7, ("b", 0), ("c", 0.1)))
            .Concat(Commits(8, 9, ("c", 0), ("a", 0.1)));

        var path = Learn(history);
        Assert.Equal(["a", "b", "c"], path!.Environments);
        Assert.Equal(["c"], path.Production);
    }

    [Fact]
    public void A_production_deployment_long_after_the_last_staging_one_does_not_replace_staging()
    {
        // c1-c3 on staging on days 1-3, and on production only on days 11-13: production's first arrival (11) is after
        // staging's last (3), but they share the commits (3 votes staging first), so staging was not renamed.
        Assert.Equal(["staging", "production"], Learn(Commits(1, 3, ("staging", 0), ("production", 10)))!.Environments);
    }

    [Fact]
    public void Environments_without_evidence_between_them_put_production_last()
    {
        // "zeta" and "production" never share a commit: no order from the commits; production goes last.
        var history = Commits(1, 3, ("production", 0)).Concat(Enumerable.Range(1, 3).SelectMany(i => Commit($"z{i}", ("zeta", i + 0.1))));

        Assert.Equal(["zeta", "production"], Learn(history)!.Environments);
    }

    [Fact]
    public void Learning_does_not_depend_on_arrival_order_batches_or_re_reads()
    {
        var history = Commits(1, 4, ("staging", 0), ("prod-eu", 0.2), ("prod-us", 0.4))
            .Concat(Commits(5, 6, ("staging", 0), ("prod-us", 0.2), ("prod-eu", 0.4)))
            .ToList();
        var once = new EnvironmentPathLearner(EnvironmentLearning.Default);
        once.Observe(history);

        // Backwards, in three runs, the middle one read twice (the overlap), through the state's round trip.
        var state = EnvironmentPathState.Empty;
        foreach (var batch in new[] { history[12..], history[6..12], history[6..12], history[..6] })
        {
            var learner = new EnvironmentPathLearner(EnvironmentLearning.Default, state);
            learner.Observe(Enumerable.Reverse(batch));
            state = learner.ToState();
        }

        var incremental = new EnvironmentPathLearner(EnvironmentLearning.Default, state);
        Assert.True(incremental.Path()!.SameAs(once.Path()));
        Assert.Equal(Describe(once.ToState()), Describe(state));
        Assert.False(incremental.Observe(history), "a re-read of everything learns nothing new");
    }

    [Fact]
    public void The_state_keeps_only_the_most_recent_commits_and_settles_older_ones_into_counts()
    {
        // 500 commits staging → production, day i; 200 kept one by one, 300 settled: 300 per environment and 300 votes.
        var learner = new EnvironmentPathLearner(EnvironmentLearning.Default);
        learner.Observe(Commits(1, 500, ("staging", 0), ("production", 0.5)));
        var state = learner.ToState();

        Assert.Equal(200, state.Commits.Count);
        Assert.Equal("c301", state.Commits.MinBy(c => c.Reached.Values.Max())!.Sha);
        Assert.Equal(new[] { ("production", 300), ("staging", 300) }, state.Environments.Select(e => (e.Name, e.Commits)));
        Assert.Equal(new[] { ("staging", "production", 300) }, state.Precedences.Select(p => (p.Before, p.After, p.Commits)));
        Assert.Equal(Day0.AddDays(300.5), state.SettledThrough);

        // A re-read of a settled commit (c10, at or before the settled horizon) is not counted again.
        var resumed = new EnvironmentPathLearner(EnvironmentLearning.Default, state);
        Assert.False(resumed.Observe(Commit("c10", ("staging", 10), ("production", 10.5))));
        Assert.Equal(["staging", "production"], resumed.Path()!.Environments);
    }

    [Fact]
    public void Environment_names_are_case_insensitive_and_keep_their_first_spelling()
    {
        var path = Learn(Commit("c1", ("Staging", 1), ("production", 1.5)).Concat(Commit("c2", ("staging", 2), ("Production", 2.5))));

        Assert.Equal(["Staging", "production"], path!.Environments);
    }

    [Fact]
    public void Only_successful_definitive_deployments_count()
    {
        var repository = new RepositoryRef("github", "contoso", "web");
        FlowEvent Finished(string id, string environment, string sha, double day, string result, bool provisional = false) => new()
        {
            Kind = FlowEventKind.DeploymentFinished,
            Repository = repository,
            SubjectId = id,
            OccurredAt = Day0.AddDays(day),
            Environment = environment,
            Sha = sha,
            Result = result,
            Provisional = provisional,
        };

        FlowEvent[] events =
        [
            Finished("d1", "staging", "s1", 1, "success"),
            Finished("d2", "production", "s1", 2, "failure"),
            Finished("d3", "production", "s1", 3, "success"),
            // A stage finished in a run still running: a stand-in, not a deployment.
            Finished("d4", "canary", "s1", 1.5, "success", provisional: true),
            // The change set of d3: another commit, not what d3 deployed.
            new() { Kind = FlowEventKind.DeploymentIncludes, Repository = repository, SubjectId = "d3", OccurredAt = Day0, Sha = "older" },
        ];

        Assert.Equal(
            [new EnvironmentArrival("production", "s1", Day0.AddDays(3)), new EnvironmentArrival("staging", "s1", Day0.AddDays(1))],
            EnvironmentPathLearner.Arrivals(events).OrderBy(a => a.Environment, StringComparer.Ordinal));
        var learner = new EnvironmentPathLearner(EnvironmentLearning.Default);
        Assert.True(learner.Observe(events));
        Assert.Equal(["staging", "production"], learner.Path()!.Environments);
    }

    private static string Describe(EnvironmentPathState state) =>
        string.Join("; ", state.Environments.Select(e => $"{e.Name}={e.Commits}/{e.FirstArrival:O}/{e.LastArrival:O}"))
        + " | " + string.Join("; ", state.Precedences.Select(p => $"{p.Before}<{p.After}={p.Commits}"))
        + " | " + string.Join("; ", state.Commits.Select(c => c.Sha + ":" + string.Join(",", c.Reached.Select(r => $"{r.Key}@{r.Value:O}"))))
        + " | " + state.SettledThrough?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
