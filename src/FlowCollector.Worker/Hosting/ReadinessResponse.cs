using System.Text.Json;
using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowCollector.Worker.Hosting;

/// <summary>
/// The body of <c>/readyz</c>: the overall status and each check (as before), then every target's state — <c>waiting</c>
/// (not read since start-up), <c>reading</c> (with how far it got), <c>collected</c>, <c>not completed</c> — and the
/// targets still in their first backfill. JSON, so a platform team's tooling can read it; the status code is the
/// health-check middleware's (200 healthy, 503 unhealthy).
/// </summary>
internal static class ReadinessResponse
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var progress = context.RequestServices.GetRequiredService<CollectionProgress>().Targets().ToDictionary(p => p.Target, StringComparer.Ordinal);
        var keys = context.RequestServices.GetRequiredService<CollectionTargets>().All.Select(t => t.Key).Union(progress.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("backfilling");
        foreach (var target in progress.Values.Where(p => p.FirstBackfill))
        {
            json.WriteStringValue(target.Target);
        }

        json.WriteEndArray();
        json.WriteStartArray("targets");
        foreach (var key in keys)
        {
            json.WriteStartObject();
            json.WriteString("target", key);
            if (!progress.TryGetValue(key, out var p))
            {
                json.WriteString("state", "waiting");
                json.WriteEndObject();
                continue;
            }

            json.WriteString("state", p.State);
            json.WriteBoolean("firstBackfill", p.FirstBackfill);
            json.WriteString("since", p.Since);
            json.WriteString("until", p.Until);
            json.WriteString("started", p.Started);
            json.WriteNumber("itemsListed", p.ItemsListed);
            if (p.OldestReached is { } oldest)
            {
                json.WriteString("oldestReached", oldest);
            }

            if (p.ItemsToDetail > 0)
            {
                json.WriteNumber("itemsReadInFull", p.ItemsDetailed);
                json.WriteNumber("itemsToReadInFull", p.ItemsToDetail);
            }

            json.WriteNumber("requests", p.Requests);
            if (p.RateLimitRemaining is { } left)
            {
                json.WriteNumber("rateLimitRemaining", left);
            }

            if (p.EstimatedLeft is { } eta)
            {
                json.WriteNumber("estimatedSecondsLeft", Math.Round(eta.TotalSeconds));
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
