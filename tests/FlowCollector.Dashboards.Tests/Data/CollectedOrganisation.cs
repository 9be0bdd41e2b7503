using System.Text.Json;
using FlowCollector.Testing.Servers;
using FlowCollector.Testing.Simulation;
using FlowCollector.Worker.Cli;

[assembly: AssemblyFixture(typeof(FlowCollector.Dashboards.Tests.Data.CollectedOrganisation))]

namespace FlowCollector.Dashboards.Tests.Data;

/// <summary>
/// A simulated organisation (two owners, four repositories, 25 days of pull requests, CI runs and batch deployments to
/// staging and production) collected once per test run by the real collector — <c>flowcollector once</c> against the
/// GitHub simulator, writing to a real InfluxDB 1.x over the v1 API — so every board and alert query runs against
/// exactly what the collector writes. Without <c>influxd</c> nothing is started; <see cref="RequireAsync"/> then skips
/// (or fails on CI) the test that needs it.
/// </summary>
public sealed class CollectedOrganisation : IAsyncLifetime
{
    public const string Database = "flow";
    private const string Token = "ghp_dashboard_tests_token_0000000000000";

    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-dashboards-").FullName;
    private GitHubSimulator? github;
    private InfluxDbServer? influx;
    private Exception? failure;

    /// <summary>"Now" of the simulated world and of every query's time range (whole seconds).</summary>
    public DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>
    /// The end of every query's time range: a moment after the collection, so it covers the run's own points
    /// (<c>collector_sync</c> and <c>stage_queue</c> carry the run's time, which is after <see cref="Now"/>).
    /// </summary>
    public DateTimeOffset CollectedAt { get; private set; }

    /// <summary>The generated organisation the collector read.</summary>
    public SimulatedGitHub Model { get; private set; } = new();

    /// <summary>What <c>once</c> printed (the per-stage summary and the DORA lines), for failure messages.</summary>
    public string Summary { get; private set; } = "";

    /// <summary>The InfluxDB holding the collected points in <see cref="Database"/>.</summary>
    public InfluxDbServer Influx => influx ?? throw new InvalidOperationException("InfluxDB was not started.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(InfluxDbServer.BinaryPath))
        {
            return; // RequireAsync skips or fails each test with the install hint.
        }

        try
        {
            await CollectAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            // Reported by every test that needs the data, with the collector's output.
            failure = e;
        }
    }

    /// <summary>Skips (or on CI fails) without <c>influxd</c>; fails when the collection failed.</summary>
    public InfluxDbServer Require()
    {
        RequiredBinary.Find(InfluxDbServer.BinaryPath, InfluxDbServer.DebianPackage);
        if (failure is not null)
        {
            throw new InvalidOperationException($"Collecting the simulated organisation failed: {failure.Message}", failure);
        }

        return Influx;
    }

    public async ValueTask DisposeAsync()
    {
        if (influx is not null)
        {
            await influx.DisposeAsync();
        }

        github?.Dispose();
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

    /// <summary>The team (ValueStream:Teams) that owns the first repository; every other repository has no team.</summary>
    public const string FirstTeam = "payments";

    /// <summary>The label that makes an issue an incident (Sources:GitHub:IncidentLabels).</summary>
    public const string IncidentLabel = "incident";

    /// <summary>
    /// Incidents, so the change failure rate and the recovery time of the boards must include them as the engine does:
    /// per repository an incident 5 hours after every fifth successful production deployment (inside the 24-hour window:
    /// that deployment failed), resolved after 40 minutes plus 13 per incident, the last of each repository still open;
    /// and one incident 29 days ago, before the first deployment (a restore time, no failed deployment).
    /// </summary>
    private static void AddIncidents(SimulatedGitHub model, DateTimeOffset now)
    {
        var number = 5000;
        foreach (var repository in model.Repositories)
        {
            var finished = repository.Deployments
                .Where(d => d.Environment == "production")
                .SelectMany(d => d.Statuses.Where(s => s.State == "success").Take(1).Select(s => s.CreatedAt))
                .Order()
                .Where((_, i) => i % 5 == 2)
                .Select(at => at.AddHours(5))
                .Where(opened => opened < now.AddHours(-2))
                .Prepend(now.AddDays(-29))
                .ToList();
            for (var i = 0; i < finished.Count; i++)
            {
                var issue = new SimulatedIssue(repository, ++number, $"Incident {number}", SimulatedUser.Named("oncall"), finished[i])
                {
                    ClosedAt = i == finished.Count - 1 ? null : finished[i].AddMinutes(40 + (13 * i)),
                };
                issue.Labels.Add(IncidentLabel);
                repository.Issues.Add(issue);
            }
        }
    }

    private async Task CollectAsync()
    {
        var ct = CancellationToken.None;
        Model = SimulatedGitHub.Generate(
            seed: 20261127,
            repositories: 4,
            pullRequestsPerRepository: 100,
            start: Now.AddDays(-25),
            new GitHubGenerationOptions { Organisations = 2, AverageGap = TimeSpan.FromHours(6), Now = Now });
        AddIncidents(Model, Now);
        github = new GitHubSimulator(Model, new GitHubSimulatorOptions { Token = Token });
        influx = await InfluxDbServer.StartAsync(ct);
        await influx.CreateDatabaseAsync(Database, ct);

        var config = new Dictionary<string, object?>
        {
            ["Sources"] = new Dictionary<string, object?>
            {
                ["GitHub"] = new Dictionary<string, object?>
                {
                    ["ApiBaseAddress"] = github.Url,
                    ["Token"] = Token,
                    ["Repositories"] = Model.Repositories.Select(r => r.FullName).ToArray(),
                    ["IncidentLabels"] = new[] { IncidentLabel },
                    ["Resilience"] = new Dictionary<string, object?> { ["Retry"] = new Dictionary<string, object?> { ["Delay"] = "00:00:00.010" } },
                },
            },
            ["ValueStream"] = new Dictionary<string, object?>
            {
                ["Environments"] = new[] { "staging", "production" },
                ["ProductionEnvironments"] = new[] { "production" },

                // One team owns the first repository; the others belong to no team, so "All" teams must still show them.
                ["Teams"] = new Dictionary<string, object?> { [FirstTeam] = new[] { Model.Repositories[0].FullName } },
            },
            ["State"] = new Dictionary<string, object?> { ["SqlitePath"] = Path.Combine(directory, "state.db") },
            ["Sinks"] = new Dictionary<string, object?>
            {
                ["InfluxDb"] = new Dictionary<string, object?> { ["Url"] = influx.Url.ToString(), ["ApiVersion"] = "V1", ["Database"] = Database },
            },
            ["Collection"] = new Dictionary<string, object?> { ["MaxConcurrentTargets"] = 4 },
        };
        var path = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config), ct);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FlowCollectorApp.RunAsync(["once", "--config", path], stdout, stderr, cancellationToken: ct);
        Summary = stdout.ToString();
        CollectedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        if (code != ExitCodes.Ok)
        {
            throw new InvalidOperationException($"flowcollector once exited with {code}:{Environment.NewLine}{stdout}{stderr}");
        }
    }
}
