namespace FlowCollector.Domain.Ports;

/// <summary>Hears how far a read got, as the source sees it. Calls may come from several threads at once.</summary>
public interface IReadProgressListener
{
    /// <summary><paramref name="items"/> more items listed in the window; the listing (newest first) reached back to <paramref name="oldestReached"/> when known.</summary>
    void Listed(int items, DateTimeOffset? oldestReached);

    /// <summary>Per-item detail reads: <paramref name="done"/> of <paramref name="total"/> items read in full.</summary>
    void Detailed(int done, int total);

    /// <summary>One more API request answered; <paramref name="budgetLeft"/> when the API said how much rate limit is left.</summary>
    void Requested(int? budgetLeft);
}

/// <summary>
/// Progress of the read running on this async flow. The caller of <see cref="IFlowEventSource.ReadAsync"/> listens
/// (<see cref="Listen"/>); sources and HTTP handlers report with the static methods, which do nothing when nobody
/// listens. Ambient rather than a parameter so the port's signature, every source and every test double stay as they
/// are; it flows into the tasks a read starts, as the read's cancellation would.
/// </summary>
public static class ReadProgress
{
    private static readonly AsyncLocal<IReadProgressListener?> Current = new();

    /// <summary>Until disposed, reports on this async flow go to <paramref name="listener"/>.</summary>
    public static IDisposable Listen(IReadProgressListener listener)
    {
        var previous = Current.Value;
        Current.Value = listener;
        return new Restore(previous);
    }

    public static void Listed(int items, DateTimeOffset? oldestReached) => Current.Value?.Listed(items, oldestReached);

    public static void Detailed(int done, int total) => Current.Value?.Detailed(done, total);

    public static void Requested(int? budgetLeft) => Current.Value?.Requested(budgetLeft);

    private sealed class Restore(IReadProgressListener? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
