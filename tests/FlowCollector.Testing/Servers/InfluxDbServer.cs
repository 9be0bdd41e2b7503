using System.Net;
using System.Text.Json;

namespace FlowCollector.Testing.Servers;

/// <summary>
/// A throwaway InfluxDB 1.x (Debian's <c>influxd</c>, v1 API only: <c>/write</c>, <c>/query</c>, <c>/ping</c>) on a
/// free loopback port with its data in a temp directory. <see cref="DisposeAsync"/> stops it and deletes the data.
/// </summary>
/// <example>
/// <code>
/// await using var influx = await InfluxDbServer.StartAsync(ct);
/// await influx.CreateDatabaseAsync("flow", ct);
/// // … write to influx.Url + "write?db=flow&amp;precision=ns" …
/// var rows = await influx.QueryRowsAsync("flow", "SELECT * FROM change_stage", ct);
/// </code>
/// </example>
public sealed class InfluxDbServer : IAsyncDisposable
{
    public const string BinaryPath = "/usr/bin/influxd";
    public const string DebianPackage = "influxdb";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;
    private readonly string binary;
    private readonly string config;
    private ServerProcess process;
    private bool stopped;

    private InfluxDbServer(ServerProcess process, Uri url, string binary, string config)
    {
        this.process = process;
        this.binary = binary;
        this.config = config;
        Url = url;
        http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c> (no authentication).</summary>
    public Uri Url { get; }

    /// <summary>The last lines of the server's log, for failure messages.</summary>
    public string Log => process.Log;

    /// <summary>
    /// Starts <c>influxd</c> and waits until <c>GET /ping</c> answers 204 (at most 30 s). Skips the test (or fails it
    /// on CI) when the binary is missing, see <see cref="RequiredBinary"/>.
    /// </summary>
    public static Task<InfluxDbServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(authentication: false, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(CancellationToken)"/>; with <paramref name="authentication"/> the server requires
    /// credentials (<c>auth-enabled</c>) and has one admin, <see cref="AdminUser"/>, whom this object's queries use.
    /// </summary>
    public static async Task<InfluxDbServer> StartAsync(bool authentication, CancellationToken cancellationToken = default)
    {
        var server = await StartServerAsync(authentication, cancellationToken);
        if (authentication)
        {
            // InfluxDB 1.x lets the first admin be created without credentials, and nothing else.
            await server.QueryAsync(null, $"CREATE USER \"{AdminUser}\" WITH PASSWORD '{AdminPassword}' WITH ALL PRIVILEGES", cancellationToken);
            server.http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AdminUser}:{AdminPassword}")));
        }

        return server;
    }

    /// <summary>The admin of a server started with authentication.</summary>
    public const string AdminUser = "admin";

    public const string AdminPassword = "admin-pw-1c9e";

    /// <summary>A user with <paramref name="privilege"/> (<c>READ</c>, <c>WRITE</c> or <c>ALL</c>) on <paramref name="database"/> (a server with authentication).</summary>
    public async Task CreateUserAsync(string name, string password, string database, string privilege, CancellationToken cancellationToken = default)
    {
        await QueryAsync(null, $"CREATE USER \"{name}\" WITH PASSWORD '{password}'", cancellationToken);
        await QueryAsync(null, $"GRANT {privilege} ON \"{database}\" TO \"{name}\"", cancellationToken);
    }

    private static async Task<InfluxDbServer> StartServerAsync(bool authentication, CancellationToken cancellationToken)
    {
        var binary = RequiredBinary.Find(BinaryPath, DebianPackage);

        // Two ports are picked free and bound a moment later; another process may take one in between, so retry.
        for (var attempt = 1; ; attempt++)
        {
            var directory = ServerProcess.CreateTempDirectory("flowcollector-influxdb");
            var httpPort = ServerProcess.FreeLoopbackPort();
            var rpcPort = ServerProcess.FreeLoopbackPort();
            var config = Path.Combine(directory, "influxdb.conf");
            await File.WriteAllTextAsync(config, Config(directory, httpPort, rpcPort, authentication), cancellationToken);
            var url = new Uri($"http://127.0.0.1:{httpPort}/");
            try
            {
                var process = await ServerProcess.StartAsync(
                    "influxd", binary, ["-config", config], directory, new Uri(url, "ping"), HttpStatusCode.NoContent, StartTimeout, cancellationToken);
                return new InfluxDbServer(process, url, binary, config);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Port taken between picking and binding: try other ports.
            }
        }
    }

    /// <summary><c>CREATE DATABASE</c> (idempotent in InfluxDB 1.x).</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await QueryAsync(null, $"CREATE DATABASE \"{name.Replace("\"", "\\\"", StringComparison.Ordinal)}\"", cancellationToken);
    }

