using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Graceful shutdown for running collections: when the host stops, running jobs get
/// <see cref="CollectionOptions.ShutdownGrace"/> to finish, then <see cref="Abandon"/> fires and they stop
/// without advancing their watermarks.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource abandon;
    private readonly CancellationTokenRegistration registration;

    public ShutdownSignal(IHostApplicationLifetime lifetime, IOptions<CollectionOptions> options, TimeProvider time)
    {
        this.abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var grace = options.Value.ShutdownGrace;
        this.registration = lifetime.ApplicationStopping.Register(() => this.abandon.CancelAfter(grace));
    }

    public CancellationToken Abandon => this.abandon.Token;

    public void Dispose()
    {
        this.registration.Dispose();
        this.abandon.Dispose();
    }
}
