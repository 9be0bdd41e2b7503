using System.Text.Json;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Keeps a target's <see cref="IncidentLedger"/> (production deployments and incidents of the last
/// <see cref="IncidentFailures.Kept"/>) in the state store's <c>incident-ledger</c> resource; the domain's
/// <see cref="FlowCollector.Domain.Reads.IncidentFailureRead"/> turns it into the run's points.
/// </summary>
internal static class IncidentFailureLedger
{
    /// <summary>The state store's ETag resource holding the ledger (JSON).</summary>
    public const string Resource = "incident-ledger";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Saved only once the run's points are written, like the watermark.</summary>
    public static Task SaveAsync(IStateStore store, string targetKey, IncidentLedger ledger, DateTimeOffset now) =>
        store.SaveETagAsync(targetKey, Resource, JsonSerializer.Serialize(IncidentFailures.Prune(ledger, now), Options), CancellationToken.None);

    /// <summary>The stored ledger, or an empty one for a payload this version cannot read (it refills from the next reads).</summary>
    public static IncidentLedger Decode(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return IncidentLedger.Empty;
        }

        try
        {
            var stored = JsonSerializer.Deserialize<IncidentLedger>(payload, Options);
            return stored is { Deployments: not null, Incidents: not null } ? stored : IncidentLedger.Empty;
        }
        catch (JsonException)
        {
            return IncidentLedger.Empty;
        }
    }
}
