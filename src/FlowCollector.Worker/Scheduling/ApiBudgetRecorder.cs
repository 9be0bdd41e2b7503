using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using Npgsql;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// In a cluster, records the API budget each read reports, per credential, in the shared store, so every replica (and
/// an operator with <c>psql</c>) sees what a token has left however many replicas spend it. A no-op without a shared store.
/// </summary>
internal sealed partial class ApiBudgetRecorder(IEnumerable<IApiBudgetStore> stores, IConfiguration configuration, TimeProvider time, ILogger<ApiBudgetRecorder> logger)
{
    private readonly IApiBudgetStore? store = stores.FirstOrDefault();

    /// <summary>The target with a source that records its budget after every read; the target itself when nothing is shared.</summary>
    public CollectionTarget Wrap(CollectionTarget target, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (store is null)
        {
            return target;
        }

        // Per credential the source names (a GitHub App: one budget per installation), else per configured token.
        var credential = target.Source.BudgetKey(target.Repository) ?? CredentialFingerprint.Of(target.Source.Source, configuration[$"Sources:{target.Source.Source}:Token"]);
        Func<int, Task> record = budget => RecordAsync(credential, target.Source.Source, budget, instanceId);
        return target with { Source = target.Source is IChangeProbe ? new RecordingProbingSource(target.Source, record) : new RecordingSource(target.Source, record) };
    }

    private async Task RecordAsync(string credential, string source, int remaining, string instanceId)
    {
        try
        {
            await store!.RecordAsync(new ApiBudget(credential, source, remaining, time.GetUtcNow(), instanceId), CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The budget is advisory; a database blip must not fail a collection whose points are already safe.
            LogNotRecorded(logger, credential, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the API budget of {Credential}: {Problem}")]
    private static partial void LogNotRecorded(ILogger logger, string credential, string problem);

    /// <summary>Forwards everything to the wrapped source and records the budget each read (and probe) reports.</summary>
    private class RecordingSource(IFlowEventSource inner, Func<int, Task> record) : IFlowEventSource
    {
        protected IFlowEventSource Inner => inner;

        protected Func<int, Task> Record => record;

        public string Source => inner.Source;

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => inner.ConfiguredRepositories;

        public Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken) => inner.DiscoverRepositoriesAsync(cancellationToken);

        public string? BudgetKey(RepositoryRef repository) => inner.BudgetKey(repository);

        public async Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken)
        {
            var result = await inner.ReadAsync(repository, since, cancellationToken);
            if (result.Usage.RateLimitRemaining is { } remaining)
            {
                await record(remaining);
            }

            return result;
        }

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) => inner.CheckAsync(repository, cancellationToken);
    }

    /// <summary>A <see cref="RecordingSource"/> whose wrapped source can probe: the collector sees the probe through the wrapper.</summary>
    private sealed class RecordingProbingSource(IFlowEventSource inner, Func<int, Task> record) : RecordingSource(inner, record), IChangeProbe
    {
        public async Task<ChangeProbeResult> ProbeAsync(RepositoryRef repository, string? validators, CancellationToken cancellationToken)
        {
            var result = await ((IChangeProbe)Inner).ProbeAsync(repository, validators, cancellationToken);
            if (result.Usage.RateLimitRemaining is { } remaining)
            {
                await Record(remaining);
            }

            return result;
        }
    }
}
