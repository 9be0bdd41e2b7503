using System.Text.Json;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Stores a target's <see cref="ArrivedWaitsLedger"/> between runs (the state store's <c>arrived-waits</c> resource) as a
/// JSON array of arrived changes with their waits in seconds.
/// </summary>
internal static class ArrivedWaitsCodec
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Encode(IReadOnlyList<ArrivedChangeWaits> changes) =>
        JsonSerializer.Serialize(changes.Select(c => new Stored(c.ChangeId, c.Url, c.Arrived, new Dictionary<string, double>(c.Waits, StringComparer.Ordinal))).ToList(), Options);

    /// <summary>The stored changes, or none for a payload this version cannot read (the ledger then refills from the next arrivals).</summary>
    public static IReadOnlyList<ArrivedChangeWaits> Decode(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return [];
        }

        try
        {
            return [.. (JsonSerializer.Deserialize<List<Stored>>(payload, Options) ?? [])
                .Where(s => s.Id is not null && s.Waits is not null)
                .Select(s => new ArrivedChangeWaits(s.Id!, s.Url, s.Arrived, s.Waits!))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private sealed record Stored(string? Id, string? Url, DateTimeOffset Arrived, Dictionary<string, double>? Waits);
}
