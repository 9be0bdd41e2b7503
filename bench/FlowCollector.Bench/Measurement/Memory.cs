using System.Diagnostics;

namespace FlowCollector.Bench.Measurement;

/// <summary>Process memory figures: peak working set (resettable on Linux) and the live managed heap.</summary>
internal static class Memory
{
    private const string ClearRefs = "/proc/self/clear_refs";

    /// <summary>
    /// Resets the peak working set (Linux: writing 5 to clear_refs resets VmHWM), so each size reports its own peak
    /// rather than the largest so far. False where that is not possible; the peak is then cumulative.
    /// </summary>
    public static bool TryResetPeakWorkingSet()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(ClearRefs))
        {
            return false;
        }

        try
        {
            File.WriteAllText(ClearRefs, "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long PeakWorkingSetBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>Bytes still reachable after a full, compacting collection.</summary>
    public static long LiveHeapBytes()
    {
        Settle();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>A full blocking collection before a measured step, so garbage of the previous one is not billed to it.</summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
