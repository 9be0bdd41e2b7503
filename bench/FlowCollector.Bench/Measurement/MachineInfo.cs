using System.Runtime;
using System.Runtime.InteropServices;

namespace FlowCollector.Bench.Measurement;

/// <summary>What the figures were measured on, printed before them.</summary>
internal static class MachineInfo
{
    public static void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {CpuModel()}, {Memory.Megabytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} MiB available to the GC");
        writer.WriteLine($"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        writer.WriteLine($"- runtime: {RuntimeInformation.FrameworkDescription}, {Build}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode})");
        if (LoadAverage() is { } load)
        {
            // Other processes on a 2-core machine move the figures; the load says how busy it was when they were taken.
            writer.WriteLine($"- load average (1/5/15 min) at start: {load}");
        }

        writer.WriteLine();
    }

#if DEBUG
    public const string Build = "Debug build: figures are NOT representative, run with -c Release";
#else
    public const string Build = "Release build";
#endif

    public static string? LoadAverage()
    {
        const string LoadAvg = "/proc/loadavg";
        return File.Exists(LoadAvg) ? string.Join(' ', File.ReadAllText(LoadAvg).Split(' ').Take(3)) : null;
    }

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var model = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return model is null ? RuntimeInformation.ProcessArchitecture.ToString() : model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
