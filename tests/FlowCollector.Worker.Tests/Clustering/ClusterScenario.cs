using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowCollector.Testing.Simulation;
using Npgsql;

namespace FlowCollector.Worker.Tests.Clustering;

/// <summary>
/// Several collector processes (the built <c>flowcollector.dll</c>, each its own <c>dotnet</c> process) sharing one
/// PostgreSQL database and one simulated GitHub organisation. Each process writes its own line-protocol file, so what
/// each replica collected can be told apart and the union compared with a single-process run.
/// </summary>
internal sealed partial class ClusterScenario : IAsyncDisposable
{
    public const string Token = "ghp_cluster_test_token_never_printed";
    public const string DatabasePassword = "pg_password_never_printed";

    private readonly List<CollectorProcess> processes = [];

    public ClusterScenario(string connectionString, SimulatedGitHub model, TimeSpan? latency = null, GitHubSimulatorOptions? github = null)
    {
        // The test server trusts every local connection; the password is there to prove it is never printed.
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Password = DatabasePassword }.ConnectionString;
        Directory = System.IO.Directory.CreateTempSubdirectory("flowcollector-cluster-").FullName;
        GitHub = new GitHubSimulator(model, (github ?? new GitHubSimulatorOptions { RateLimit = 1_000_000 }) with { Token = Token, Latency = latency ?? TimeSpan.Zero });
        Repositories = model.Repositories.Select(r => r.FullName).ToList();
    }

    public string ConnectionString { get; }

    public string Directory { get; }

    public GitHubSimulator GitHub { get; }

    public IReadOnlyList<string> Repositories { get; }

    /// <summary>The line-protocol file a named process writes.</summary>
    public string PointsPath(string name) => Path.Combine(Directory, $"points-{name}.lp");

    /// <summary>A configuration for one process: every repository, the shared database, its own points file.</summary>
    public string WriteConfig(string name, IReadOnlyDictionary<string, object?>? extra = null, string? connectionString = null)
    {
        var config = new Dictionary<string, object?>
        {
            ["Sources"] = new Dictionary<string, object?>
            {
                ["GitHub"] = new Dictionary<string, object?>
                {
                    ["ApiBaseAddress"] = GitHub.Url,
                    ["Token"] = Token,
                    ["Repositories"] = Repositories,
                    ["Resilience"] = new Dictionary<string, object?> { ["Retry"] = new Dictionary<string, object?> { ["Delay"] = "00:00:00.010" } },
                },
            },
            ["State"] = new Dictionary<string, object?>
            {
                ["SqlitePath"] = Path.Combine(Directory, $"unused-{name}.db"),
                ["PostgreSql"] = new Dictionary<string, object?>
                {
                    ["ConnectionString"] = connectionString ?? ConnectionString,
                    ["CheckinInterval"] = "00:00:01",
                    ["CheckinMisfireThreshold"] = "00:00:02",
                },
            },
            ["Sinks"] = new Dictionary<string, object?> { ["File"] = new Dictionary<string, object?> { ["Path"] = PointsPath(name) } },
            ["Logging"] = new Dictionary<string, object?>
            {
                ["LogLevel"] = new Dictionary<string, object?> { ["Default"] = "Information", ["Quartz"] = "Information", ["FlowCollector.Worker.Scheduling"] = "Debug" },
            },
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            Set(config, key.Split(':'), value);
        }

        var path = Path.Combine(Directory, $"config-{name}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    /// <summary>Starts <c>dotnet flowcollector.dll run --config …</c> as a separate process.</summary>
    public CollectorProcess Start(string name, string config)
    {
        var process = CollectorProcess.Start(name, ["run", "--config", config, "--urls", "http://127.0.0.1:0"], Directory);
        processes.Add(process);
        return process;
    }

    /// <summary>Every complete line of a process's points file (none before its first write).</summary>
    public IReadOnlyList<string> Lines(string name)
    {
        if (!File.Exists(PointsPath(name)))
        {
            return [];
        }

        // The process may be appending while this reads: a last line without its newline is not written yet.
        var text = File.ReadAllText(PointsPath(name));
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
    }

    /// <summary>Runs of each target by <c>collector_sync</c> points: (process, org/repo, run time).</summary>
    public IReadOnlyList<(string Process, string Target, DateTimeOffset At)> Runs(IEnumerable<string> names) =>
        names.SelectMany(name => Lines(name).Where(l => l.StartsWith("collector_sync,", StringComparison.Ordinal)).Select(l => (name, Target(l), RunTime(l)))).ToList();

    /// <summary>Every firing each process logged: (process, target key, the tick it was scheduled for, recovering).</summary>
    public static IReadOnlyList<Firing> Firings(IEnumerable<CollectorProcess> processes) =>
        processes.SelectMany(p => FiringLine().Matches(p.Output).Select(m => new Firing(
            p.Name,
            m.Groups["target"].Value,
            DateTimeOffset.Parse(m.Groups["tick"].Value, CultureInfo.InvariantCulture),
            m.Groups["recovering"].Value == "True"))).ToList();

    /// <summary>Rows of one SQL query (first column as text) against the shared database.</summary>
    public async Task<IReadOnlyList<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        GitHub.Dispose();
        NpgsqlConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner gets it.
        }
    }

    /// <summary><c>org/repo</c> from a line's tags.</summary>
    public static string Target(string line)
    {
        var tags = line[..line.IndexOf(' ', StringComparison.Ordinal)].Split(',').Skip(1).Select(t => t.Split('=', 2)).ToDictionary(t => t[0], t => t[1], StringComparer.Ordinal);
        return $"{tags["org"]}/{tags["repo"]}";
    }

    private static DateTimeOffset RunTime(string line) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) / 1_000_000);

    [GeneratedRegex(@"Collecting (?<target>\S+) for the tick of (?<tick>\S+) on \S+ \(recovering (?<recovering>\w+)\)")]
    private static partial Regex FiringLine();

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

/// <summary>One run of a target's job, as the process that ran it logged it.</summary>
internal sealed record Firing(string Process, string Target, DateTimeOffset Tick, bool Recovering);

/// <summary>
/// One collector process. Its output goes to a log file through the shell (<c>exec … &gt; log</c>), not through a pipe
/// this test process must drain, so a busy test host can never stall it. Killed (SIGKILL) on dispose.
/// </summary>
internal sealed class CollectorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string log;

    private CollectorProcess(string name, Process process, string log)
    {
        Name = name;
        this.process = process;
        this.log = log;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything the process printed so far (stdout and stderr interleaved).</summary>
    public string Output
    {
        get
        {
            try
            {
                using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }
            catch (IOException)
            {
                return "";
            }
        }
    }

    public static CollectorProcess Start(string name, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "flowcollector.dll");
        var log = Path.Combine(workingDirectory, $"{name}.log");
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec dotnet \"$@\" > \"$LOG\" 2>&1");
        startInfo.ArgumentList.Add("sh");
        startInfo.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Nothing from the test runner's environment may configure the collector behind the test's back.
        startInfo.Environment.Remove("GITHUB_TOKEN");
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["LOG"] = log;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dotnet");
        return new CollectorProcess(name, process, log);
    }

    /// <summary>SIGKILL: no shutdown, no last check-in, fired triggers left behind — what a node crash looks like.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        process.Dispose();
    }
}
