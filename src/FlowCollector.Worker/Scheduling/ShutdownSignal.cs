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
        this.abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        this.grace = options.Value.ShutdownGrace;
        this.logger = logger;
        this.stopping = lifetime.ApplicationStopping.Register(this.OnStopping);
        this.abandoning = this.abandon.Token.Register(this.OnAbandon);
    }

    public CancellationToken Abandon => this.abandon.Token;

    /// <summary>Marks <paramref name="target"/> as being collected until the returned handle is disposed.</summary>
    public IDisposable Running(string target)
    {
        lock (this.gate)
        {
            this.running[target] = this.running.GetValueOrDefault(target) + 1;
        }

        return new RunningCollection(this, target);
    }

    /// <summary>The targets being collected now, in order.</summary>
    public IReadOnlyList<string> RunningTargets
    {
        get
        {
            lock (this.gate)
            {
                return this.running.Keys.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public void Dispose()
    {
        this.stopping.Dispose();
        this.abandoning.Dispose();
        this.abandon.Dispose();
    }

    private void OnStopping()
    {
        var targets = this.RunningTargets;
        if (targets.Count > 0)
        {
            var names = string.Join(", ", targets);
            LogGrace(this.logger, targets.Count, this.grace, names);
        }

        this.abandon.CancelAfter(this.grace);
    }

    private void OnAbandon()
    {
        var targets = this.RunningTargets;
        if (targets.Count > 0)
        {
            var names = string.Join(", ", targets);
            LogAbandoning(this.logger, this.grace, names);
        }
    }

    private void Finished(string target)
    {
        lock (this.gate)
        {
            if (this.running.TryGetValue(target, out var count) && count > 1)
            {
                this.running[target] = count - 1;
            }
            else
            {
                this.running.Remove(target);
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
            if (Interlocked.Exchange(ref this.disposed, 1) == 0)
            {
                signal.Finished(target);
            }
        }
    }
}
