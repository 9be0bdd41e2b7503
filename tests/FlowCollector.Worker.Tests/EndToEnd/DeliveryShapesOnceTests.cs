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

        var stages = await this.OnceAsync(source);

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

        var stages = await this.OnceAsync(source);

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(AzureDevOpsDeliveryShapes.Expected[i], Of(stages, ids[i].ToString(CultureInfo.InvariantCulture)));
        }

        Assert.DoesNotContain(stages, s => s.Clamped);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(this.directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner gets it.
        }
    }

    private async Task<List<(string Change, string Stage, double Seconds, bool Clamped)>> OnceAsync(Dictionary<string, object?> sources)
    {
        var points = Path.Combine(this.directory, "points.lp");
        var config = new Dictionary<string, object?>
        {
            ["Sources"] = sources,
            ["ValueStream"] = new Dictionary<string, object?> { ["Environments"] = new[] { "staging", "production" } },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = Path.Combine(this.directory, "state.db") },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = points } },
        };
        var path = Path.Combine(this.directory, "config.json");
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
