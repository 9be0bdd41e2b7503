using System.Text.Json;
using FlowCollector.Domain.Points;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Stores a target's <see cref="PointTimeLedger"/> between runs (the state store's <c>point-times</c> resource) as a JSON
/// array of changes, each with its point keys and the Unix-nanosecond timestamps they were first written with.
/// </summary>
internal static class PointTimeLedgerCodec
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Encode(IReadOnlyList<WrittenChangeTimes> changes) =>
        JsonSerializer.Serialize(changes.Select(c => new Stored(c.ChangeId, c.LastWritten, new Dictionary<string, long>(c.Times, StringComparer.Ordinal))).ToList(), Options);

    /// <summary>
    /// The stored changes, or none for a payload this version cannot read: the ledger then restarts from the next write,
    /// and only a point that moves before it is written again can be duplicated.
    /// </summary>
    public static IReadOnlyList<WrittenChangeTimes> Decode(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return [];
        }

        try
        {
            return [.. (JsonSerializer.Deserialize<List<Stored>>(payload, Options) ?? [])
                .Where(s => s.Id is not null && s.Times is not null)
                .Select(s => new WrittenChangeTimes(s.Id!, s.At, s.Times!))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private sealed record Stored(string? Id, DateTimeOffset At, Dictionary<string, long>? Times);
}
