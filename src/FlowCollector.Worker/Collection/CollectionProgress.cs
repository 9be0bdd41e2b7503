using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using FlowCollector.Domain.Ports;
using FlowCollector.Worker.Telemetry;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// What long reads are doing, so a first backfill is not minutes of silence: a line when a target's read starts (the
/// window it reads), then an Information line at most every <see cref="ReportEvery"/> while it lasts (items listed,
/// oldest date reached, items read in full, requests, rate limit left, estimated time left when it can be worked out);
/// the state of every target for <c>/readyz</c>; and the gauge <c>flowcollector.targets.backfilling</c>. Sources report
/// through <see cref="ReadProgress"/>; a read is listened to only between <see cref="Begin"/> and the scope's disposal.
/// </summary>
public sealed partial class CollectionProgress
{
    private readonly ConcurrentDictionary<string, TargetProgress> targets = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly ILogger<CollectionProgress> logger;

    public CollectionProgress(TimeProvider time, IMeterFactory meters, ILogger<CollectionProgress> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.time = time;
        this.logger = logger;
        meters.Create(FlowCollectorTelemetry.Name).CreateObservableGauge(
            "flowcollector.targets.backfilling",
            () => targets.Values.Count(t => t.FirstBackfill && !t.Completed),
            "{target}",
            "Targets whose first backfill (a read with no watermark yet) has started and not yet completed.");
    }

    /// <summary>How often a running read logs its progress (30 s; tests shorten it).</summary>
    internal TimeSpan ReportEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every target that has started a read since start-up, by key.</summary>
    public IReadOnlyList<TargetProgress.Snapshot> Targets()
    {
        var now = time.GetUtcNow();
        return targets.Values.Select(t => t.Take(now)).OrderBy(t => t.Target, StringComparer.Ordinal).ToList();
    }

