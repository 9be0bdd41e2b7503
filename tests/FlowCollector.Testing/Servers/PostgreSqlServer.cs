using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace FlowCollector.Testing.Servers;

/// <summary>
/// A throwaway PostgreSQL (Debian's <c>postgresql</c>, <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>) on a free loopback
/// port with its cluster in a temp directory, trust authentication and the superuser <c>flow</c>.
/// <c>initdb</c> and <c>postgres</c> refuse to run as root, so as root they run as the <c>postgres</c> user
/// (<c>runuser</c>) and the directory is handed to that user. <see cref="DisposeAsync"/> stops it and deletes the directory.
/// </summary>
/// <example>
/// <code>
/// await using var postgres = await PostgreSqlServer.StartAsync(ct);
/// var connectionString = await postgres.CreateDatabaseAsync("flow", ct);
/// </code>
/// </example>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    public const string DebianPackage = "postgresql";
    public const string Superuser = "flow";

    /// <summary>The binary looked for when no version is installed (Debian 12's version), for the skip/failure message.</summary>
    private const string DefaultBinary = "/usr/lib/postgresql/15/bin/postgres";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string binDirectory;
    private readonly string directory;
    private readonly bool asPostgresUser;

    private PostgreSqlServer(string binDirectory, string directory, int port, bool asPostgresUser)
    {
        this.binDirectory = binDirectory;
        this.directory = directory;
        Port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    /// <summary>The superuser's connection string to the <c>postgres</c> database (pooling off, so a stopped server leaves no idle connections behind).</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>The server log (<c>pg_ctl -l</c>), for failure messages.</summary>
    public string Log
    {
        get
        {
            try
            {
                return File.ReadAllText(Path.Combine(directory, "postgres.log"));
            }
            catch (IOException e)
            {
                return $"(no log: {e.Message})";
            }
        }
    }

    /// <summary>
    /// Creates a cluster and starts it (<c>pg_ctl start -w</c>). Skips the test (or fails it on CI) when PostgreSQL is
    /// not installed, see <see cref="RequiredBinary"/>.
    /// </summary>
    public static async Task<PostgreSqlServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var postgres = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin", "postgres"))
                .Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        var binary = RequiredBinary.Find(postgres ?? DefaultBinary, DebianPackage);
        var binDirectory = Path.GetDirectoryName(binary)!;
        var asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

        for (var attempt = 1; ; attempt++)
        {
            var directory = ServerProcess.CreateTempDirectory("flowcollector-postgresql");
            var server = new PostgreSqlServer(binDirectory, directory, ServerProcess.FreeLoopbackPort(), asPostgresUser);
            try
            {
                if (asPostgresUser)
                {
                    await RunAsync("chown", ["-R", "postgres", directory], cancellationToken);
                }

                await server.RunToolAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", Superuser, "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken);
                var options = string.Create(
                    CultureInfo.InvariantCulture,
                    $"-p {server.Port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
                await server.RunToolAsync("pg_ctl", ["-D", server.DataDirectory, "-o", options, "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "60", "start"], cancellationToken);
                return server;
            }
            catch (InvalidOperationException e) when (attempt < 3 && server.Log.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Port taken between picking and binding: try another.
                _ = e;
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    private string DataDirectory => Path.Combine(directory, "data");

    /// <summary>The superuser's connection string to <paramref name="database"/>.</summary>
    public string ConnectionStringFor(string database, string username = Superuser) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = username,
        Database = database,
        Pooling = false,
        Timeout = 10,
    }.ConnectionString;

    /// <summary>Creates a database owned by the superuser and returns the superuser's connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await ExecuteAsync("postgres", $"CREATE DATABASE {Quote(name)}", cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Creates a login role with no rights beyond PostgreSQL 15's defaults for <c>PUBLIC</c> (it may connect, but not
    /// create anything in the <c>public</c> schema of a database it does not own) and returns its connection string to
    /// <paramref name="database"/>. Authentication is <c>trust</c>, so the password is only there to show it is never printed.
    /// </summary>
    public async Task<string> CreateRoleWithoutRightsAsync(string role, string database, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        await ExecuteAsync("postgres", $"CREATE ROLE {Quote(role)} LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionStringFor(database, role)) { Password = password }.ConnectionString;
    }

    /// <summary>Runs one SQL statement as the superuser against <paramref name="database"/>.</summary>
    public async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(database));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m immediate</c>) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone; the directory is still deleted below.
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(binDirectory, tool);
        return asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken)
            : RunAsync(path, arguments, cancellationToken);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await ToolRun.RunAsync(fileName, arguments, CommandTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with code {result.ExitCode}:{Environment.NewLine}{result.Stdout}{result.Stderr}");
        }
    }
}
