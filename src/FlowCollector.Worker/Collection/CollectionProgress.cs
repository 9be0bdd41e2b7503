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
            () => this.targets.Values.Count(t => t.FirstBackfill && !t.Completed),
            "{target}",
            "Targets whose first backfill (a read with no watermark yet) has started and not yet completed.");
    }

    /// <summary>How often a running read logs its progress (30 s; tests shorten it).</summary>
    internal TimeSpan ReportEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every target that has started a read since start-up, by key.</summary>
    public IReadOnlyList<TargetProgress.Snapshot> Targets()
    {
        var now = this.time.GetUtcNow();
        return this.targets.Values.Select(t => t.Take(now)).OrderBy(t => t.Target, StringComparer.Ordinal).ToList();
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
        var stillBackfilling = firstBackfill || (this.targets.TryGetValue(target.Key, out var earlier) && earlier.FirstBackfill && !earlier.Completed);
        var progress = new TargetProgress(this, target.Key, since, until, stillBackfilling, this.time.GetUtcNow());
        this.targets[target.Key] = progress;
        if (this.logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
            LogStarted(this.logger, target.Key, Iso(since), Iso(until), HumanDuration.Of((until - since).TotalSeconds), stillBackfilling ? "first backfill" : "since the watermark, less the overlap");
#pragma warning restore CA1873
        }

        progress.Start(ReadProgress.Listen(progress), this.time.CreateTimer(_ => progress.Report(), null, this.ReportEvery, this.ReportEvery));
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
            this.Target = target;
            this.Since = since;
            this.Until = until;
            this.FirstBackfill = firstBackfill;
            this.Started = started;
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
            lock (this.gate)
            {
                this.Completed = true;
            }
        }

        public void Listed(int items, DateTimeOffset? oldestReached)
        {
            lock (this.gate)
            {
                this.listed += items;
                if (oldestReached is { } oldest && (this.oldestReached is null || oldest < this.oldestReached))
                {
                    this.oldestReached = oldest;
                }
            }
        }

        public void Detailed(int done, int total)
        {
            lock (this.gate)
            {
                // Concurrent detail reads report out of order; the listing is over once they start.
                this.listingEnded ??= this.owner.time.GetUtcNow();
                (this.detailed, this.detailTotal) = (Math.Max(this.detailed, done), total);
            }
        }

        public void Requested(int? budgetLeft)
        {
            lock (this.gate)
            {
                this.requests++;
                this.budgetLeft = budgetLeft ?? this.budgetLeft;
            }
        }

        public void Dispose()
        {
            this.timer?.Dispose();
            this.listening?.Dispose();
            lock (this.gate)
            {
                this.reading = false;
            }
        }

        internal void Start(IDisposable listening, ITimer timer) => (this.listening, this.timer) = (listening, timer);

        internal void Report()
        {
            var now = this.owner.time.GetUtcNow();
            var snapshot = this.Take(now);
            if (snapshot.State == "reading" && this.owner.logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
                LogProgress(this.owner.logger, this.Target, HumanDuration.Of((now - this.Started).TotalSeconds), snapshot.Describe());
#pragma warning restore CA1873
            }
        }

        internal Snapshot Take(DateTimeOffset now)
        {
            lock (this.gate)
            {
                var state = this.reading ? "reading" : this.Completed ? "collected" : "not completed";
                return new Snapshot(this.Target, state, this.FirstBackfill && !this.Completed, this.Since, this.Until, this.Started, this.listed, this.oldestReached,
                    this.detailed, this.detailTotal, this.requests, this.budgetLeft, this.reading ? this.EstimateLeft(now) : null);
            }
        }

        /// <summary>
        /// Time left, when it can be worked out: from the per-item reads' pace once their total is known, else from how
        /// much of the window the newest-first listing has covered. Null when there is nothing to go on.
        /// </summary>
        private TimeSpan? EstimateLeft(DateTimeOffset now)
        {
            if (this.detailTotal > 0 && this.detailed > 0 && this.listingEnded is { } from)
            {
                return (now - from) * ((this.detailTotal - this.detailed) / (double)this.detailed);
            }

            var window = (this.Until - this.Since).TotalSeconds;
            if (this.oldestReached is { } oldest && window > 0)
            {
                var covered = Math.Clamp((this.Until - oldest).TotalSeconds / window, 0, 1);
                // Nothing to go on before 1 %; and once the listing covered the whole window what remains is not proportional to dates.
                return covered is >= 0.01 and < 1 ? (now - this.Started) * ((1 - covered) / covered) : null;
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
                var parts = new List<string> { $"{this.ItemsListed} items listed" + (this.OldestReached is { } oldest ? $" back to {Iso(oldest)} ({Covered(oldest)} of the window)" : "") };
                if (this.ItemsToDetail > 0)
                {
                    parts.Add($"{this.ItemsDetailed} of {this.ItemsToDetail} read in full");
                }

                parts.Add($"{this.Requests} requests");
                if (this.RateLimitRemaining is { } left)
                {
                    parts.Add($"rate limit left {left}");
                }

                parts.Add(this.EstimatedLeft is { } eta ? $"about {HumanDuration.Of(eta.TotalSeconds)} left" : "time left unknown");
                return string.Join(", ", parts);
            }

            private string Covered(DateTimeOffset oldest) =>
                (this.Until - this.Since).TotalSeconds is > 0 and var window
                    ? Math.Round(Math.Clamp((this.Until - oldest).TotalSeconds / window, 0, 1) * 100).ToString(CultureInfo.InvariantCulture) + "%"
                    : "all";
        }
    }
}
