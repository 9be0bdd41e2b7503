using System.Globalization;

namespace FlowCollector.Bench.Measurement;

/// <summary>A table printed as Markdown, so figures can be pasted into docs/performance.md as they are.</summary>
internal sealed class MarkdownTable
{
    private readonly string[] headers;
    private readonly List<string[]> rows = [];

    public MarkdownTable(params string[] headers)
    {
        this.headers = headers;
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row needs {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        rows.Add(cells);
    }

    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(Line(headers, widths));
        // Every column but the first holds a figure: right-aligned, so magnitudes line up.
        writer.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? $" {new string('-', w)} " : $" {new string('-', w - 1)}: ")) + "|");
        foreach (var row in rows)
        {
            writer.WriteLine(Line(row, widths));
        }

        writer.WriteLine();
    }

    private static string Line(string[] cells, int[] widths) =>
        "|" + string.Join("|", cells.Select((c, i) => " " + (i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])) + " ")) + "|";
}

/// <summary>Number formats of the tables (invariant: the same text on every machine).</summary>
internal static class Figures
{
    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString(value.TotalMilliseconds < 100 ? "N1" : "N0", CultureInfo.InvariantCulture);

    public static string Decimal(double value, int digits = 1) => value.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Factor(double value) => "×" + value.ToString("N2", CultureInfo.InvariantCulture);

    public static string PerSecond(long items, TimeSpan elapsed) => Count(items / elapsed.TotalSeconds);
}
