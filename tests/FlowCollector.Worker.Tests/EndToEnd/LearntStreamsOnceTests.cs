using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// Issue 16 end to end: one <c>once</c> over a simulated organisation whose repositories deliver along different paths,
/// with no <c>ValueStream</c> configuration, measures each repository along its own learnt path — the same points as a
/// run with an explicit <c>ValueStream:Streams</c> entry per repository — and a few changes are worked out by hand.
/// </summary>
public sealed partial class LearntStreamsOnceTests : IDisposable
{
    // A week ago, so every change (days 0-4) lies in the first run's 30-day backfill and before the real clock's now.
    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-7).AddHours(9);

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-streams-").FullName;

    /// <summary>
    /// The organisation. Every change k of a repository (day k): first commit at t-1h, opened at t, merged at t+1h without
    /// review (coding 3600, merge 3600), then its merge commit deployed to the listed environments in turn, the i-th started
    /// at t+(2+i)h and finished 10 minutes later: release_wait 3600 (t+1h → t+2h), each deploy 600, each promotion_wait
    /// 3000 (the previous deployment's end → the next start).
    /// </summary>
    private static SimulatedGitHub Organisation()
    {
        var model = new SimulatedGitHub();
        var web = model.AddRepository("contoso/web");
        Deliver(web, 1, ["staging", "production"]);
        Deliver(web, 2, ["staging", "production"]);
        Deliver(web, 3, ["staging", "production"]);

        // Two regions: changes 1-3 reach prod-eu first, change 4 prod-us first. 3-1: prod-eu precedes prod-us.
        var api = model.AddRepository("contoso/api");
        Deliver(api, 1, ["staging", "prod-eu", "prod-us"]);
        Deliver(api, 2, ["staging", "prod-eu", "prod-us"]);
        Deliver(api, 3, ["staging", "prod-eu", "prod-us"]);
        Deliver(api, 4, ["staging", "prod-us", "prod-eu"]);

        var legacy = model.AddRepository("contoso/legacy");
        Deliver(legacy, 1, ["QA", "PROD"]);
        Deliver(legacy, 2, ["QA", "PROD"]);

        var lib = model.AddRepository("contoso/lib");
        Deliver(lib, 1, ["production"]);
        Deliver(lib, 2, ["production"]);

        var bank = model.AddRepository("contoso/bank");
        Deliver(bank, 1, ["dev", "test", "acceptance", "prod"]);
        Deliver(bank, 2, ["dev", "test", "acceptance", "prod"]);

        // A review app per pull request (pr-N, ignored); the first change went straight to production (there was no
        // staging yet), changes 2-4 through staging, change 5 a hotfix straight to production.
        var site = model.AddRepository("contoso/site");
        Deliver(site, 1, ["production"], reviewApp: true);
        Deliver(site, 2, ["staging", "production"], reviewApp: true);
        Deliver(site, 3, ["staging", "production"], reviewApp: true);
        Deliver(site, 4, ["staging", "production"], reviewApp: true);
        Deliver(site, 5, ["production"]);

        // No deployments at all: the default stream, production only.
        Deliver(model.AddRepository("contoso/docs"), 1, []);
        return model;
    }

    private static void Deliver(SimulatedRepository repository, int day, string[] environments, bool reviewApp = false)
    {
        var t = Start.AddDays(day);
        var change = repository.OpenPullRequest("alice", t).Commit(t.AddHours(-1));
        if (reviewApp)
        {
            repository.Deploy($"pr-{change.Number}", change.Commits[^1].Sha, t.AddMinutes(20), t.AddMinutes(20), t.AddMinutes(25));
        }

        var sha = change.Merge(t.AddHours(1)).MergeCommitSha!;
        for (var i = 0; i < environments.Length; i++)
        {
            var started = t.AddHours(2 + i);
            repository.Deploy(environments[i], sha, started, started, started.AddMinutes(10));
        }
    }

    /// <summary>The explicit streams giving every repository the path it was delivered along.</summary>
    private static readonly object[] ExplicitStreams =
    [
        new { Match = new[] { "contoso/web", "contoso/site" }, Environments = new[] { "staging", "production" } },
        new { Match = new[] { "github:contoso/api" }, Environments = new[] { "staging", "prod-eu", "prod-us" }, ProductionEnvironments = new[] { "prod-eu", "prod-us" } },
        new { Match = new[] { "contoso/legacy" }, Environments = new[] { "QA", "PROD" } },
        new { Match = new[] { "contoso/lib", "contoso/docs" }, Environments = new[] { "production" } },
        new { Match = new[] { "contoso/bank" }, Environments = new[] { "dev", "test", "acceptance", "prod" } },
        new { Match = new[] { "contoso/retired-*" }, Environments = new[] { "production" } }, // matches nothing: a warning
    ];

    [Fact]
    public async Task Once_without_value_stream_configuration_measures_each_repository_along_its_own_path()
    {
        using var github = new GitHubSimulator(Organisation());
        var (learnt, stdout, _) = await OnceAsync(github, "learnt", valueStream: null);
        var (configured, configuredStdout, configuredStderr) = await OnceAsync(github, "configured", new Dictionary<string, object?> { ["Streams"] = ExplicitStreams });
        Assert.Contains(
            "flowcollector: warning: ValueStream:Streams:5:Match:0 is 'contoso/retired-*', which matches none of the 7 configured or discovered repositories;",
            configuredStderr,
            StringComparison.Ordinal);

        // The same points as the explicit streams, line for line (the change, stage and deployment measurements).
        Assert.Equal(configured.Lines, learnt.Lines);
        Assert.Contains("github:contoso/api: staging → prod-eu → prod-us (production: prod-eu, prod-us), learnt from its deployments", stdout, StringComparison.Ordinal);
        Assert.Contains("github:contoso/legacy: QA → PROD (production: PROD), learnt from its deployments", stdout, StringComparison.Ordinal);
        Assert.Contains("github:contoso/bank: dev → test → acceptance → prod (production: prod), learnt from its deployments", stdout, StringComparison.Ordinal);
        Assert.Contains("github:contoso/site: staging → production (production: production), learnt from its deployments", stdout, StringComparison.Ordinal);
        Assert.Contains("github:contoso/docs: production (production: production), default: no deployment seen yet", stdout, StringComparison.Ordinal);
        Assert.Contains("github:contoso/api: staging → prod-eu → prod-us (production: prod-eu, prod-us), configured (ValueStream:Streams:1)", configuredStdout, StringComparison.Ordinal);

        // By hand (see Organisation): web #2 through staging and production.
        Assert.Equal(
            [("coding", 3600), ("merge", 3600), ("release_wait", 3600), ("deploy:staging", 600), ("promotion_wait:production", 3000), ("deploy:production", 600)],
            learnt.Of("web", "2"));

        // api #2 in path order; api #4 reached prod-us (t+3h → t+3h10) before prod-eu (t+4h → t+4h10): promotion_wait:prod-eu
        // runs from staging's end (t+2h10) to the prod-eu start, 6600, and the prod-us stages ended before the stream got
        // there: 0, clamped (docs/metrics.md, "Environment paths learnt from deployments").
        Assert.Equal(
            [("coding", 3600), ("merge", 3600), ("release_wait", 3600), ("deploy:staging", 600), ("promotion_wait:prod-eu", 3000), ("deploy:prod-eu", 600), ("promotion_wait:prod-us", 3000), ("deploy:prod-us", 600)],
            learnt.Of("api", "2"));
        Assert.Equal(
            [("coding", 3600), ("merge", 3600), ("release_wait", 3600), ("deploy:staging", 600), ("promotion_wait:prod-eu", 6600), ("deploy:prod-eu", 600), ("promotion_wait:prod-us", 0), ("deploy:prod-us", 0)],
            learnt.Of("api", "4"));

        // Their change points say how many spans were clamped, what the health board's "Negative spans clamped" sums:
        // api #4 the two prod-us stages, api #2 none.
        Assert.Contains(",clamped_stages=2i,", ChangeLine(learnt, "api", "4"), StringComparison.Ordinal);
        Assert.Contains(",clamped_stages=0i,", ChangeLine(learnt, "api", "2"), StringComparison.Ordinal);

        // bank #1 along four environments; lib #1 production only; docs #1 never deployed (coding and merge only).
        Assert.Equal(
            [("coding", 3600), ("merge", 3600), ("release_wait", 3600), ("deploy:dev", 600), ("promotion_wait:test", 3000), ("deploy:test", 600),
                ("promotion_wait:acceptance", 3000), ("deploy:acceptance", 600), ("promotion_wait:prod", 3000), ("deploy:prod", 600)],
            learnt.Of("bank", "1"));
        Assert.Equal([("coding", 3600), ("merge", 3600), ("release_wait", 3600), ("deploy:production", 600)], learnt.Of("lib", "1"));
        Assert.Equal([("coding", 3600), ("merge", 3600)], learnt.Of("docs", "1"));

        // legacy #1 in capitals; site #5 (the hotfix) went straight to production: release_wait until production started
        // (t+1h → t+2h; the first environment's stages absent, their time falls to the next present stage).
        Assert.Equal(
            [("coding", 3600), ("merge", 3600), ("release_wait", 3600), ("deploy:QA", 600), ("promotion_wait:PROD", 3000), ("deploy:PROD", 600)],
            learnt.Of("legacy", "1"));
        Assert.Equal([("coding", 3600), ("merge", 3600), ("promotion_wait:production", 3600), ("deploy:production", 600)], learnt.Of("site", "5"));

        // No stage of a review app anywhere.
        Assert.DoesNotContain(learnt.Stages, s => s.Stage.Contains("pr-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_shows_the_stored_learnt_paths_after_a_run()
    {
        using var github = new GitHubSimulator(Organisation());
        _ = await OnceAsync(github, "learnt", valueStream: null);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(["validate", "--config", Path.Combine(directory, "learnt", "config.json")], stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(code == ExitCodes.Ok, $"{stdout}{stderr}");
        Assert.Contains("github:contoso/api: staging → prod-eu → prod-us (production: prod-eu, prod-us), learnt from its deployments (stored)", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("github:contoso/docs: learnt from its deployments (none stored yet)", stdout.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner gets it.
        }
    }

    [Fact]
    public async Task Once_names_the_constraint_of_the_last_28_days_and_writes_its_points_worked_by_hand()
    {
        // One repository, five changes on days 1-5 of last week: first commit t-1h, opened t, merged t+1h without review,
        // deployed to production at t+4h (10 minutes). Waits per change: merge 3600 s (t → t+1h), release_wait 10800 s
        // (t+1h → t+4h). Over the 28 days: merge 5 h, release_wait 15 h of 20 h → release_wait is the constraint, share 0.75,
        // median = p75 = 10800 s, 5 changes; runner-up merge (0.25), margin (15 − 5) / 15. Equal waits: the longest-waiting
        // change is the lowest id, #1. The 28 days before hold nothing: no previous stage, not moved.
        var model = new SimulatedGitHub();
        var queue = model.AddRepository("contoso/queue");
        for (var day = 1; day <= 5; day++)
        {
            var t = Start.AddDays(day);
            var sha = queue.OpenPullRequest("alice", t).Commit(t.AddHours(-1)).Merge(t.AddHours(1)).MergeCommitSha!;
            queue.Deploy("production", sha, t.AddHours(4), t.AddHours(4), t.AddHours(4).AddMinutes(10));
        }

        using var github = new GitHubSimulator(model);
        var (_, stdout, _) = await OnceAsync(github, "constraint", valueStream: null);

        Assert.Contains(
            "github:contoso/queue: constraint (28 days) — release_wait: 15.0 change-hours, 75 % of all waiting, 5 changes, median 3h00m, p75 3h00m; runner-up merge (25 %)",
            stdout,
            StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(Path.Combine(directory, "constraint", "points.lp"), TestContext.Current.CancellationToken);
        var rolling = lines.Where(l => l.StartsWith("constraint,", StringComparison.Ordinal) && l.Contains(",period=28d,", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rolling.Count);
        var first = Assert.Single(rolling, l => l.Contains(",stage=release_wait ", StringComparison.Ordinal));
        Assert.StartsWith("constraint,org=contoso,period=28d,repo=queue,schema=1,source=github,stage=release_wait rank=1i,change_hours=15,share=0.75,changes=5i,median_seconds=10800,p75_seconds=10800,moved=false,", first, StringComparison.Ordinal);
        Assert.Contains($"margin={(10.0 / 15).ToString("R", CultureInfo.InvariantCulture)},runner_up=\"merge\",change_id=\"1\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain("previous_stage", first, StringComparison.Ordinal);
        var second = Assert.Single(rolling, l => l.Contains(",stage=merge ", StringComparison.Ordinal));
        Assert.Contains(" rank=2i,change_hours=5,share=0.25,changes=5i,median_seconds=3600,p75_seconds=3600 ", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_writes_the_rolling_7_and_28_day_points_the_wait_is_rising_rule_compares_worked_by_hand()
    {
        // Twenty changes, each opened at t, merged at t+1h without review (merge 3600 s) and deployed to production from
        // t+d (release_wait d). Fifteen 8 to 22 days ago with d = 1 h; five 1 to 5 days ago with d = 3 h.
        // 7 days: the five recent ones — release_wait 15 h, merge 5 h → release_wait rank 1, share 0.75, median = p75 =
        // 10800 s, 5 changes; merge p75 3600 s.
        // 28 days: all twenty — release_wait 15 × 1 h + 5 × 3 h = 30 h, merge 20 h → share 0.6, 20 changes; the p75 of
        // release_wait is the 15th of 20 sorted waits = 3600 s, the median (10th) 3600 s. So "wait is rising" sees
        // 10800 / 3600 = 3× on release_wait (with 5 changes, below its minimum of 20, it would not fire).
        var model = new SimulatedGitHub();
        var queue = model.AddRepository("contoso/queue");
        var now = DateTimeOffset.UtcNow;
        foreach (var (day, release) in Enumerable.Range(8, 15).Select(d => (d, 1)).Concat(Enumerable.Range(1, 5).Select(d => (d, 3))).OrderByDescending(x => x.Item1))
        {
            var t = now.AddDays(-day);
            var sha = queue.OpenPullRequest("alice", t).Commit(t.AddHours(-1)).Merge(t.AddHours(1)).MergeCommitSha!;
            queue.Deploy("production", sha, t.AddHours(1 + release), t.AddHours(1 + release), t.AddHours(1 + release).AddMinutes(10));
        }

        using var github = new GitHubSimulator(model);
        _ = await OnceAsync(github, "rolling", valueStream: null);

        var lines = await File.ReadAllLinesAsync(Path.Combine(directory, "rolling", "points.lp"), TestContext.Current.CancellationToken);
        string Point(string period, string stage) =>
            Assert.Single(lines, l => l.StartsWith($"constraint,org=contoso,period={period},repo=queue,schema=1,source=github,stage={stage} ", StringComparison.Ordinal));
        Assert.Contains(" rank=1i,change_hours=15,share=0.75,changes=5i,median_seconds=10800,p75_seconds=10800,", Point("7d", "release_wait"), StringComparison.Ordinal);
        Assert.Contains(" rank=2i,change_hours=5,share=0.25,changes=5i,median_seconds=3600,p75_seconds=3600 ", Point("7d", "merge"), StringComparison.Ordinal);
        Assert.Contains(" rank=1i,change_hours=30,share=0.6,changes=20i,median_seconds=3600,p75_seconds=3600,", Point("28d", "release_wait"), StringComparison.Ordinal);
        Assert.Contains(" rank=2i,change_hours=20,share=0.4,changes=20i,median_seconds=3600,p75_seconds=3600 ", Point("28d", "merge"), StringComparison.Ordinal);
    }

    private static string ChangeLine(Points points, string repository, string change) =>
        Assert.Single(points.Lines, l => l.StartsWith("change,", StringComparison.Ordinal) && l.Contains($",repo={repository},", StringComparison.Ordinal) && l.Contains($"change_id=\"{change}\"", StringComparison.Ordinal));

    private async Task<(Points Points, string Stdout, string Stderr)> OnceAsync(GitHubSimulator github, string name, Dictionary<string, object?>? valueStream)
    {
        var folder = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
        var points = Path.Combine(folder, "points.lp");
        var config = new Dictionary<string, object?>
        {
            ["Sources"] = new Dictionary<string, object?>
            {
                ["GitHub"] = new Dictionary<string, object?>
                {
                    ["ApiBaseAddress"] = github.Url,
                    ["Token"] = github.Token,
                    ["Organizations"] = new[] { new Dictionary<string, object?> { ["Name"] = "contoso" } },
                },
            },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = Path.Combine(folder, "state.db") },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = points } },
        };
        if (valueStream is not null)
        {
            config["ValueStream"] = valueStream;
        }

        var path = Path.Combine(folder, "config.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config), TestContext.Current.CancellationToken);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(["once", "--config", path], stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(code == ExitCodes.Ok, $"{stdout}{stderr}");
        var lines = await File.ReadAllLinesAsync(points, TestContext.Current.CancellationToken);
        return (new Points(lines), stdout.ToString(), stderr.ToString());
    }

    /// <summary>The measurements of a run: its change, change_stage and deployment lines (sorted), and the stages parsed.</summary>
    private sealed class Points(string[] lines)
    {
        public IReadOnlyList<string> Lines { get; } = [.. lines.Where(l => l.StartsWith("change_stage,", StringComparison.Ordinal) || l.StartsWith("change,", StringComparison.Ordinal) || l.StartsWith("deployment,", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

        public IReadOnlyList<(string Repository, string Change, string Stage, double Seconds)> Stages { get; } = [.. lines
            .Select(l => StagePoint().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["repo"].Value, m.Groups["change"].Value, m.Groups["stage"].Value, double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture)))];

        /// <summary>One change's stages in the order the stream defines them (the file lists them in that order per change).</summary>
        public (string, double)[] Of(string repository, string change) =>
            [.. Stages.Where(s => s.Repository == repository && s.Change == change).Select(s => (s.Stage, s.Seconds))];
    }

    [GeneratedRegex("""^change_stage,.*repo=(?<repo>[^ ,]+),.*stage=(?<stage>[^ ,]+) change_id="(?<change>[^"]+)",.*seconds=(?<seconds>[0-9.]+)""")]
    private static partial Regex StagePoint();
}
