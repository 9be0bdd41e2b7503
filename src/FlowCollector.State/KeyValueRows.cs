using System.Data.Common;

namespace FlowCollector.State;

/// <summary>Reads a two-column query (key, value) into a dictionary: the pending changes of a target, one resource of every target.</summary>
internal static class KeyValueRows
{
    public static async Task<Dictionary<string, string>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }
}
