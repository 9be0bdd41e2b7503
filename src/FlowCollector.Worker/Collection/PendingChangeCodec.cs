using System.Text.Json;
using System.Text.Json.Serialization;
using FlowCollector.Domain.Events;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Stores a merged-but-not-yet-delivered change between runs as the events that reproduce its facts
/// (a JSON array of <see cref="FlowEvent"/>). Enums are written by name so a reordered enum never
/// changes the meaning of a stored payload.
/// </summary>
internal static class PendingChangeCodec
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Encode(IReadOnlyList<FlowEvent> events) => JsonSerializer.Serialize(events, Options);

    /// <summary>The stored events, or an empty list for a payload this version cannot read (it is then re-collected from the source).</summary>
    public static IReadOnlyList<FlowEvent> Decode(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<List<FlowEvent>>(payload, Options) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
