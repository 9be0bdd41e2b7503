using Npgsql;

namespace FlowCollector.State.PostgreSql;

/// <summary>
/// Creates and migrates everything FlowCollector keeps in PostgreSQL — its state tables and Quartz's <c>qrtz_*</c>
/// tables — in one transaction under a transaction-scoped advisory lock, so replicas starting at the same moment
/// apply each migration exactly once: the first takes the lock and migrates, the others wait and then find
/// nothing left to do. PostgreSQL's DDL is transactional, so a failed migration leaves nothing half-made.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The advisory lock key: "FlowColl" in ASCII, unlikely to meet another application's key.</summary>
    public const long AdvisoryLockKey = 0x466C6F77436F6C6C;

    /// <summary>The advisory lock replicas take while they register the schedule ("FlowSchd").</summary>
    public const long RegistrationLockKey = 0x466C6F7753636864;

    /// <summary>Every migration in order: (component, version, DDL). Append only; never edit one that shipped.</summary>
    public static IReadOnlyList<(string Component, int Version, string Sql)> Migrations { get; } =
    [
        ("state", 1, """
            CREATE TABLE IF NOT EXISTS flowcollector_target_state (
                target_key   text PRIMARY KEY,
                watermark    bigint NULL,
                last_success bigint NULL,
                last_attempt bigint NULL,
                last_error   text NULL);
            CREATE TABLE IF NOT EXISTS flowcollector_etag (
                target_key text NOT NULL,
                resource   text NOT NULL,
                etag       text NOT NULL,
                PRIMARY KEY (target_key, resource));
            CREATE TABLE IF NOT EXISTS flowcollector_pending_change (
                target_key text NOT NULL,
                change_id  text NOT NULL,
                payload    text NOT NULL,
                PRIMARY KEY (target_key, change_id));
            CREATE TABLE IF NOT EXISTS flowcollector_api_budget (
                credential  text PRIMARY KEY,
                source      text NOT NULL,
                remaining   integer NOT NULL,
                observed_at bigint NOT NULL,
                observed_by text NOT NULL);
            """),
        ("quartz", QuartzPostgreSqlTables.Version, QuartzPostgreSqlTables.Ddl),
    ];

    /// <summary>Applies the migrations this database has not seen; returns how many it applied (0 when another replica was first).</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, AdvisoryLockKey);
        await ExecuteAsync(
            connection,
            "CREATE TABLE IF NOT EXISTS flowcollector_schema_version (component text PRIMARY KEY, version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);

        var applied = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT component, version FROM flowcollector_schema_version", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var count = 0;
        foreach (var (component, version, sql) in Migrations)
        {
            if (applied.TryGetValue(component, out var current) && current >= version)
            {
                continue;
            }

            await ExecuteAsync(connection, sql, cancellationToken);
            await ExecuteAsync(
                connection,
                "INSERT INTO flowcollector_schema_version (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = now()",
                cancellationToken,
                component,
                version);
            count++;
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    /// <summary>
    /// For <c>validate</c>: whether this role can run FlowCollector on the database, without writing anything. Null when
    /// it can; otherwise the problem (tables to create or migrate without the right to, tables it may not write).
    /// </summary>
    public static async Task<string?> CheckAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        bool mayCreate, hasVersions;
        await using (var command = new NpgsqlCommand(
            "SELECT has_schema_privilege(current_schema(), 'CREATE'), to_regclass('flowcollector_schema_version') IS NOT NULL", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            mayCreate = reader.GetBoolean(0);
            hasVersions = reader.GetBoolean(1);
        }

        var unwritable = new List<string>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND (c.relname LIKE 'flowcollector\_%' OR c.relname LIKE 'qrtz\_%')
              AND NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')
                       AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE'))
            ORDER BY c.relname
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                unwritable.Add(reader.GetString(0));
            }
        }

        if (unwritable.Count > 0)
        {
            return $"the role may not read and write {string.Join(", ", unwritable)}";
        }

        var applied = new Dictionary<string, int>(StringComparer.Ordinal);
        if (hasVersions)
        {
            await using var command = new NpgsqlCommand("SELECT component, version FROM flowcollector_schema_version", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var pending = Migrations.Where(m => !applied.TryGetValue(m.Component, out var v) || v < m.Version).Select(m => $"{m.Component} v{m.Version}").ToList();
        return pending.Count > 0 && !mayCreate ? $"the schema needs {string.Join(", ", pending)} but the role may not create tables in it" : null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
