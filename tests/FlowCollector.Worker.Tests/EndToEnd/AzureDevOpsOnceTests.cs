using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Simulation.AzureDevOps;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// Simulated Azure DevOps → <c>once</c> → the line-protocol file: both vote shapes, every draft-flag shape, a direct push,
/// a first deployment carrying several completed pull requests and an overlapping deployment that finishes first, worked out by
/// hand. Times are relative to "three days ago" so they fall in the default 30-day backfill.
/// </summary>
public sealed partial class AzureDevOpsOnceTests : IDisposable
{
    private static readonly SimulatedAdoIdentity Alice = SimulatedAdoIdentity.Person("alice@contoso.com");
    private static readonly SimulatedAdoIdentity Bob = SimulatedAdoIdentity.Person("bob@contoso.com");
    private static readonly SimulatedAdoIdentity Carol = SimulatedAdoIdentity.Person("carol@contoso.com");
    private static readonly SimulatedAdoIdentity Dave = SimulatedAdoIdentity.Person("dave@contoso.com");
    private static readonly SimulatedAdoIdentity Erin = SimulatedAdoIdentity.Person("erin@contoso.com");

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-ado-e2e-").FullName;
    private readonly AzureDevOpsSimulator ado;
    private readonly string directPush;

    public AzureDevOpsOnceTests()
    {
        var t = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3).AddHours(9);
        var model = new SimulatedAzureDevOps();
        var project = model.AddProject("Web");
        var shop = project.AddRepository("shop");

        // 1: a draft published at +30 min (flag as a JSON boolean); Bob waits for the author at +1 h and approves at +2 h,
        //    Alice approves her own at +1 h 30 (votes named through the thread's identities, and by TfId); completed +2 h 30.
        //    coding 5400 (t-1h → t+30m), pickup 1800, review 3600, merge 1800.
        var first = shop.OpenPullRequest(Alice, t, draft: true).Commit(t.AddHours(-1))
            .Publish(t.AddMinutes(30), SimulatedAdoDraftFlagShape.JsonBoolean)
            .Vote(Bob, -5, t.AddHours(1), SimulatedAdoVoterShape.IdentityRef)
            .Vote(Alice, 10, t.AddHours(1.5), SimulatedAdoVoterShape.IdentityRef)
            .Vote(Bob, 10, t.AddHours(2));
        first.Complete(t.AddHours(2.5));

        // 2: a draft published at +1 h by a thread without the flag (its first toggle: the publication); Bob comments at
        //    +1 h 15 and approves at +1 h 30; completed +3 h. coding 5400 (t-30m → t+1h), pickup 900, review 900, merge 5400.
        var second = shop.OpenPullRequest(Carol, t, draft: true).Commit(t.AddMinutes(-30))
            .Publish(t.AddHours(1), SimulatedAdoDraftFlagShape.Missing)
            .Comment(Bob, t.AddHours(1.25))
            .Vote(Bob, 10, t.AddHours(1.5), SimulatedAdoVoterShape.IdentityRef);
        var secondMerge = second.Complete(t.AddHours(3));

        // A direct push by Erin at t+3h45 (commit authored t+3h20), before 3 completed: a direct change named by its SHA.
        //    coding 1500 (t+3h20 → t+3h45).
        directPush = shop.Push(Erin, t.AddHours(3.75), t.AddHours(3).AddMinutes(20));

        // 3: nobody reviews. coding 1800 (t+3h → t+3h30), merge 1800 (→ t+4h).
        var thirdMerge = shop.OpenPullRequest(Dave, t.AddHours(3.5)).Commit(t.AddHours(3)).Complete(t.AddHours(4));

        // The first production deployment ever (run of 2's merge, deploying t+3h15 → t+6h) carries 1 too, completed
        // before 2. While it runs, 3's merge is deployed (t+4h35 → t+5h): no success had finished when it started, so it
        // carries 1, 2, the direct push and 3 and, finishing first, delivers them all.
        //   1: release_wait 2700 (t+2h30 → t+3h15), deploy 6300 (→ t+5h); lead t-1h → t+5h = 21600.
        //   2: release_wait 900, deploy 6300; lead t-30m → t+5h = 19800.
        //   direct: release_wait 3000 (t+3h45 → t+4h35), deploy 1500; lead t+3h20 → t+5h = 6000.
        //   3: release_wait 2100 (t+4h → t+4h35), deploy 1500; lead t+3h → t+5h = 7200.
        var production = project.Environment("production");
        project.QueueBuild(shop, "shop-cd", secondMerge, t.AddHours(3).AddMinutes(10)).Start(t.AddHours(3).AddMinutes(10))
            .Stage("Deploy_production", t.AddHours(3).AddMinutes(10), t.AddHours(6))
            .Deploy(production, "Deploy_production", t.AddHours(3).AddMinutes(10), t.AddHours(3.25), t.AddHours(6))
            .Finish(t.AddHours(6));
        project.QueueBuild(shop, "shop-cd", thirdMerge, t.AddHours(4.5)).Start(t.AddHours(4.5))
            .Stage("Deploy_production", t.AddHours(4.5), t.AddHours(5))
            .Deploy(production, "Deploy_production", t.AddHours(4.5), t.AddHours(4.5).AddMinutes(5), t.AddHours(5))
            .Finish(t.AddHours(5));

