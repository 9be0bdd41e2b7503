using System.Diagnostics;
using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Reads;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;
using FlowCollector.State;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.Telemetry;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// The use case for one target: read what changed since the watermark, run the value-stream engine,
/// write the points, and only then advance the watermark. Any failure leaves the watermark where it was,
/// so the next run re-reads the same window; idempotent points make that re-read harmless.
/// A source that is an <see cref="IChangeProbe"/> is probed first; when nothing changed and no full read is due
/// (<c>Collection:ReconcileInterval</c>), the run writes only the waiting-now snapshot and its collector_sync point.
/// </summary>
public sealed partial class TargetCollector(
    IStateStore store,
    IOptions<CollectionOptions> collection,
    IPointSink sink,
    ValueStreamCatalog streams,
    TeamDirectory teams,
    TargetHealthRegistry health,
    FlowCollectorTelemetry telemetry,
    TimeProvider time,
    ILogger<TargetCollector> logger,
    CollectionProgress? progress = null)
{
    /// <summary>The state store's ETag resource holding a target's change-probe validators (opaque, from <see cref="IChangeProbe"/>).</summary>
    public const string ProbeValidatorsResource = "probe";

    /// <summary>The state store's ETag resource holding when a target was last read in full (ISO 8601), for <c>Collection:ReconcileInterval</c>.</summary>
    public const string LastFullReadResource = "full-read";

    /// <summary>The state store's ETag resource holding what was learnt about a target's environment path (JSON, <see cref="EnvironmentPathState"/>).</summary>
    public const string EnvironmentPathResource = "environment-path";

    /// <summary>The state store's ETag resource holding the target's recently arrived changes and their waits (JSON, for the constraint).</summary>
    public const string ArrivedWaitsResource = "arrived-waits";

    /// <summary>State-store resource holding the timestamps the target's change points were first written with (<see cref="PointTimeLedger"/>).</summary>
    public const string PointTimesResource = "point-times";

    /// <summary>How long a failed run's own collector_sync point may take to write (best effort, see <c>FailAsync</c>).</summary>
    internal static readonly TimeSpan FailureReportTimeout = TimeSpan.FromSeconds(10);

    public async Task<CollectionOutcome> CollectAsync(CollectionTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var activity = FlowCollectorTelemetry.ActivitySource.StartActivity("collect " + target.Key);
        activity?.SetTag("flowcollector.target", target.Key);
        activity?.SetTag("vcs.repository.name", target.Repository.FullName);
        var run = new RunSoFar(time.GetTimestamp());
        try
        {
            // Inside the error handling: a state store that fails here (a database restart) fails the run like any other fault.
            run.State = await store.GetTargetAsync(target.Key, cancellationToken);
            run.StateRead = true;
            var now = time.GetUtcNow();
            var since = run.State?.Watermark is { } watermark ? watermark - target.Schedule.Overlap : now - target.Schedule.Backfill;
            var probe = await ProbeAsync(target, run.State, now, cancellationToken);
            if (probe is { Unchanged: true, Due: false })
            {
                return await WriteUnchangedAsync(target, run, probe.Result, now, since, cancellationToken);
            }

            using var reading = progress?.Begin(target, since, now, firstBackfill: run.State?.Watermark is null);
            run.Read = await ReadAsync(target, since, probe, cancellationToken);

            // The path is learnt from this read's deployments before the read is evaluated, so even the first backfill
            // measures the repository along its own path.
            var stream = await ChooseStreamAsync(target, run.Read.Events, cancellationToken);
            var result = (await ReadOfAsync(target, stream, run.State, run.Read, now, since, full: true, cancellationToken)).Evaluate();
            var finished = await WriteAsync(target, result, cancellationToken);
            await KeepAsync(target, result, probe, stream, now, finished);
            reading?.Succeeded();
            Succeeded(target, result.Watermark, finished, run.Started);
            LogCollected(logger, target.Key, run.Read.Events.Count, result.Timelines.Count, result.Points.Count, run.Read.Usage.Requests);
            return new CollectionOutcome(target.Key, CollectionResult.Success, null, run.Read.Events.Count, result.Points.Count, run.Read.Usage.Requests, result.Timelines)
            {
                Stream = stream.Resolved,
                Deployments = result.Deployments,
                Incidents = result.Incidents,
                Window = (since, now),
                ArrivedWaits = result.ArrivedWaits!,
                Waiting = result.Waiting,
            };
        }
#pragma warning disable CA1031 // One target's defect must never stop the others: every failure is classified and reported (EndAsync).
        catch (Exception e)
#pragma warning restore CA1031
        {
            return await EndAsync(target, run, e, cancellationToken);
        }
    }

    /// <summary>
    /// What a full read keeps, only once its points are written and in this order: the changes still pending, the
    /// watermark, the probe's validators, the learnt path, the ledgers and the waiting-now counts. A failure before leaves them all as
    /// they were, so the next run reads the same window again.
    /// </summary>
    private async Task KeepAsync(CollectionTarget target, ReadEvaluation result, ProbeOutcome? probe, StreamChoice stream, DateTimeOffset now, DateTimeOffset finished)
    {
        await store.ReplacePendingChangesAsync(target.Key, result.Pending!.ToDictionary(p => p.Key, p => PendingChangeCodec.Encode(p.Value), StringComparer.Ordinal), CancellationToken.None);
        await store.SaveTargetAsync(new TargetState(target.Key, result.Watermark, finished, finished, null), CancellationToken.None);
        if (probe is not null)
        {
            // Only now, with the points written and the watermark saved: a failed run keeps the old validators, so
            // the next probe still sees this run's changes as new. A crash between the two saves costs one more read.
            await store.SaveETagAsync(target.Key, ProbeValidatorsResource, probe.Result.Validators, CancellationToken.None);
            await store.SaveETagAsync(target.Key, LastFullReadResource, now.ToString("O", CultureInfo.InvariantCulture), CancellationToken.None);
        }

        // Like the watermark: kept only once the points measured along it are written.
        await SaveLearntPathAsync(target, stream);
        await store.SaveETagAsync(target.Key, ArrivedWaitsResource, ArrivedWaitsCodec.Encode(result.ArrivedWaits!), CancellationToken.None);
        if (result.IncidentLedger is { } incidents)
        {
            await IncidentFailureLedger.SaveAsync(store, target.Key, incidents, now);
        }

        if (result.PointTimes is { LedgerChanged: true } pointTimes)
        {
            await store.SaveETagAsync(target.Key, PointTimesResource, PointTimeLedgerCodec.Encode(pointTimes.Ledger), CancellationToken.None);
        }

        await KeepQueuesAsync(target, result);
    }

    /// <summary>The counts the queue rollup sums (<see cref="QueueRollupWriter"/>), kept like the snapshot points: once written.</summary>
    private async Task KeepQueuesAsync(CollectionTarget target, ReadEvaluation result)
    {
        if (collection.Value.QueueRollupInterval > TimeSpan.Zero && result.Queues is { } queues)
        {
            await store.SaveETagAsync(target.Key, QueueSnapshotCodec.Resource, QueueSnapshotCodec.Encode(queues), CancellationToken.None);
        }
    }

    /// <summary>Reads the window from the source (the probe's requests count towards this run's cost) and records its telemetry.</summary>
    private async Task<SourceReadResult> ReadAsync(CollectionTarget target, DateTimeOffset since, ProbeOutcome? probe, CancellationToken cancellationToken)
    {
        var read = await target.Source.ReadAsync(target.Repository, since, cancellationToken);
        if (probe is not null)
        {
            // The read's budget figure is the later one.
            read = read with { Usage = new SourceUsage(read.Usage.Requests + probe.Result.Usage.Requests, read.Usage.RateLimitRemaining ?? probe.Result.Usage.RateLimitRemaining) };
        }

        telemetry.EventsRead.Add(read.Events.Count, FlowCollectorTelemetry.ProviderTag(target.Source.Source));
        if (read.Usage.RateLimitRemaining is { } remaining)
        {
            telemetry.RecordRateLimit(target.Key, target.Source.Source, remaining);
        }

        return read;
    }

    /// <summary>
    /// The read as the engine takes it. Changes merged in earlier runs but not yet through the environment path, and open
    /// changes, come back from the state store: a deployment read today completes a change merged last week, and a pull
    /// request nobody touched for days still shows in the waiting-now snapshot. A <paramref name="full"/> read also brings the
    /// constraint's ledger (56 days of arrivals; a run reads an hour); an unchanged one leaves it alone.
    /// </summary>
    private async Task<RepositoryRead> ReadOfAsync(CollectionTarget target, StreamChoice stream, TargetState? state, SourceReadResult read, DateTimeOffset now, DateTimeOffset since, bool full, CancellationToken cancellationToken)
    {
        var pending = await store.GetPendingChangesAsync(target.Key, cancellationToken);
        return new RepositoryRead(target.Repository, stream.Resolved.Definition, read, now)
        {
            Pending = [.. pending.Values.Select(PendingChangeCodec.Decode)],
            PreviousWatermark = state?.Watermark,
            Since = since,
            Overlap = target.Schedule.Overlap,
            PendingMaxAge = collection.Value.PendingMaxAge,
            ArrivedBefore = full ? ArrivedWaitsCodec.Decode(await store.GetETagAsync(target.Key, ArrivedWaitsResource, cancellationToken)) : [],
            PointTimesBefore = full ? PointTimeLedgerCodec.Decode(await store.GetETagAsync(target.Key, PointTimesResource, cancellationToken)) : [],
            IncidentsBefore = full ? IncidentFailureLedger.Decode(await store.GetETagAsync(target.Key, IncidentFailureLedger.Resource, cancellationToken)) : IncidentLedger.Empty,
            Team = teams.TeamOf(target.Repository),
            IntervalSeconds = ScheduleInterval.Seconds(target.Schedule, now),
        };
    }

    /// <summary>Writes the points of an evaluated read (unless shutdown was requested: then nothing) and returns when it was done.</summary>
    private async Task<DateTimeOffset> WriteAsync(CollectionTarget target, ReadEvaluation result, CancellationToken cancellationToken)
    {
        var sourceTag = FlowCollectorTelemetry.ProviderTag(target.Source.Source);
        if (result.SpansClamped is > 0 and var clamped)
        {
            telemetry.SpansClamped.Add(clamped, sourceTag);
        }

        // Shutdown may have been requested while reading: abandon rather than write half a picture.
        cancellationToken.ThrowIfCancellationRequested();
        await sink.WriteAsync(result.Points, cancellationToken);
        telemetry.PointsWritten.Add(result.Points.Count, sourceTag);
        return time.GetUtcNow();
    }

    private void Succeeded(CollectionTarget target, DateTimeOffset watermark, DateTimeOffset finished, long started)
    {
        telemetry.RecordWatermark(target.Key, watermark);
        health.Succeeded(target.Key, finished);
        Record(target, CollectionResult.Success, started);
    }

    /// <summary>How a run that threw ends: abandoned by shutdown (watermark kept), or failed and reported.</summary>
    private async Task<CollectionOutcome> EndAsync(CollectionTarget target, RunSoFar run, Exception e, CancellationToken cancellationToken)
    {
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(logger, target.Key);
            Record(target, CollectionResult.Cancelled, run.Started);
            return new CollectionOutcome(target.Key, CollectionResult.Cancelled, "cancelled by shutdown; watermark not advanced", run.Read?.Events.Count ?? 0, 0, run.Read?.Usage.Requests ?? 0, []);
        }

        var error = e is SourceException or SinkException ? e.Message : StateStoreFailure.Describe(e);
        if (error is null)
        {
            LogUnexpected(logger, e, target.Key);
            error = $"unexpected {e.GetType().Name}: {e.Message}";
        }

        return await FailAsync(target, run, error);
    }

    /// <summary>
    /// Asks a source that can probe whether anything changed since the validators kept from the last full read. Always
    /// probes (also when a full read is due) so that the validators stored after a full read describe what it saw.
    /// Null when the source cannot probe or <c>Collection:ReconcileInterval</c> is 0.
    /// </summary>
    private async Task<ProbeOutcome?> ProbeAsync(CollectionTarget target, TargetState? state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reconcile = collection.Value.ReconcileInterval;
        if (target.Source is not IChangeProbe prober || reconcile <= TimeSpan.Zero)
        {
            return null;
        }

        var lastFullRead = await store.GetETagAsync(target.Key, LastFullReadResource, cancellationToken) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : (DateTimeOffset?)null;
        var due = state?.Watermark is null || lastFullRead is null || now - lastFullRead.Value >= reconcile;
        var validators = await store.GetETagAsync(target.Key, ProbeValidatorsResource, cancellationToken);
        var result = await prober.ProbeAsync(target.Repository, validators, cancellationToken);
        var outcome = result.Unchanged ? (due ? "reconcile" : "unchanged") : "changed";
        telemetry.Probes.Add(1, FlowCollectorTelemetry.ProviderTag(target.Source.Source), new KeyValuePair<string, object?>(FlowCollectorTelemetry.Attributes.ProbeResult, outcome));
        return new ProbeOutcome(result, due);
    }

    /// <summary>
    /// A run whose probe saw no change: nothing is read, but the waiting-now snapshot (its ages grow every poll) and the
    /// collector_sync point are written from the pending changes in the store, and the watermark stays.
    /// </summary>
    private async Task<CollectionOutcome> WriteUnchangedAsync(CollectionTarget target, RunSoFar run, ChangeProbeResult probe, DateTimeOffset now, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (probe.Usage.RateLimitRemaining is { } remaining)
        {
            telemetry.RecordRateLimit(target.Key, target.Source.Source, remaining);
        }

        // Nothing new to learn from: the path stored by the last full read.
        var stream = await ChooseStreamAsync(target, [], cancellationToken);
        var unchanged = new SourceReadResult([], null, probe.Usage);
        var result = (await ReadOfAsync(target, stream, run.State, unchanged, now, since, full: false, cancellationToken)).EvaluateUnchanged();
        var finished = await WriteAsync(target, result, cancellationToken);
        await store.SaveTargetAsync(new TargetState(target.Key, result.Watermark, finished, finished, null), CancellationToken.None);
        await KeepQueuesAsync(target, result);

        // Equal to the stored ones, or fresher ETags for the same bodies (after a token rotation): the next probe is free again.
        await store.SaveETagAsync(target.Key, ProbeValidatorsResource, probe.Validators, CancellationToken.None);
        Succeeded(target, result.Watermark, finished, run.Started);
        LogUnchanged(logger, target.Key, result.Points.Count, probe.Usage.Requests);
        return new CollectionOutcome(target.Key, CollectionResult.Success, null, 0, result.Points.Count, probe.Usage.Requests, []) { Stream = stream.Resolved };
    }

    /// <summary>
    /// The value stream of the target (<see cref="ValueStreamCatalog"/>): a configured one, or the path learnt from its
    /// deployments so far with <paramref name="events"/> added (not yet saved: see <see cref="SaveLearntPathAsync"/>).
    /// </summary>
    private async Task<StreamChoice> ChooseStreamAsync(CollectionTarget target, IReadOnlyList<FlowEvent> events, CancellationToken cancellationToken)
    {
        if (streams.Explicit(target.Repository) is { } configured)
        {
            return new StreamChoice(configured, null, null, null);
        }

        var stored = EnvironmentPathStateCodec.Decode(await store.GetETagAsync(target.Key, EnvironmentPathResource, cancellationToken));
        var learner = new EnvironmentPathLearner(streams.Learning, stored);
        var before = learner.Path();
        if (!learner.Observe(events))
        {
            return new StreamChoice(streams.Learnt(before), null, before, before);
        }

        var after = learner.Path();
        return new StreamChoice(streams.Learnt(after), learner, before, after);
    }

    private async Task SaveLearntPathAsync(CollectionTarget target, StreamChoice stream)
    {
        if (stream.Learner is null)
        {
            return;
        }

        await store.SaveETagAsync(target.Key, EnvironmentPathResource, EnvironmentPathStateCodec.Encode(stream.Learner.ToState()), CancellationToken.None);
        if (stream.After is { } after && !after.SameAs(stream.Before))
        {
            if (stream.Before is { } before)
            {
                LogPathChanged(logger, target.Key, after, before);
            }
            else
            {
                LogPathLearnt(logger, target.Key, after);
            }
        }
    }

    private async Task<CollectionOutcome> FailAsync(CollectionTarget target, RunSoFar run, string error)
    {
        var now = time.GetUtcNow();
        LogFailed(logger, target.Key, error);
        health.Failed(target.Key, now, error);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, error);
        Record(target, CollectionResult.Failure, run.Started);
        var state = run.StateRead ? run.State : null;
        var read = run.Read;

        // Two independent, best-effort reports: when the state store is what failed, the failure point still reaches the
        // health board, and when the sink is, the state still records the error. The point's write is bounded: against a
        // sink that just hung, retrying it for minutes would only delay the run's end (and `once`'s exit).
        try
        {
            using var bounded = new CancellationTokenSource(FailureReportTimeout, time);
            await sink.WriteAsync(TeamTags.AddIfOwned([CollectorSyncPoints.Failure(target.Repository, now, state, read, ScheduleInterval.Seconds(target.Schedule, now))], teams.TeamOf(target.Repository)), bounded.Token);
        }
