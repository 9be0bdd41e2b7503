using System.Diagnostics;
using System.Globalization;

namespace FlowCollector.Bench.Measurement;

/// <summary>Progress lines on standard error, each with the seconds since the scenario started, so slow steps show.</summary>
internal sealed class ProgressLog
{
    private readonly TextWriter writer;
    private readonly Stopwatch watch = Stopwatch.StartNew();

    public ProgressLog(TextWriter writer)
    {
        this.writer = writer;
    }

    public void Write(string message) =>
        writer.WriteLine($"[{watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),6} s] {message}");
}
