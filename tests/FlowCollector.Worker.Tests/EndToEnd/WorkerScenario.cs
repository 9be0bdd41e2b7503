using System.Text.Json;
using FlowCollector.Testing.Servers;
using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// A hand-made repository whose stage durations are worked out below, served by the GitHub simulator, and a
/// temp folder for the collector's state and files. Times are relative to "three days ago" so they fall in the
/// default 30-day backfill of a first run.
/// </summary>
internal sealed class WorkerScenario : IDisposable
{
    public const string Token = "ghp_test_token_that_must_never_be_printed";

    public WorkerScenario(TimeSpan? latency = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("flowcollector-e2e-").FullName;
        Model = new SimulatedGitHub();
        var web = Model.AddRepository("contoso/web");
        var t = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3).AddHours(9);
        T = t;

        // #1: commit 1 h before opening; bob comments after 2 h, approves after 3 h; merged 15 min later;
        //     its merge commit deployed to production 45 min after the merge, for 10 min (the first deployment).
        //     coding 3600, pickup 7200, review 3600, merge 900, release_wait 2700, deploy:production 600;
        //     lead time t-1h → t+4h10m = 18600.
        var first = web.OpenPullRequest("alice", t).Commit(t.AddHours(-1))
            .Review("bob", SimulatedReviewState.Commented, t.AddHours(2))
            .Review("bob", SimulatedReviewState.Approved, t.AddHours(3))
            .Merge(t.AddHours(3.25));
        web.Deploy("production", first.MergeCommitSha!, t.AddHours(4), t.AddHours(4), t.AddHours(4).AddMinutes(10));

        // #2: opened as a draft, first commit 2 h before, ready after 1 h, nobody reviews, merged after 5 h.
        //     coding 10800 (t-2h → t+1h), merge 14400 (t+1h → t+5h).
        web.OpenPullRequest("carol", t, draft: true).Commit(t.AddHours(-2))
            .MarkReadyForReview(t.AddHours(1))
            .Merge(t.AddHours(5));

        // #3: only a bot approves and the author reviews herself: neither counts.
        //     coding 1800 (t-30m → t), merge 3600 (t → t+1h). It merged before #1, so #1's merge commit — the first
        //     deployment ever seen, which GitHub could compare with nothing — carries it too: release_wait 10800
        //     (t+1h → t+4h), deploy:production 600; lead time t-30m → t+4h10m = 16800.
        web.OpenPullRequest("dave", t).Commit(t.AddMinutes(-30))
            .Review("renovate[bot]", SimulatedReviewState.Approved, t.AddMinutes(10), reviewerIsBot: true)
            .Review("dave", SimulatedReviewState.Commented, t.AddMinutes(20))
            .Merge(t.AddHours(1));

        // #4 closed without merge, #5 still open, #6 merged into a release branch: no stage points.
        web.OpenPullRequest("erin", t).Commit(t.AddMinutes(-10)).Close(t.AddHours(1));
        web.OpenPullRequest("frank", t).Commit(t.AddMinutes(-10)).Review("bob", SimulatedReviewState.Approved, t.AddHours(1));
        web.OpenPullRequest("grace", t, baseBranch: "release/1.0").Commit(t.AddMinutes(-10)).Merge(t.AddHours(2));

