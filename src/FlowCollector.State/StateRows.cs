using System.Data.Common;
using FlowCollector.Domain.Ports;

namespace FlowCollector.State;

/// <summary>
/// What the SQLite and PostgreSQL stores read and write alike (plain ADO.NET): times as Unix milliseconds, a target's
/// state row, and two-column key/value rows.
/// </summary>
internal static class StateRows
{
    /// <summary>A time as stored: Unix milliseconds, or NULL.</summary>
    public static object ToDb(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeMilliseconds() : DBNull.Value;

    /// <summary>The target's state from <c>SELECT watermark, last_success, last_attempt, last_error …</c>, or null without a row.</summary>
    public static async Task<TargetState?> ReadTargetAsync(DbCommand command, string targetKey, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new TargetState(targetKey, ReadTime(reader, 0), ReadTime(reader, 1), ReadTime(reader, 2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>A two-column query (key, value) as a dictionary: the pending changes of a target, one resource of every target.</summary>
    public static async Task<Dictionary<string, string>> ReadPairsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }

    private static DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
