using System.Text.Json;
using FlowCollector.Domain.Ports;
using FlowCollector.State;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Tests.Faults;

/// <summary>
/// One collector installation for a fault case: its own state file and points file, <c>once</c> runs against a given
/// configuration, and what a case asserts — the exit code, the one line, the watermark, the points.
/// </summary>
public sealed class FaultRun : IDisposable
{
    public FaultRun(string name)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory($"flowcollector-fault-{name}-").FullName;
    }

    public string Directory { get; }

    public string StatePath => Path.Combine(Directory, "state.db");

    public string PointsPath => Path.Combine(Directory, "points.lp");

    /// <summary>The configuration keys that put state and points in this run's folder.</summary>
    public IReadOnlyDictionary<string, object?> Keys => new Dictionary<string, object?>
    {
        ["State:SqlitePath"] = StatePath,
        ["Sinks:File:Path"] = PointsPath,
    };

    /// <summary>Runs <c>once</c>; stdout and stderr together (where the one line is looked for).</summary>
    public static async Task<(int Code, string Output, TimeSpan Elapsed)> OnceAsync(string config)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (code, stdout, stderr) = await EndToEnd.WorkerScenario.RunAsync("once", "--config", config);
        return (code, stdout + stderr, started.Elapsed);
    }

    /// <summary>The target's watermark as the state file holds it (null: never advanced).</summary>
    public async Task<DateTimeOffset?> WatermarkAsync(string target)
    {
        var store = new SqliteStateStore(Options.Create(new StateOptions { SqlitePath = StatePath }));
        var state = await store.GetTargetAsync(target, TestContext.Current.CancellationToken);
        return state?.Watermark;
    }

    /// <summary>The measurements stamped with the run's own time.</summary>
    private static readonly string[] RunTimed = ["collector_sync,", "stage_queue,", "queue_rollup,"];

    /// <summary>
    /// The points that describe the delivery (every measurement but <c>collector_sync</c>, <c>stage_queue</c> and
    /// <c>queue_rollup</c>, which carry the run's own time), sorted: two runs over the same data give the same list.
    /// </summary>
    public List<string> DeliveryPoints() =>
        File.Exists(PointsPath)
            ? File.ReadAllLines(PointsPath)
                .Where(l => l.Length > 0 && !RunTimed.Any(m => l.StartsWith(m, StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>The <c>collector_sync</c> lines written (one per run, success or failure).</summary>
    public List<string> SyncPoints() =>
        File.Exists(PointsPath) ? File.ReadAllLines(PointsPath).Where(l => l.StartsWith("collector_sync,", StringComparison.Ordinal)).ToList() : [];

    /// <summary>Writes a configuration file from nested dictionaries and flat <c>A:B:C</c> keys.</summary>
    public string WriteConfig(IReadOnlyDictionary<string, object?> keys)
    {
        var config = new Dictionary<string, object?>();
        foreach (var (key, value) in keys.Concat(Keys))
        {
            var node = config;
            var path = key.Split(':');
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

        var file = Path.Combine(Directory, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(config));
        return file;
    }

    /// <summary>The one-line promise: no stack trace, no "bug", nothing that sends the user to the wrong key.</summary>
    public static void AssertOneClearLine(string output, string expected)
    {
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("FlowCollector bug", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("malformed payload", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
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
}
