using FlowCollector.Domain.Ports;
using FlowCollector.State.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowCollector.State;

/// <summary>
/// The shared state store for several replicas: the SQLite store's tables and semantics (times as Unix
/// milliseconds, upserts, the pending set replaced in one transaction) in one PostgreSQL database, next to Quartz's
/// clustered job store. Connections come from one pooled <see cref="NpgsqlDataSource"/>.
/// </summary>
internal sealed class PostgresStateStore : IStateStore, IApiBudgetStore, IAsyncDisposable
{
    private const string Setting = "State:PostgreSql:ConnectionString";

    private readonly NpgsqlConnectionStringBuilder connection;
    private readonly Lazy<NpgsqlDataSource> dataSource;

    public PostgresStateStore(IOptions<StateOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = options.Value.PostgreSql.ConnectionString
            ?? throw new InvalidOperationException($"{Setting} is empty; the PostgreSQL state store needs it.");
        if (PostgreSqlConnection.TryParse(connectionString, out var builder) is { } problem)
        {
            throw new InvalidOperationException($"{Setting} {problem}");
        }

        connection = builder!;
        dataSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(connection));
    }

    private NpgsqlDataSource DataSource => dataSource.Value;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PostgreSqlSchema.MigrateAsync(DataSource, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw StartupError(
                $"the role may not create FlowCollector's tables ({e.MessageText})",
                $"grant it CREATE on the schema (GRANT CREATE ON SCHEMA public TO \"{connection.Username}\"), or let the database owner start FlowCollector once",
                e);
        }
        catch (PostgresException e)
        {
            throw StartupError(e.MessageText + $" [SQLSTATE {e.SqlState}]", "check the database name, user and password", e);
        }
        catch (NpgsqlException e)
        {
            throw StartupError(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message, "check the host, port and that PostgreSQL accepts connections from here", e);
        }
        catch (TimeoutException e)
        {
            throw StartupError(e.Message, "check the host, port and network policy", e);
        }
    }

    /// <summary>For <c>validate</c>: null when the database is reachable and usable by this role; the problem and the fix otherwise. Writes nothing.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PostgreSqlSchema.CheckAsync(DataSource, cancellationToken) is { } problem
                ? StartupError(problem, $"grant the role \"{connection.Username}\" CREATE on the schema and read/write on FlowCollector's tables, or let the database owner start FlowCollector once", null).Message
                : null;
        }
        catch (PostgresException e)
        {
            return StartupError(e.MessageText + $" [SQLSTATE {e.SqlState}]", "check the database name, user and password", e).Message;
        }
        catch (NpgsqlException e)
        {
            return StartupError(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message, "check the host, port and that PostgreSQL accepts connections from here", e).Message;
        }
        catch (TimeoutException e)
        {
            return StartupError(e.Message, "check the host, port and network policy", e).Message;
        }
    }

    public async Task<TargetState?> GetTargetAsync(string targetKey, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT watermark, last_success, last_attempt, last_error FROM flowcollector_target_state WHERE target_key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = targetKey });
        return await StateRows.ReadTargetAsync(command, targetKey, cancellationToken);
    }

    public async Task SaveTargetAsync(TargetState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await ExecuteAsync(
            """
            INSERT INTO flowcollector_target_state (target_key, watermark, last_success, last_attempt, last_error)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (target_key) DO UPDATE SET
                watermark = excluded.watermark, last_success = excluded.last_success,
                last_attempt = excluded.last_attempt, last_error = excluded.last_error
            """,
            cancellationToken,
            state.TargetKey,
            StateRows.ToDb(state.Watermark),
            StateRows.ToDb(state.LastSuccess),
            StateRows.ToDb(state.LastAttempt),
            (object?)state.LastError ?? DBNull.Value);
    }

    public async Task<string?> GetETagAsync(string targetKey, string resource, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT etag FROM flowcollector_etag WHERE target_key = $1 AND resource = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = targetKey });
        command.Parameters.Add(new NpgsqlParameter { Value = resource });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public Task SaveETagAsync(string targetKey, string resource, string etag, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO flowcollector_etag (target_key, resource, etag) VALUES ($1, $2, $3) ON CONFLICT (target_key, resource) DO UPDATE SET etag = excluded.etag",
            cancellationToken,
            targetKey,
            resource,
            etag);

    public async Task<IReadOnlyDictionary<string, string>> GetPendingChangesAsync(string targetKey, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT change_id, payload FROM flowcollector_pending_change WHERE target_key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = targetKey });
        return await StateRows.ReadPairsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetResourceOfEveryTargetAsync(string resource, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT target_key, etag FROM flowcollector_etag WHERE resource = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = resource });
        return await StateRows.ReadPairsAsync(command, cancellationToken);
    }

    public async Task ReplacePendingChangesAsync(string targetKey, IReadOnlyDictionary<string, string> pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM flowcollector_pending_change WHERE target_key = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = targetKey });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (pending.Count > 0)
        {
            // One statement for the whole set: a repository can keep thousands of open and undeployed changes.
            await using var insert = new NpgsqlCommand(
                "INSERT INTO flowcollector_pending_change (target_key, change_id, payload) SELECT $1, id, payload FROM unnest($2::text[], $3::text[]) AS p(id, payload)",
                connection,
                transaction);
            insert.Parameters.Add(new NpgsqlParameter { Value = targetKey });
            insert.Parameters.Add(new NpgsqlParameter { Value = pending.Keys.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = pending.Values.ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task RecordAsync(ApiBudget budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budget);

        // Replicas report out of order; only a newer observation replaces the one stored.
        return ExecuteAsync(
            """
            INSERT INTO flowcollector_api_budget (credential, source, remaining, observed_at, observed_by) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (credential) DO UPDATE SET source = excluded.source, remaining = excluded.remaining,
                observed_at = excluded.observed_at, observed_by = excluded.observed_by
            WHERE flowcollector_api_budget.observed_at <= excluded.observed_at
            """,
            cancellationToken,
            budget.Credential,
            budget.Source,
            budget.Remaining,
            budget.ObservedAt.ToUnixTimeMilliseconds(),
            budget.ObservedBy);
    }

    public async Task<ApiBudget?> GetAsync(string credential, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT source, remaining, observed_at, observed_by FROM flowcollector_api_budget WHERE credential = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = credential });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ApiBudget(credential, reader.GetString(0), reader.GetInt32(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3))
            : null;
    }

    /// <summary>
    /// Holds a session-level advisory lock until disposed, so replicas starting together register the schedule one
    /// after another: the later ones find every trigger in place and leave it alone.
    /// </summary>
    public async Task<IAsyncDisposable> LockScheduleRegistrationAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = PostgreSqlSchema.RegistrationLockKey });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new AdvisoryLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource.IsValueCreated)
        {
            await dataSource.Value.DisposeAsync();
        }
    }

    public override string ToString() => "postgresql " + PostgreSqlConnection.Describe(connection);


    private InvalidOperationException StartupError(string problem, string fix, Exception? inner) =>
        new(PostgreSqlConnection.Redact(
            $"Cannot use the PostgreSQL state store {PostgreSqlConnection.Describe(connection)}: {problem}. Fix {Setting}: {fix}.",
            connection),
            inner);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class AdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Returning the connection to the pool resets the session (DISCARD ALL), which releases the lock even if the unlock below fails.
            await using (connection)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = PostgreSqlSchema.RegistrationLockKey });
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }
}
