using System.Text.Json;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Stores what was learnt about a repository's environment path (<see cref="EnvironmentPathState"/>) as JSON under the
/// state store's per-target key/value resource <see cref="TargetCollector.EnvironmentPathResource"/>, so the file and the
/// PostgreSQL stores (and every replica of a cluster) keep it alike. Bounded: about 36 kB for 200 commits over three environments.
/// </summary>
internal static class EnvironmentPathStateCodec
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Encode(EnvironmentPathState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>The stored state, or null for none or one this version cannot read (learning then starts again).</summary>
    public static EnvironmentPathState? Decode(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<EnvironmentPathState>(payload, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