    /// <summary>Starts listening to the read of a target over [since, until) on this async flow.</summary>
    /// <param name="target">The target about to be read.</param>
    /// <param name="since">The window's start.</param>
    /// <param name="until">The window's end (now).</param>
    /// <param name="firstBackfill">True when the target has no watermark yet: the whole backfill window is read.</param>
    public TargetProgress Begin(CollectionTarget target, DateTimeOffset since, DateTimeOffset until, bool firstBackfill)
    {
        ArgumentNullException.ThrowIfNull(target);
        // A target whose first backfill failed is still in it when the next run starts.
        var stillBackfilling = firstBackfill || (targets.TryGetValue(target.Key, out var earlier) && earlier.FirstBackfill && !earlier.Completed);
        var progress = new TargetProgress(this, target.Key, since, until, stillBackfilling, time.GetUtcNow());
        targets[target.Key] = progress;
        if (logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
            LogStarted(logger, target.Key, Iso(since), Iso(until), HumanDuration.Of((until - since).TotalSeconds), stillBackfilling ? "first backfill" : "since the watermark, less the overlap");
#pragma warning restore CA1873
        }

        progress.Start(ReadProgress.Listen(progress), time.CreateTimer(_ => progress.Report(), null, ReportEvery, ReportEvery));
        return progress;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Target} from {Since} to {Until} ({Window}, {Kind})")]
    private static partial void LogStarted(ILogger logger, string target, string since, string until, string window, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Still collecting {Target} after {Elapsed}: {Progress}")]
    private static partial void LogProgress(ILogger logger, string target, string elapsed, string progress);

    /// <summary>One target's read; disposing it stops listening (the read finished, failed or was abandoned).</summary>
    public sealed class TargetProgress : IReadProgressListener, IDisposable
    {
        private readonly CollectionProgress owner;
        private readonly Lock gate = new();
        private IDisposable? listening;
        private ITimer? timer;
        private int listed;
        private int requests;
        private int detailed;
        private int detailTotal;
        private int? budgetLeft;
        private DateTimeOffset? oldestReached;
        private DateTimeOffset? listingEnded;
        private bool reading = true;

        internal TargetProgress(CollectionProgress owner, string target, DateTimeOffset since, DateTimeOffset until, bool firstBackfill, DateTimeOffset started)
        {
            this.owner = owner;
            Target = target;
            Since = since;
            Until = until;
            FirstBackfill = firstBackfill;
            Started = started;
        }

        public string Target { get; }

        public DateTimeOffset Since { get; }

        public DateTimeOffset Until { get; }

        public DateTimeOffset Started { get; }

        public bool FirstBackfill { get; }

        /// <summary>True once the read's points and watermark were saved.</summary>
        public bool Completed { get; private set; }

        /// <summary>The read's points and watermark were saved: a first backfill is over.</summary>
        public void Succeeded()
        {
            lock (gate)
            {
                Completed = true;
            }
        }

        public void Listed(int items, DateTimeOffset? oldestReached)
        {
            lock (gate)
            {
                listed += items;
                if (oldestReached is { } oldest && (this.oldestReached is null || oldest < this.oldestReached))
                {
                    this.oldestReached = oldest;
                }
            }
        }

        public void Detailed(int done, int total)
        {
            lock (gate)
            {
                // Concurrent detail reads report out of order; the listing is over once they start.
                listingEnded ??= owner.time.GetUtcNow();
                (detailed, detailTotal) = (Math.Max(detailed, done), total);
            }
        }

        public void Requested(int? budgetLeft)
        {
            lock (gate)
            {
                requests++;
                this.budgetLeft = budgetLeft ?? this.budgetLeft;
            }
        }

        public void Dispose()
        {
            timer?.Dispose();
            listening?.Dispose();
            lock (gate)
            {
                reading = false;
            }
        }

        internal void Start(IDisposable listening, ITimer timer) => (this.listening, this.timer) = (listening, timer);

        internal void Report()
        {
            var now = owner.time.GetUtcNow();
            var snapshot = Take(now);
            if (snapshot.State == "reading" && owner.logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
                LogProgress(owner.logger, Target, HumanDuration.Of((now - Started).TotalSeconds), snapshot.Describe());
#pragma warning restore CA1873
            }
        }

        internal Snapshot Take(DateTimeOffset now)
        {
            lock (gate)
            {
                var state = reading ? "reading" : Completed ? "collected" : "not completed";
                return new Snapshot(Target, state, FirstBackfill && !Completed, Since, Until, Started, listed, oldestReached,
                    detailed, detailTotal, requests, budgetLeft, reading ? EstimateLeft(now) : null);
            }
        }

        /// <summary>
        /// Time left, when it can be worked out: from the per-item reads' pace once their total is known, else from how
        /// much of the window the newest-first listing has covered. Null when there is nothing to go on.
        /// </summary>
        private TimeSpan? EstimateLeft(DateTimeOffset now)
        {
            if (detailTotal > 0 && detailed > 0 && listingEnded is { } from)
            {
                return (now - from) * ((detailTotal - detailed) / (double)detailed);
            }

            var window = (Until - Since).TotalSeconds;
            if (oldestReached is { } oldest && window > 0)
            {
                var covered = Math.Clamp((Until - oldest).TotalSeconds / window, 0, 1);
                // Nothing to go on before 1 %; and once the listing covered the whole window what remains is not proportional to dates.
                return covered is >= 0.01 and < 1 ? (now - Started) * ((1 - covered) / covered) : null;
            }

            return null;
        }

        /// <summary>A target's progress at one moment, as <c>/readyz</c> shows it.</summary>
        public sealed record Snapshot(
            string Target, string State, bool FirstBackfill, DateTimeOffset Since, DateTimeOffset Until, DateTimeOffset Started,
            int ItemsListed, DateTimeOffset? OldestReached, int ItemsDetailed, int ItemsToDetail, int Requests, int? RateLimitRemaining, TimeSpan? EstimatedLeft)
        {
            /// <summary>The progress line's body: only what is known.</summary>
            public string Describe()
            {
                var parts = new List<string> { $"{ItemsListed} items listed" + (OldestReached is { } oldest ? $" back to {Iso(oldest)} ({Covered(oldest)} of the window)" : "") };
                if (ItemsToDetail > 0)
                {
                    parts.Add($"{ItemsDetailed} of {ItemsToDetail} read in full");
                }

                parts.Add($"{Requests} requests");
                if (RateLimitRemaining is { } left)
                {
                    parts.Add($"rate limit left {left}");
                }

                parts.Add(EstimatedLeft is { } eta ? $"about {HumanDuration.Of(eta.TotalSeconds)} left" : "time left unknown");
                return string.Join(", ", parts);
            }

            private string Covered(DateTimeOffset oldest) =>
                (Until - Since).TotalSeconds is > 0 and var window
                    ? Math.Round(Math.Clamp((Until - oldest).TotalSeconds / window, 0, 1) * 100).ToString(CultureInfo.InvariantCulture) + "%"
                    : "all";
        }
    }
}