    /// <summary>
    /// Runs InfluxQL (<c>POST /query</c> with <c>epoch=ns</c>, so times are Unix nanoseconds) and returns the parsed
    /// response (<c>{"results":[{"series":[…]}]}</c>). Throws when InfluxDB reports an error.
    /// </summary>
    /// <param name="database">The database (<c>db</c> parameter); null for server-level statements.</param>
    public async Task<JsonElement> QueryAsync(string? database, string influxQl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(influxQl);
        var form = new List<KeyValuePair<string, string>> { new("q", influxQl), new("epoch", "ns") };
        if (database is not null)
        {
            form.Add(new("db", database));
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri("query", UriKind.Relative), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxQL '{influxQl}' failed with HTTP {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxQL '{influxQl}' failed: {error.GetString()}");
            }
        }

        return root;
    }

    /// <summary>
    /// Runs InfluxQL and flattens every series of every result into rows: column name → value (times in ns). With
    /// <c>GROUP BY</c>, each row also carries its series' tags. No series → no rows.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, JsonElement>>> QueryRowsAsync(string database, string influxQl, CancellationToken cancellationToken = default)
    {
        var root = await QueryAsync(database, influxQl, cancellationToken);
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            if (!result.TryGetProperty("series", out var seriesList))
            {
                continue;
            }

            foreach (var series in seriesList.EnumerateArray())
            {
                var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                foreach (var values in series.GetProperty("values").EnumerateArray())
                {
                    var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    if (series.TryGetProperty("tags", out var tags))
                    {
                        foreach (var tag in tags.EnumerateObject())
                        {
                            row[tag.Name] = tag.Value;
                        }
                    }

                    var i = 0;
                    foreach (var value in values.EnumerateArray())
                    {
                        row[columns[i++]] = value;
                    }

                    rows.Add(row);
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// Kills the server as an outage would (SIGKILL: only what it acknowledged is in its WAL), keeping its data, so
    /// <see cref="RestartAsync"/> brings the same database back on the same address. Writes fail with
    /// "connection refused" meanwhile.
    /// </summary>
    public async Task StopAsync()
    {
        await process.KillKeepingDataAsync();
        stopped = true;
    }

    /// <summary>Starts the server again on the same port and data after <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (!stopped)
        {
            throw new InvalidOperationException("RestartAsync needs a stopped server; call StopAsync first.");
        }

        var directory = process.Directory;
        process = await ServerProcess.StartAsync(
            "influxd", binary, ["-config", config], directory, new Uri(Url, "ping"), HttpStatusCode.NoContent, StartTimeout, cancellationToken);
        stopped = false;
    }

    /// <summary>Stops the server (process tree) and deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (stopped)
        {
            // The stopped process kept its directory for a restart that never came.
            await process.DisposeAsync();
            await ServerProcess.DeleteDirectoryAsync(process.Directory);
            return;
        }

        await process.DisposeAsync();
    }

    private static string Config(string directory, int httpPort, int rpcPort, bool authentication) => $"""
        reporting-disabled = true
        bind-address = "127.0.0.1:{rpcPort}"

        [meta]
          dir = {ServerProcess.TomlString(Path.Combine(directory, "meta"))}

        [data]
          dir = {ServerProcess.TomlString(Path.Combine(directory, "data"))}
          wal-dir = {ServerProcess.TomlString(Path.Combine(directory, "wal"))}
          query-log-enabled = false

        [monitor]
          store-enabled = false

        [http]
          bind-address = "127.0.0.1:{httpPort}"
          auth-enabled = {(authentication ? "true" : "false")}

        """;
}
