using System.Data.Common;
using System.Net.Sockets;
using FlowCollector.Domain.Ports;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlowCollector.State;

/// <summary>
/// Recognises a state store that failed in the middle of a run (PostgreSQL down or restarted, a connection closed, the
/// SQLite file unwritable) and says so in one line naming the key to check — an operational failure like a source's or a
/// sink's, not a FlowCollector bug with a stack trace.
/// </summary>
internal static class StateStoreFailure
{
    /// <summary>The one-line message for a state-store failure; null when <paramref name="exception"/> is something else.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        PostgresException postgres => Postgres($"{ErrorText.OneLine(postgres.MessageText)} [SQLSTATE {postgres.SqlState}]"),
        NpgsqlException npgsql => Postgres(npgsql.InnerException is { } inner ? $"{ErrorText.OneLine(npgsql.Message)} {ErrorText.OneLine(inner.Message)}" : ErrorText.OneLine(npgsql.Message)),
        SqliteException sqlite => $"The state store (SQLite) failed: {ErrorText.OneLine(sqlite.Message)}. Check {StateOptions.SectionName}:SqlitePath (the file and its folder must be writable, the disk not full); the watermark was not advanced and the next run tries again.",
        DbException db => $"The state store failed: {ErrorText.OneLine(db.Message)}; the watermark was not advanced and the next run tries again.",
        SocketException or TimeoutException when exception.StackTrace?.Contains("Npgsql", StringComparison.Ordinal) == true => Postgres(ErrorText.OneLine(exception.Message)),
        _ => null,
    };

    private static string Postgres(string problem) =>
        $"The state store (PostgreSQL) failed: {problem}. Check State:PostgreSql:ConnectionString and that the database is up and reachable; the watermark was not advanced and the next run tries again.";

}
