using System.Diagnostics;
using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Worker.Health;
using FlowCollector.Worker.State;
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
    ValueStreamSettings valueStream,
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

    /// <summary>How long a failed run's own collector_sync point may take to write (best effort, see <c>FailAsync</c>).</summary>
    internal static readonly TimeSpan FailureReportTimeout = TimeSpan.FromSeconds(10);

    public async Task<CollectionOutcome> CollectAsync(CollectionTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var activity = FlowCollectorTelemetry.ActivitySource.StartActivity("collect " + target.Key);
        activity?.SetTag("flowcollector.target", target.Key);
        activity?.SetTag("vcs.repository.name", target.Repository.FullName);
        var started = time.GetTimestamp();
        var sourceTag = FlowCollectorTelemetry.ProviderTag(target.Source.Source);
        TargetState? state = null;
        var stateRead = false;
        SourceReadResult? read = null;
        try
        {
            // Inside the error handling: a state store that fails here (a database restart) fails the run like any other fault.
            state = await store.GetTargetAsync(target.Key, cancellationToken);
            stateRead = true;
            var now = time.GetUtcNow();
            var since = state?.Watermark is { } watermark ? watermark - target.Schedule.Overlap : now - target.Schedule.Backfill;
            var probe = await this.ProbeAsync(target, state, now, cancellationToken);
            if (probe is { Unchanged: true, Due: false })
            {
                return await this.WriteUnchangedAsync(target, state!, probe.Result, now, started, cancellationToken);
            }

            using var reading = progress?.Begin(target, since, now, firstBackfill: state?.Watermark is null);
            read = await target.Source.ReadAsync(target.Repository, since, cancellationToken);
            if (probe is not null)
            {
                // The probe's requests belong to this run's cost; the read's budget figure is the later one.
                read = read with { Usage = new SourceUsage(read.Usage.Requests + probe.Result.Usage.Requests, read.Usage.RateLimitRemaining ?? probe.Result.Usage.RateLimitRemaining) };
            }

            telemetry.EventsRead.Add(read.Events.Count, sourceTag);
            if (read.Usage.RateLimitRemaining is { } remaining)
            {
                telemetry.RecordRateLimit(target.Key, target.Source.Source, remaining);
            }

            // Changes merged in earlier runs but not yet through the environment path, and open changes, come back
            // from the state store: a deployment read today completes a change merged last week, and a pull request
            // nobody touched for days still shows in the waiting-now snapshot.
            // The path is learnt from this read's deployments before the flow is built, so even the first backfill
            // measures the repository along its own path.
            var stream = await this.ChooseStreamAsync(target, read.Events, cancellationToken);
            var definition = stream.Resolved.Definition;
            var flow = await this.ReplayPendingAsync(target, definition, cancellationToken);
            flow.Apply(read.Events);
            // Only deployments this read reported are (re)written; older ones replayed from the pending set are not.
            var readDeployments = read.Events.Where(e => IsDeploymentEvent(e.Kind)).Select(e => e.SubjectId).ToHashSet(StringComparer.Ordinal);
            var deployments = flow.FinishedDeployments().Where(d => readDeployments.Contains(d.Deployment.DeploymentId)).ToList();
            var readRuns = read.Events.Where(e => e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished)
                .Select(e => (e.SubjectId, Math.Max(1, e.Attempt))).ToHashSet();
            var runs = flow.FinishedRuns().Where(r => readRuns.Contains((r.RunId, r.Attempt)));
            var incidents = flow.Incidents();
            var touched = TouchedChanges(read, deployments);
            var timelines = flow.MergedTimelines().Where(t => touched.Contains(t.Change.ChangeId) || (t.Change.MergeSha is { } sha && touched.Contains(sha))).ToList();
            var clamped = timelines.Sum(t => t.Spans.Count(s => s.Clamped));
            if (clamped > 0)
            {
                telemetry.SpansClamped.Add(clamped, sourceTag);
            }

            var newWatermark = Max(state?.Watermark, read.HighWatermark) ?? since;
            var points = timelines.SelectMany(ChangeStagePoints.From)
                .Concat(timelines.SelectMany(ChangePoints.From))
                .Concat(deployments.SelectMany(DeploymentPoints.From))
                .Concat(runs.SelectMany(PipelineRunPoints.From))
                .Concat(incidents.SelectMany(IncidentPoints.From))
                .Concat(StageQueuePoints.From(target.Repository, definition, flow.WaitingNow(now), now))
                .ToList();

            // The constraint needs 56 days of arrivals; a run reads an hour: the ledger in the state store carries the rest.
            var arrivedWaits = ArrivedWaitsLedger.Merge(
                ArrivedWaitsCodec.Decode(await store.GetETagAsync(target.Key, ArrivedWaitsResource, cancellationToken)),
                timelines.Select(ArrivedChangeWaits.From).OfType<ArrivedChangeWaits>(),
                now);
            points.AddRange(ConstraintPointsOf(target.Repository, definition, arrivedWaits, now));

            // An incident read now fails a production deployment read in an earlier run: the ledger keeps the last days.
            var incidentLedger = await IncidentFailureLedger.MergeAsync(store, target.Key, deployments, incidents, cancellationToken);
            points.AddRange(IncidentFailureLedger.Points(target.Repository, incidentLedger, deployments, incidents));
            points.Add(CollectorSyncPoints.Success(target, now, newWatermark, read, points.Count + 1));
            if (valueStream.Teams.TeamOf(target.Repository) is { } team)
            {
                points = TeamDirectory.Tag(points, team);
            }

            var stillPending = flow.PendingChanges(newWatermark - target.Schedule.Overlap)
                .Where(p => p.Merged >= now - collection.Value.PendingMaxAge)
                .Select(p => (p.ChangeId, p.Events))
                .Concat(flow.OpenChanges().Where(o => o.Opened >= now - collection.Value.PendingMaxAge).Select(o => (o.ChangeId, o.Events)))
                .ToDictionary(p => p.ChangeId, p => PendingChangeCodec.Encode(p.Events), StringComparer.Ordinal);

            // Shutdown may have been requested while reading: abandon rather than write half a picture.
            cancellationToken.ThrowIfCancellationRequested();
            await sink.WriteAsync(points, cancellationToken);
            telemetry.PointsWritten.Add(points.Count, sourceTag);

            var finished = time.GetUtcNow();
            await store.ReplacePendingChangesAsync(target.Key, stillPending, CancellationToken.None);
            await store.SaveTargetAsync(new TargetState(target.Key, newWatermark, finished, finished, null), CancellationToken.None);
            if (probe is not null)
            {
                // Only now, with the points written and the watermark saved: a failed run keeps the old validators, so
                // the next probe still sees this run's changes as new. A crash between the two saves costs one more read.
                await store.SaveETagAsync(target.Key, ProbeValidatorsResource, probe.Result.Validators, CancellationToken.None);
                await store.SaveETagAsync(target.Key, LastFullReadResource, now.ToString("O", CultureInfo.InvariantCulture), CancellationToken.None);
            }

            // Like the watermark: kept only once the points measured along it are written.
            await this.SaveLearntPathAsync(target, stream);
            await store.SaveETagAsync(target.Key, ArrivedWaitsResource, ArrivedWaitsCodec.Encode(arrivedWaits), CancellationToken.None);
            await IncidentFailureLedger.SaveAsync(store, target.Key, incidentLedger, now);

            telemetry.RecordWatermark(target.Key, newWatermark);
            reading?.Succeeded();
            health.Succeeded(target.Key, finished);
            this.Record(target, CollectionResult.Success, started);
            LogCollected(logger, target.Key, read.Events.Count, timelines.Count, points.Count, read.Usage.Requests);
            return new CollectionOutcome(target.Key, CollectionResult.Success, null, read.Events.Count, points.Count, read.Usage.Requests, timelines)
            {
                Stream = stream.Resolved,
                Deployments = deployments,
                Incidents = incidents,
                Window = (since, now),
                ArrivedWaits = arrivedWaits,
                Waiting = flow.WaitingNow(now),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(logger, target.Key);
            this.Record(target, CollectionResult.Cancelled, started);
            return new CollectionOutcome(target.Key, CollectionResult.Cancelled, "cancelled by shutdown; watermark not advanced", read?.Events.Count ?? 0, 0, read?.Usage.Requests ?? 0, []);
        }
        catch (Exception e) when (e is SourceException or SinkException)
        {
            return await this.FailAsync(target, stateRead ? state : null, stateRead, e.Message, read, started);
        }
        catch (Exception e) when (StateStoreFailure.Describe(e) is { } stateFailure)
        {
            return await this.FailAsync(target, stateRead ? state : null, stateRead, stateFailure, read, started);
        }
#pragma warning disable CA1031 // One target's defect must never stop the others; it is logged with its stack and reported.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, e, target.Key);
            return await this.FailAsync(target, stateRead ? state : null, stateRead, $"unexpected {e.GetType().Name}: {e.Message}", read, started);
        }
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
    private async Task<CollectionOutcome> WriteUnchangedAsync(CollectionTarget target, TargetState state, ChangeProbeResult probe, DateTimeOffset now, long started, CancellationToken cancellationToken)
    {
        if (probe.Usage.RateLimitRemaining is { } remaining)
        {
            telemetry.RecordRateLimit(target.Key, target.Source.Source, remaining);
        }

        // Nothing new to learn from: the path stored by the last full read.
        var stream = await this.ChooseStreamAsync(target, [], cancellationToken);
        var flow = await this.ReplayPendingAsync(target, stream.Resolved.Definition, cancellationToken);
        var watermark = state.Watermark!.Value;
        var points = StageQueuePoints.From(target.Repository, stream.Resolved.Definition, flow.WaitingNow(now), now).ToList();
        points.Add(CollectorSyncPoints.Success(target, now, watermark, new SourceReadResult([], null, probe.Usage), points.Count + 1));
        if (valueStream.Teams.TeamOf(target.Repository) is { } team)
        {
            points = TeamDirectory.Tag(points, team);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await sink.WriteAsync(points, cancellationToken);
        telemetry.PointsWritten.Add(points.Count, FlowCollectorTelemetry.ProviderTag(target.Source.Source));

        var finished = time.GetUtcNow();
        await store.SaveTargetAsync(new TargetState(target.Key, watermark, finished, finished, null), CancellationToken.None);

        // Equal to the stored ones, or fresher ETags for the same bodies (after a token rotation): the next probe is free again.
        await store.SaveETagAsync(target.Key, ProbeValidatorsResource, probe.Validators, CancellationToken.None);
        telemetry.RecordWatermark(target.Key, watermark);
        health.Succeeded(target.Key, finished);
        this.Record(target, CollectionResult.Success, started);
        LogUnchanged(logger, target.Key, points.Count, probe.Usage.Requests);
        return new CollectionOutcome(target.Key, CollectionResult.Success, null, 0, points.Count, probe.Usage.Requests, []) { Stream = stream.Resolved };
    }

    /// <summary>
    /// The value stream of the target (<see cref="ValueStreamCatalog"/>): a configured one, or the path learnt from its
    /// deployments so far with <paramref name="events"/> added (not yet saved: see <see cref="SaveLearntPathAsync"/>).
    /// </summary>
    private async Task<StreamChoice> ChooseStreamAsync(CollectionTarget target, IReadOnlyList<FlowEvent> events, CancellationToken cancellationToken)
    {
        if (valueStream.Streams.Explicit(target.Repository) is { } configured)
        {
            return new StreamChoice(configured, null, null, null);
        }

        var stored = EnvironmentPathStateCodec.Decode(await store.GetETagAsync(target.Key, EnvironmentPathResource, cancellationToken));
        var learner = new EnvironmentPathLearner(valueStream.Streams.Learning, stored);
        var before = learner.Path();
        if (!learner.Observe(events))
        {
            return new StreamChoice(valueStream.Streams.Learnt(before), null, before, before);
        }

        var after = learner.Path();
        return new StreamChoice(valueStream.Streams.Learnt(after), learner, before, after);
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

    /// <summary>A flow holding the target's open and not-yet-delivered changes as the state store kept them.</summary>
    private async Task<RepositoryFlow> ReplayPendingAsync(CollectionTarget target, ValueStreamDefinition definition, CancellationToken cancellationToken)
    {
        var pending = await store.GetPendingChangesAsync(target.Key, cancellationToken);
        var flow = new RepositoryFlow(target.Repository, definition, valueStream.Counting);
        foreach (var payload in pending.Values)
        {
            flow.Apply(PendingChangeCodec.Decode(payload));
        }

        return flow;
    }

    /// <summary>
    /// The <c>constraint</c> points of a run: the rolling 28 days up to now (timestamp: the current hour, so the runs of an
    /// hour overwrite one point) and the last completed ISO week (timestamp: its Monday; every run rewrites the same point).
    /// </summary>
    internal static IEnumerable<FlowPoint> ConstraintPointsOf(RepositoryRef repository, ValueStreamDefinition definition, IReadOnlyList<ArrivedChangeWaits> arrived, DateTimeOffset now)
    {
        string[] order = [.. definition.Stages.Select(s => s.Name)];
        var hour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        var rolling = ConstraintAnalysis.Find(arrived, now - TimeSpan.FromDays(28), now, order);
        var thisWeek = ArrivedWaitsLedger.WeekStart(now);
        var lastWeek = ConstraintAnalysis.Find(arrived, thisWeek.AddDays(-7), thisWeek, order);
        return ConstraintPoints.From(repository, rolling, ConstraintPoints.Rolling28Days, hour)
            .Concat(ConstraintPoints.From(repository, lastWeek, ConstraintPoints.Week, thisWeek.AddDays(-7)));
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    /// <summary>
    /// Ids of the changes (and SHAs of the runs) this read said something about, plus the changes carried by the
    /// deployments it read: only their points can have changed, so pending changes nobody touched are not rewritten.
    /// </summary>
    private static bool IsDeploymentEvent(FlowEventKind kind) =>
        kind is FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished or FlowEventKind.DeploymentIncludes;

    private static HashSet<string> TouchedChanges(SourceReadResult read, IReadOnlyList<AttributedDeployment> deployments)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in read.Events)
        {
            var isRun = e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished;
            if (isRun && e.Sha is not null)
            {
                touched.Add(e.Sha);
            }
            else if (!isRun && !IsDeploymentEvent(e.Kind))
            {
                touched.Add(e.SubjectId);
            }
        }

        foreach (var deployment in deployments)
        {
            touched.UnionWith(deployment.ChangeIds);
        }

        return touched;
    }

    private async Task<CollectionOutcome> FailAsync(CollectionTarget target, TargetState? state, bool stateRead, string error, SourceReadResult? read, long started)
    {
        var now = time.GetUtcNow();
        LogFailed(logger, target.Key, error);
        health.Failed(target.Key, now, error);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, error);
        this.Record(target, CollectionResult.Failure, started);

        // Two independent, best-effort reports: when the state store is what failed, the failure point still reaches the
        // health board, and when the sink is, the state still records the error. The point's write is bounded: against a
        // sink that just hung, retrying it for minutes would only delay the run's end (and `once`'s exit).
        try
        {
            using var bounded = new CancellationTokenSource(FailureReportTimeout, time);
            var failure = CollectorSyncPoints.Failure(target, now, state, read);
            await sink.WriteAsync(valueStream.Teams.TeamOf(target.Repository) is { } team ? TeamDirectory.Tag([failure], team) : [failure], bounded.Token);
        }
#pragma warning disable CA1031 // Reporting the failure is best effort; the sink may be the thing that is down.
        catch (Exception reportError)
#pragma warning restore CA1031
        {
            LogReportFailed(logger, target.Key, "collector_sync point", reportError is OperationCanceledException ? $"no answer within {FailureReportTimeout.TotalSeconds:0} s" : reportError.Message);
        }

        if (!stateRead)
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

/// <summary>What the probe before a read said, and whether a full read is due regardless (<c>Collection:ReconcileInterval</c>, no watermark yet).</summary>
internal sealed record ProbeOutcome(ChangeProbeResult Result, bool Due)
{
    public bool Unchanged => this.Result.Unchanged;
}

/// <summary>The stream chosen for one run, and the learner holding what it added (null when nothing new was learnt).</summary>
internal sealed record StreamChoice(StreamAssignment Resolved, EnvironmentPathLearner? Learner, LearntEnvironmentPath? Before, LearntEnvironmentPath? After);

/// <summary>
/// The configured value streams, resolved once from options. <see cref="Definition"/> is the stream of the legacy keys
/// (<c>ValueStream:Environments</c>); <see cref="Streams"/> picks each repository's own (by default: only that one).
/// </summary>
public sealed record ValueStreamSettings(ValueStreamDefinition Definition, ReviewCounting Counting)
{
    /// <summary>Which stream each repository is measured with (<c>ValueStream:Streams</c>, the legacy keys, or learnt).</summary>
    public ValueStreamCatalog Streams { get; init; } = ValueStreamCatalog.OneForAll(Definition);

    /// <summary>Which team owns which repository (<c>ValueStream:Teams</c>).</summary>
    public TeamDirectory Teams { get; init; } = TeamDirectory.None;
}