#pragma warning disable CA1031 // Reporting the failure is best effort; the sink may be the thing that is down.
        catch (Exception reportError)
#pragma warning restore CA1031
        {
            LogReportFailed(logger, target.Key, "collector_sync point", reportError is OperationCanceledException ? $"no answer within {FailureReportTimeout.TotalSeconds:0} s" : reportError.Message);
        }

        if (!run.StateRead)
        {
            // The stored watermark was never read, so there is nothing safe to write back: a save here could erase it.
            return new CollectionOutcome(target.Key, CollectionResult.Failure, error, 0, 0, 0, []);
        }

        try
        {
            // The watermark and last success stay as they were: nothing after them was written.
            await store.SaveTargetAsync(new TargetState(target.Key, state?.Watermark, state?.LastSuccess, now, error), CancellationToken.None);
        }
#pragma warning disable CA1031 // Same: the state store may be the thing that is down.
        catch (Exception reportError)
#pragma warning restore CA1031
        {
            LogReportFailed(logger, target.Key, "state", StateStoreFailure.Describe(reportError) ?? reportError.Message);
        }

        return new CollectionOutcome(target.Key, CollectionResult.Failure, error, read?.Events.Count ?? 0, 0, read?.Usage.Requests ?? 0, []);
    }

    private void Record(CollectionTarget target, CollectionResult result, long started)
    {
        var tags = new TagList { FlowCollectorTelemetry.ProviderTag(target.Source.Source), { FlowCollectorTelemetry.Attributes.Outcome, result.ToString().ToLowerInvariant() } };
        telemetry.JobRuns.Add(1, tags);
        telemetry.JobDuration.Record(time.GetElapsedTime(started).TotalSeconds, tags);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collected {Target}: {Events} events, {Changes} merged changes, {Points} points written, {Requests} API requests")]
    private static partial void LogCollected(ILogger logger, string target, int events, int changes, int points, int requests);

    [LoggerMessage(Level = LogLevel.Information, Message = "Learnt environment path of {Target}: {Path}; was: {Previous}")]
    private static partial void LogPathChanged(ILogger logger, string target, LearntEnvironmentPath path, LearntEnvironmentPath previous);

    [LoggerMessage(Level = LogLevel.Information, Message = "Learnt environment path of {Target}: {Path}; was: nothing learnt yet")]
    private static partial void LogPathLearnt(ILogger logger, string target, LearntEnvironmentPath path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Collected {Target}: unchanged since the last read (probe, {Requests} API requests), {Points} points written")]
    private static partial void LogUnchanged(ILogger logger, string target, int points, int requests);

    [LoggerMessage(Level = LogLevel.Error, Message = "Collecting {Target} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string target, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Collecting {Target} failed unexpectedly (a FlowCollector bug: please report it)")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection of {Target} abandoned by shutdown; its watermark was not advanced")]
    private static partial void LogAbandoned(ILogger logger, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failure of {Target} ({Where}): {Error}")]
    private static partial void LogReportFailed(ILogger logger, string target, string where, string error);
}

/// <summary>What a run got to before it ended, for the report of a failure: the stored state (once read) and the source's read.</summary>
internal sealed class RunSoFar(long started)
{
    public long Started { get; } = started;

    public TargetState? State { get; set; }

    public bool StateRead { get; set; }

    public SourceReadResult? Read { get; set; }
}

/// <summary>What the probe before a read said, and whether a full read is due regardless (<c>Collection:ReconcileInterval</c>, no watermark yet).</summary>
internal sealed record ProbeOutcome(ChangeProbeResult Result, bool Due)
{
    public bool Unchanged => Result.Unchanged;
}

/// <summary>The stream chosen for one run, and the learner holding what it added (null when nothing new was learnt).</summary>
internal sealed record StreamChoice(StreamAssignment Resolved, EnvironmentPathLearner? Learner, LearntEnvironmentPath? Before, LearntEnvironmentPath? After);
