using System.Diagnostics;

namespace FlowCollector.Bench.Measurement;

/// <summary>Wall time and bytes allocated by the calling thread over one measured step.</summary>
internal readonly record struct Cost(TimeSpan Elapsed, long AllocatedBytes)
{
    public static Cost operator +(Cost left, Cost right) => new(left.Elapsed + right.Elapsed, left.AllocatedBytes + right.AllocatedBytes);

    public static Cost Add(Cost left, Cost right) => left + right;

    /// <summary>Runs <paramref name="step"/> on this thread and returns its result with what it cost.</summary>
    public static T Of<T>(Func<T> step, out Cost cost)
    {
        ArgumentNullException.ThrowIfNull(step);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        var result = step();
        var elapsed = Stopwatch.GetElapsedTime(started);
        cost = new Cost(elapsed, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        return result;
    }
}