        DirectPushSha = AddReviewAndChangeSetShapes(Model.AddRepository("fabrikam/shop"), t);
        GitHub = new GitHubSimulator(Model, new GitHubSimulatorOptions { Token = Token, Latency = latency ?? TimeSpan.Zero });
    }

    /// <summary>Expected <c>change_stage</c> points: (change id, stage, seconds), worked out by hand above.</summary>
    public static IReadOnlyList<(string Change, string Stage, double Seconds)> ExpectedStages { get; } =
    [
        ("1", "coding", 3600), ("1", "pickup", 7200), ("1", "review", 3600), ("1", "merge", 900), ("1", "release_wait", 2700), ("1", "deploy:production", 600),
        ("2", "coding", 10800), ("2", "merge", 14400),
        ("3", "coding", 1800), ("3", "merge", 3600), ("3", "release_wait", 10800), ("3", "deploy:production", 600),
    ];

    /// <summary>The SHA of fabrikam/shop's direct push: the change's id.</summary>
    public string DirectPushSha { get; }

    /// <summary>Expected <c>change_stage</c> points of fabrikam/shop (<see cref="AddReviewAndChangeSetShapes"/>).</summary>
    public IReadOnlyList<(string Change, string Stage, double Seconds)> ExpectedShopStages =>
    [
        ("1", "coding", 3600), ("1", "pickup", 3600), ("1", "review", 7200), ("1", "merge", 1800), ("1", "release_wait", 1800), ("1", "deploy:production", 6300),
        ("2", "coding", 3600), ("2", "pickup", 1800), ("2", "review", 1800), ("2", "merge", 1800), ("2", "release_wait", 7200), ("2", "deploy:production", 6300),
        ("3", "coding", 1800), ("3", "merge", 5400), ("3", "release_wait", 1800), ("3", "deploy:production", 900),
        (DirectPushSha, "coding", 1200), (DirectPushSha, "release_wait", 3000), (DirectPushSha, "deploy:production", 900),
    ];

    /// <summary>Expected lead times of fabrikam/shop, by change: first commit → the first production deployment carrying it finished.</summary>
    public IReadOnlyDictionary<string, double> ExpectedShopLeadSeconds =>
        new Dictionary<string, double> { ["1"] = 24300, ["2"] = 22500, ["3"] = 9900, [DirectPushSha] = 5100 };

    public string Directory { get; }

    public SimulatedGitHub Model { get; }

    public GitHubSimulator GitHub { get; }

    public DateTimeOffset T { get; }

    public string StatePath => Path.Combine(Directory, "state.db");

    public string PointsPath => Path.Combine(Directory, "points.lp");

    /// <summary>
    /// Starts a real InfluxDB 1.x with an empty <c>flow</c> database and writes a configuration whose sink is that
    /// database (v1 API), with <paramref name="extra"/> keys and <paramref name="repositories"/> as in
    /// <see cref="WriteConfig"/>; the caller disposes the server.
    /// </summary>
    public async Task<(InfluxDbServer Influx, string Config)> StartInfluxAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, object?>? extra = null, IReadOnlyList<string>? repositories = null)
    {
        var influx = await InfluxDbServer.StartAsync(cancellationToken);
        await influx.CreateDatabaseAsync("flow", cancellationToken);
        var keys = new Dictionary<string, object?>
        {
            ["Sinks:InfluxDb:Url"] = influx.Url.ToString(),
            ["Sinks:InfluxDb:ApiVersion"] = "V1",
            ["Sinks:InfluxDb:Database"] = "flow",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            keys[key] = value;
        }

        return (influx, WriteConfig(keys, repositories));
    }

    /// <summary>Writes a configuration file for the collector; <paramref name="extra"/> overrides or adds keys.</summary>
    public string WriteConfig(IReadOnlyDictionary<string, object?>? extra = null, IReadOnlyList<string>? repositories = null, string token = Token)
    {
        var github = new Dictionary<string, object?>
        {
            ["ApiBaseAddress"] = GitHub.Url,
            ["Token"] = token,
            ["Repositories"] = repositories ?? ["contoso/web"],
            ["Resilience"] = new Dictionary<string, object?> { ["Retry"] = new Dictionary<string, object?> { ["Delay"] = "00:00:00.010" } },
        };
        var config = new Dictionary<string, object?>
        {
            ["Sources"] = new Dictionary<string, object?> { ["GitHub"] = github },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = StatePath },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = PointsPath } },
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            Set(config, key.Split(':'), value);
        }

        var path = Path.Combine(Directory, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(args, stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// fabrikam/shop: reviews whose comments were drafted before submission, a direct push, a first-ever deployment carrying
    /// several merged changes, and an overlapping deployment that finishes first. No clock skew anywhere, so no span is clamped.
    /// </summary>
    /// <returns>The direct push's SHA.</returns>
    private static string AddReviewAndChangeSetShapes(SimulatedRepository shop, DateTimeOffset t)
    {
        // #1: bob drafts his first comment 1 h after the opening and submits "changes requested" an hour later; he approves
        //     at t+3h; merged at t+3h30. coding 3600 (t-1h → t), pickup 3600 (→ his first comment), review 7200 (→ the
        //     approval), merge 1800.
        var first = shop.OpenPullRequest("alice", t).Commit(t.AddHours(-1))
            .Review("bob", SimulatedReviewState.ChangesRequested, t.AddHours(2), firstCommentAt: t.AddHours(1))
            .Commit(t.AddHours(2.5))
            .Review("bob", SimulatedReviewState.Approved, t.AddHours(3))
            .Merge(t.AddHours(3.5));

        // #2: dave starts his review (a drafted comment) at t+1h and submits an approval at t+1h30; merged at t+2h.
        //     coding 3600 (t-30m → t+30m), pickup 1800, review 1800, merge 1800.
        shop.OpenPullRequest("carol", t.AddMinutes(30)).Commit(t.AddMinutes(-30))
            .Review("dave", SimulatedReviewState.Approved, t.AddHours(1.5), firstCommentAt: t.AddHours(1))
            .Merge(t.AddHours(2));

        // #3: nobody reviews. coding 1800 (t+3h → t+3h30), merge 5400 (→ t+5h).
        var third = shop.OpenPullRequest("erin", t.AddHours(3.5)).Commit(t.AddHours(3)).Merge(t.AddHours(5));

        // A commit frank authored at t+4h20 and pushed straight to main (committed t+4h40): a direct change named by its SHA.
        //     coding 1200 (t+4h20 → t+4h40).
        var direct = shop.PushDirect("frank", authoredAt: t.AddHours(4).AddMinutes(20), committedAt: t.AddHours(4).AddMinutes(40));

        // The first production deployment ever (#1's merge commit, t+4h → t+6h) carries #2 too: it merged before #1. While it
        // runs, #3's merge commit is deployed (t+5h30 → t+5h45): its baseline is no deployment (the first one had not finished
        // when it started), so it carries #1, #2, the direct push and #3 and, finishing first, delivers them all.
        //   #1: release_wait 1800 (t+3h30 → t+4h), deploy 6300 (→ t+5h45); lead t-1h → t+5h45 = 24300.
        //   #2: release_wait 7200 (t+2h → t+4h), deploy 6300; lead t-30m → t+5h45 = 22500.
        //   direct: release_wait 3000 (t+4h40 → t+5h30), deploy 900; lead t+4h20 → t+5h45 = 5100.
        //   #3: release_wait 1800 (t+5h → t+5h30), deploy 900; lead t+3h → t+5h45 = 9900.
        shop.Deploy("production", first.MergeCommitSha!, t.AddHours(4), t.AddHours(4), t.AddHours(6));
        shop.Deploy("production", third.MergeCommitSha!, t.AddHours(5.5), t.AddHours(5.5), t.AddHours(5.75));
        return direct;
    }

    public void Dispose()
    {
        GitHub.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner gets it.
        }
    }

    private static void Set(Dictionary<string, object?> node, string[] path, object? value)
    {
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (!node.TryGetValue(path[i], out var child) || child is not Dictionary<string, object?> dictionary)
            {
                dictionary = new Dictionary<string, object?>();
                node[path[i]] = dictionary;
            }

            node = dictionary;
        }

        node[path[^1]] = value;
    }
}
