using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Graceful shutdown for running collections: when the host stops, running jobs get
/// <see cref="CollectionOptions.ShutdownGrace"/> to finish, then <see cref="Abandon"/> fires and they stop
/// without advancing their watermarks. Both moments are logged with the collections they concern, so a rolling update
/// says which work it waited for and which it threw away.
/// </summary>
internal sealed partial class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource abandon;
    private readonly CancellationTokenRegistration stopping;
    private readonly CancellationTokenRegistration abandoning;
    private readonly TimeSpan grace;
    private readonly ILogger<ShutdownSignal> logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> running = new(StringComparer.Ordinal);

    public ShutdownSignal(IHostApplicationLifetime lifetime, IOptions<CollectionOptions> options, TimeProvider time, ILogger<ShutdownSignal> logger)
    {
        abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        grace = options.Value.ShutdownGrace;
        this.logger = logger;
        stopping = lifetime.ApplicationStopping.Register(OnStopping);
        abandoning = abandon.Token.Register(OnAbandon);
    }

    public CancellationToken Abandon => abandon.Token;

    /// <summary>Marks <paramref name="target"/> as being collected until the returned handle is disposed.</summary>
    public IDisposable Running(string target)
    {
        lock (gate)
        {
            running[target] = running.GetValueOrDefault(target) + 1;
        }

        return new RunningCollection(this, target);
    }

    /// <summary>The targets being collected now, in order.</summary>
    public IReadOnlyList<string> RunningTargets
    {
        get
        {
            lock (gate)
            {
                return running.Keys.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public void Dispose()
    {
        stopping.Dispose();
        abandoning.Dispose();
        abandon.Dispose();
    }

    private void OnStopping()
    {
        var targets = RunningTargets;
        if (targets.Count > 0)
        {
            var names = string.Join(", ", targets);
            LogGrace(logger, targets.Count, grace, names);
        }

        abandon.CancelAfter(grace);
    }

    private void OnAbandon()
    {
        var targets = RunningTargets;
        if (targets.Count > 0)
        {
            var names = string.Join(", ", targets);
            LogAbandoning(logger, grace, names);
        }
    }

    private void Finished(string target)
    {
        lock (gate)
        {
            if (running.TryGetValue(target, out var count) && count > 1)
            {
                running[target] = count - 1;
            }
            else
            {
                running.Remove(target);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Count} running collections get up to {Grace} (Collection:ShutdownGrace) to finish: {Targets}")]
    private static partial void LogGrace(ILogger logger, int count, TimeSpan grace, string targets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown grace ({Grace}) ended; abandoning the collections still running: {Targets}. Their watermarks stay; the next start collects them again")]
    private static partial void LogAbandoning(ILogger logger, TimeSpan grace, string targets);

    private sealed class RunningCollection(ShutdownSignal signal, string target) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                signal.Finished(target);
            }
        }
    }
}