        ado = new AzureDevOpsSimulator(model);
    }

    private IReadOnlyList<(string Change, string Stage, double Seconds)> ExpectedStages =>
    [
        ("1", "coding", 5400), ("1", "pickup", 1800), ("1", "review", 3600), ("1", "merge", 1800), ("1", "release_wait", 2700), ("1", "deploy:production", 6300),
        ("2", "coding", 5400), ("2", "pickup", 900), ("2", "review", 900), ("2", "merge", 5400), ("2", "release_wait", 900), ("2", "deploy:production", 6300),
        ("3", "coding", 1800), ("3", "merge", 1800), ("3", "release_wait", 2100), ("3", "deploy:production", 1500),
        (directPush, "coding", 1500), (directPush, "release_wait", 3000), (directPush, "deploy:production", 1500),
    ];

    public void Dispose()
    {
        ado.Dispose();
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
    public async Task Vote_and_draft_flag_shapes_a_direct_push_a_first_deployment_and_an_overlapping_one_give_the_hand_worked_stages()
    {
        var points = Path.Combine(directory, "points.lp");
        var config = Path.Combine(directory, "config.json");

        // The deployment pipeline's runs are on the merge commits; which runs are CI is another rule (issue 14, CI items), so
        // this stream leaves the CI stages out and their time falls to release_wait.
        string[] stages = ["coding:Process:Coding", "pickup:Wait:Pickup", "review:Process:Review", "merge:Wait:Merge", "release_wait:Wait:ReleaseWait", "deploy:production:Process:Deploy"];
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["Sources"] = new Dictionary<string, object?>
            {
                ["AzureDevOps"] = new Dictionary<string, object?>
                {
                    ["OrganizationUrl"] = ado.Url,
                    ["Pat"] = ado.Pat,
                    ["Repositories"] = new[] { "Web/shop" },
                },
            },
            ["ValueStream"] = new Dictionary<string, object?>
            {
                ["Stages"] = stages.Select(s => s.Split(':')).Select(p => new Dictionary<string, object?>
                {
                    ["Name"] = p.Length == 4 ? $"{p[0]}:{p[1]}" : p[0],
                    ["Kind"] = p[^2],
                    ["Rule"] = p[^1],
                    ["Environment"] = p.Length == 4 ? p[1] : null,
                }).ToArray(),
            },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = Path.Combine(directory, "state.db") },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = points } },
        }), TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        var lines = await File.ReadAllLinesAsync(points, TestContext.Current.CancellationToken);
        var stageLines = lines.Where(l => l.StartsWith("change_stage,", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ExpectedStages.Order(),
            stageLines.Select(l => (Field(l, "change_id").Trim('"'), StageTag().Match(l).Value, double.Parse(Field(l, "seconds"), CultureInfo.InvariantCulture))).Order());
        Assert.DoesNotContain(stageLines, l => l.Contains("clamped=true", StringComparison.Ordinal));
        var leads = lines.Where(l => l.StartsWith("change,", StringComparison.Ordinal))
            .ToDictionary(l => Field(l, "change_id").Trim('"'), l => double.Parse(Field(l, "lead_seconds").TrimEnd('i'), CultureInfo.InvariantCulture));
        Assert.Equal(
            new[] { ("1", 21600.0), ("2", 19800.0), ("3", 7200.0), (directPush, 6000.0) }.OrderBy(p => p.Item1, StringComparer.Ordinal),
            leads.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
    }

    /// <summary>A field of a line-protocol line (after the tags), as written.</summary>
    private static string Field(string line, string name) =>
        Regex.Match(line, $"(?<=[ ,]{name}=)(\"[^\"]*\"|[^ ,]+)").Value;

    [GeneratedRegex("(?<=[ ,]stage=)[^ ,]+")]
    private static partial Regex StageTag();
}
