using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Simulation.AzureDevOps;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

/// <summary>
/// Each source decides who is a bot by its own rule, and the engine trusts the event's flag alone: a GitHub bot login
/// (<c>Sources:GitHub:BotLogins</c>) means nothing on Azure DevOps, whose bots are its service identities and
/// <c>Sources:AzureDevOps:BotNames</c>. Worked by hand; times are relative to "three days ago" (inside the default backfill).
/// </summary>
public sealed partial class BotRulesPerSourceOnceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-bot-rules-").FullName;

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
    public async Task An_Azure_DevOps_reviewer_named_like_a_configured_GitHub_bot_login_ends_pickup()
    {
        var t = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3).AddHours(9);
        var alice = SimulatedAdoIdentity.Person("alice@contoso.com");

        // A person on Azure DevOps whose unique name happens to be a GitHub bot login configured below.
        var namesake = SimulatedAdoIdentity.Person("renovate-helper");
        var model = new SimulatedAzureDevOps();
        var shop = model.AddProject("Web").AddRepository("shop");

        // Commit t-1h, opened t, the namesake approves at t+1h, completed t+2h:
        //   coding 3600 (t-1h → t), pickup 3600 (t → t+1h), review 0 (the approval is the first review), merge 3600 (→ t+2h).
        // Were the namesake taken for a bot: coding 3600, merge 7200 (t → t+2h), no pickup or review.
        shop.OpenPullRequest(alice, t).Commit(t.AddHours(-1)).Vote(namesake, 10, t.AddHours(1)).Complete(t.AddHours(2));
        using var ado = new AzureDevOpsSimulator(model);

        var points = Path.Combine(directory, "points.lp");
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["Sources"] = new Dictionary<string, object?>
            {
                // No GitHub repository: the section only names a bot login, which must not reach Azure DevOps.
                ["GitHub"] = new Dictionary<string, object?> { ["BotLogins"] = new[] { "renovate-helper" } },
                ["AzureDevOps"] = new Dictionary<string, object?>
                {
                    ["OrganizationUrl"] = ado.Url,
                    ["Pat"] = ado.Pat,
                    ["Repositories"] = new[] { "Web/shop" },
                },
            },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = Path.Combine(directory, "state.db") },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = points } },
        }), TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        var stages = (await File.ReadAllLinesAsync(points, TestContext.Current.CancellationToken))
            .Where(l => l.StartsWith("change_stage,", StringComparison.Ordinal))
            .Select(l => (StageTag().Match(l).Value, double.Parse(SecondsField().Match(l).Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(new[] { ("coding", 3600.0), ("pickup", 3600.0), ("review", 0.0), ("merge", 3600.0) }.Order(), stages.Order());
    }

    [GeneratedRegex("(?<=[ ,]stage=)[^ ,]+")]
    private static partial Regex StageTag();

    [GeneratedRegex("(?<=[ ,]seconds=)[^ ,]+")]
    private static partial Regex SecondsField();
}
