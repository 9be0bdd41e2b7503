using System.Globalization;
using FlowCollector.Domain.Ports;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FlowCollector.State;

/// <summary>
/// The embedded state store: one SQLite file in WAL mode. Each call opens its own pooled connection, so
/// concurrent targets do not share a connection; SQLite's busy timeout serialises the short writes.
/// </summary>
internal sealed class SqliteStateStore(IOptions<StateOptions> options) : IStateStore
{
    private const int SchemaVersion = 1;

    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(options.Value.SqlitePath),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(options.Value.SqlitePath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(
                connection,
                """
                CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS target_state (
                    target_key   TEXT PRIMARY KEY,
                    watermark    INTEGER NULL,
                    last_success INTEGER NULL,
                    last_attempt INTEGER NULL,
                    last_error   TEXT NULL);
                CREATE TABLE IF NOT EXISTS etag (
                    target_key TEXT NOT NULL,
                    resource   TEXT NOT NULL,
                    etag       TEXT NOT NULL,
                    PRIMARY KEY (target_key, resource));
                CREATE TABLE IF NOT EXISTS pending_change (
                    target_key TEXT NOT NULL,
                    change_id  TEXT NOT NULL,
                    payload    TEXT NOT NULL,
                    PRIMARY KEY (target_key, change_id));
                INSERT INTO schema_version (version) SELECT $version WHERE NOT EXISTS (SELECT 1 FROM schema_version);
                """,
                cancellationToken,
                ("$version", SchemaVersion));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Cannot open the state store at '{path}' ({e.Message}). Make its folder writable or point State:SqlitePath elsewhere.", e);
        }
    }

    public async Task<TargetState?> GetTargetAsync(string targetKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT watermark, last_success, last_attempt, last_error FROM target_state WHERE target_key = $key";
        command.Parameters.AddWithValue("$key", targetKey);
        return await StateRows.ReadTargetAsync(command, targetKey, cancellationToken);
    }

    public async Task SaveTargetAsync(TargetState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            """
            INSERT INTO target_state (target_key, watermark, last_success, last_attempt, last_error)
            VALUES ($key, $watermark, $success, $attempt, $error)
            ON CONFLICT (target_key) DO UPDATE SET
                watermark = excluded.watermark, last_success = excluded.last_success,
                last_attempt = excluded.last_attempt, last_error = excluded.last_error
            """,
            cancellationToken,
            ("$key", state.TargetKey),
            ("$watermark", StateRows.ToDb(state.Watermark)),
            ("$success", StateRows.ToDb(state.LastSuccess)),
            ("$attempt", StateRows.ToDb(state.LastAttempt)),
            ("$error", (object?)state.LastError ?? DBNull.Value));
    }

    public async Task<string?> GetETagAsync(string targetKey, string resource, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM etag WHERE target_key = $key AND resource = $resource";
        command.Parameters.AddWithValue("$key", targetKey);
        command.Parameters.AddWithValue("$resource", resource);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SaveETagAsync(string targetKey, string resource, string etag, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            "INSERT INTO etag (target_key, resource, etag) VALUES ($key, $resource, $etag) ON CONFLICT (target_key, resource) DO UPDATE SET etag = excluded.etag",
            cancellationToken,
            ("$key", targetKey),
            ("$resource", resource),
            ("$etag", etag));
    }

    public async Task<IReadOnlyDictionary<string, string>> GetResourceOfEveryTargetAsync(string resource, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT target_key, etag FROM etag WHERE resource = $resource";
        command.Parameters.AddWithValue("$resource", resource);
        return await StateRows.ReadPairsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetPendingChangesAsync(string targetKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT change_id, payload FROM pending_change WHERE target_key = $key";
        command.Parameters.AddWithValue("$key", targetKey);
        return await StateRows.ReadPairsAsync(command, cancellationToken);
    }

    public async Task ReplacePendingChangesAsync(string targetKey, IReadOnlyDictionary<string, string> pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "DELETE FROM pending_change WHERE target_key = $key", cancellationToken, ("$key", targetKey));
        foreach (var (changeId, payload) in pending)
        {
            await ExecuteAsync(
                connection,
                "INSERT INTO pending_change (target_key, change_id, payload) VALUES ($key, $id, $payload)",
                cancellationToken,
                ("$key", targetKey),
                ("$id", changeId),
                ("$payload", payload));
        }

        await transaction.CommitAsync(cancellationToken);
    }


    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"sqlite {options.Value.SqlitePath}");
}
