using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FlowCollector.Sources.GitHub.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub.RateLimiting;

/// <summary>
/// The rate-limit waits one credential's requests start (from the limiter's own metrics, filtered by the credential's
/// fingerprint so tests running in parallel do not see each other's), and a driver that moves a fake clock past each
/// wait as soon as it starts: waits of hours take milliseconds, and every wait is recorded exactly as decided.
/// </summary>
internal sealed class RateLimitWaits : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Reason, double Seconds)> pending = new();
    private readonly ConcurrentQueue<(string Reason, double Seconds)> all = new();
    private readonly ConcurrentQueue<(string Name, string Tags)> tags = new();
    private readonly ConcurrentDictionary<string, long> gauge = new(StringComparer.Ordinal);

    public RateLimitWaits(string token)
    {
        Credential = GitHubRateBudgets.Fingerprint("token " + token);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GitHubRateBudgets.MeterName && instrument.Name.StartsWith("flowcollector.ratelimit.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, measurementTags, _) => OnMeasurement(instrument, value, measurementTags));
        listener.SetMeasurementEventCallback<long>((instrument, value, measurementTags, _) => OnMeasurement(instrument, value, measurementTags));
        listener.Start();
    }

    /// <summary>The fingerprint the limiter reports this token's budget under.</summary>
    public string Credential { get; }

    /// <summary>Every wait started so far: reason (primary, secondary, pacing) and seconds.</summary>
    public IReadOnlyList<(string Reason, double Seconds)> All => [.. all];

    /// <summary>Every measurement's instrument and tags as text, for "the token never appears" checks.</summary>
    public IReadOnlyList<(string Name, string Tags)> Tags => [.. tags];

    /// <summary>Awaits <paramref name="work"/>, advancing <paramref name="time"/> by each wait as it starts.</summary>
    public async Task<T> DriveAsync<T>(FakeTimeProvider time, Task<T> work)
    {
        while (!work.IsCompleted)
        {
            if (pending.TryDequeue(out var wait))
            {
                time.Advance(TimeSpan.FromSeconds(wait.Seconds));
            }
            else
            {
                await Task.WhenAny(work, Task.Delay(2, TestContext.Current.CancellationToken));
            }
        }

        return await work;
    }

    /// <summary>Reads the remaining-budget gauge now: resource → remaining, for this credential.</summary>
    public IReadOnlyDictionary<string, long> Remaining()
    {
        gauge.Clear();
        listener.RecordObservableInstruments();
        return gauge.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    public void Dispose() => listener.Dispose();

    private void OnMeasurement<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> measurementTags)
    {
        var text = string.Join(",", measurementTags.ToArray().Select(t => $"{t.Key}={t.Value}"));
        var credential = measurementTags.ToArray().FirstOrDefault(t => t.Key == "credential").Value as string;
        if (credential != Credential)
        {
            return;
        }

        tags.Enqueue((instrument.Name, text));
        if (instrument.Name == GitHubRateBudgets.RemainingInstrument && value is long remaining)
        {
            gauge[(string)measurementTags.ToArray().First(t => t.Key == "resource").Value!] = remaining;
        }
        if (instrument.Name == GitHubRateBudgets.WaitedInstrument && value is double seconds)
        {
            var reason = (string)measurementTags.ToArray().First(t => t.Key == "reason").Value!;
            pending.Enqueue((reason, seconds));
            all.Enqueue((reason, seconds));
        }
    }
}
