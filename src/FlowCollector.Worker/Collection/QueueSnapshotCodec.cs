using System.Text.Json;
using FlowCollector.Domain.Points;

namespace FlowCollector.Worker.Collection;

/// <summary>Stores a target's latest <see cref="QueueSnapshot"/> (the state store's <c>queues</c> resource) as JSON.</summary>
internal static class QueueSnapshotCodec
{
    /// <summary>The state store's resource holding each target's latest waiting-now counts, read across targets by the queue rollup.</summary>
    public const string Resource = "queues";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Encode(QueueSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);

    /// <summary>The stored snapshot, or null for a payload this version cannot read (the target's next run replaces it).</summary>
    public static QueueSnapshot? Decode(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<QueueSnapshot>(payload, Options) is { Source: not null, Org: not null, Queues: not null } snapshot
                && snapshot.Queues.All(q => q?.Stage is not null)
                ? snapshot
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
