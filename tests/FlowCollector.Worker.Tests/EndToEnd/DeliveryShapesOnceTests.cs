using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Simulation;
using FlowCollector.Testing.Simulation.AzureDevOps;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// Issue 14 end to end: each source's simulated organisation with the delivery shapes (a Deploy workflow beside CI,
/// re-run CI; multi-stage YAML runs whose production stage succeeded, failed or waits for its approval), collected by
/// <c>once</c>, gives the hand-worked stages of <see cref="GitHubDeliveryShapes"/> and <see cref="AzureDevOpsDeliveryShapes"/>
/// for the named changes, and no span is clamped: no clock skew was simulated.
/// </summary>
public sealed partial class DeliveryShapesOnceTests : IDisposable
{
    // A week ago, so the shapes (four days) lie in the first run's 30-day backfill and before the real clock's now.
    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-7).AddHours(9);

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-shapes-").FullName;

    [Fact]
    public async Task GitHub_once_gives_the_hand_worked_stages_and_clamps_nothing()
    {
        var model = new SimulatedGitHub();
        GitHubDeliveryShapes.Add(model.AddRepository("contoso/shop"), Start);
        using var github = new GitHubSimulator(model);
        var source = new Dictionary<string, object?> { ["GitHub"] = new Dictionary<string, object?> { ["ApiBaseAddress"] = github.Url, ["Token"] = github.Token, ["Repositories"] = new[] { "contoso/shop" } } };

        var stages = await OnceAsync(source);

        foreach (var (number, expected) in GitHubDeliveryShapes.Expected)
        {
            Assert.Equal(expected, Of(stages, number.ToString(CultureInfo.InvariantCulture)));
        }

        Assert.DoesNotContain(stages, s => s.Clamped);
    }

    [Fact]
    public async Task Azure_DevOps_once_gives_the_hand_worked_stages_and_clamps_nothing()
    {
        var model = new SimulatedAzureDevOps();
        var shop = model.AddProject("Shop");
        var ids = AzureDevOpsDeliveryShapes.Add(shop, shop.AddRepository("web"), Start);
        using var ado = new AzureDevOpsSimulator(model);
        var source = new Dictionary<string, object?>
        {
            ["AzureDevOps"] = new Dictionary<string, object?> { ["OrganizationUrl"] = ado.Url, ["Pat"] = ado.Pat, ["Repositories"] = new[] { "Shop/web" } },
        };

        var stages = await OnceAsync(source);

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(AzureDevOpsDeliveryShapes.Expected[i], Of(stages, ids[i].ToString(CultureInfo.InvariantCulture)));
        }

        Assert.DoesNotContain(stages, s => s.Clamped);
    }

    /// <summary>
    /// A repository without deployments, <c>DeploymentFallback: CiRuns</c> naming <c>Publish</c>: days 0, 1, 2, each a change
    /// (first commit at minute 0, opened 60, merged 120), CI 121/125–140, then Publish 141/145–150 — successful on days 0
    /// and 2, failed on day 1. Worked out by hand: coding 3600, merge 3600, ci_queue 300 (120 → 125), ci 900, release_wait
    /// 300 (CI's end → the Publish start), deploy:production 300; day 1's change waits for day 2's Publish: release_wait
    /// 86,700 (day 1 140 → day 2 145). The Publish runs are deployments marked <c>fallback=ci_run</c>, never CI.
    /// </summary>
    [Fact]
    public async Task GitHub_once_with_the_CI_run_fallback_gives_the_hand_worked_stages_and_marks_its_deployments()
    {
        var model = new SimulatedGitHub();
        var repo = model.AddRepository("contoso/lib");
        static string Sha(string seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..40];
        repo.Push(Sha("lib/base"), Start.AddDays(-3));
        for (var day = 0; day < 3; day++)
        {
            DateTimeOffset M(double minutes) => Start.AddDays(day).AddMinutes(minutes);
            var merge = repo.OpenPullRequest("alice", M(60)).Commit(M(0)).Merge(M(120), Sha($"lib/merge/{day}")).MergeCommitSha!;
            repo.Run("CI", merge, M(121), M(125), M(140));
            repo.Run("Publish", merge, M(141), M(145), M(150), day == 1 ? "failure" : "success");
        }

        using var github = new GitHubSimulator(model);
        var source = new Dictionary<string, object?>
        {
            ["GitHub"] = new Dictionary<string, object?>
            {
                ["ApiBaseAddress"] = github.Url, ["Token"] = github.Token, ["Repositories"] = new[] { "contoso/lib" },
                ["DeploymentFallback"] = "CiRuns", ["FallbackWorkflow"] = "Publish",
            },
        };

        var stages = await OnceAsync(source, ["production"]);

        (string, double)[] delivered = [("coding", 3600), ("merge", 3600), ("ci_queue", 300), ("ci", 900), ("release_wait", 300), ("deploy:production", 300)];
        Assert.Equal(delivered, Of(stages, "1"));
        Assert.Equal([("coding", 3600), ("merge", 3600), ("ci_queue", 300), ("ci", 900), ("release_wait", 86_700), ("deploy:production", 300)], Of(stages, "2"));
        Assert.Equal(delivered, Of(stages, "3"));
        Assert.DoesNotContain(stages, s => s.Clamped);
        var deployments = (await File.ReadAllLinesAsync(Path.Combine(directory, "points.lp"), TestContext.Current.CancellationToken)).Where(l => l.StartsWith("deployment,", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deployments.Count);
        Assert.All(deployments, l => Assert.Contains("fallback=ci_run", l, StringComparison.Ordinal));
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

    private async Task<List<(string Change, string Stage, double Seconds, bool Clamped)>> OnceAsync(Dictionary<string, object?> sources, string[]? environments = null)
    {
        var points = Path.Combine(directory, "points.lp");
        var config = new Dictionary<string, object?>
        {
            ["Sources"] = sources,
            ["ValueStream"] = new Dictionary<string, object?> { ["Environments"] = environments ?? ["staging", "production"] },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = Path.Combine(directory, "state.db") },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = points } },
        };
        var path = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config), TestContext.Current.CancellationToken);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(["once", "--config", path], stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(code == ExitCodes.Ok, $"{stdout}{stderr}");
        return [.. (await File.ReadAllLinesAsync(points, TestContext.Current.CancellationToken))
            .Select(l => StagePoint().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["change"].Value, m.Groups["stage"].Value, double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture), m.Groups["clamped"].Value == "true"))];
    }

    /// <summary>One change's stages in the order the stream defines them (the file lists them in that order per change).</summary>
    private static (string, double)[] Of(List<(string Change, string Stage, double Seconds, bool Clamped)> stages, string change) =>
        [.. stages.Where(s => s.Change == change).Select(s => (s.Stage, s.Seconds))];

    [GeneratedRegex("""^change_stage,.*stage=(?<stage>[^ ,]+) change_id="(?<change>[^"]+)",clamped=(?<clamped>true|false),.*seconds=(?<seconds>[0-9.]+)""")]
    private static partial Regex StagePoint();
}
