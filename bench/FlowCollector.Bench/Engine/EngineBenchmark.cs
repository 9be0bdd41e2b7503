using System.Diagnostics;
using FlowCollector.Bench.Measurement;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Bench.Engine;

/// <summary>
/// <c>engine</c>: throughput and allocations of the value-stream engine (fold → timelines → points) on synthetic
/// streams of increasing size, the growth between sizes, the issue's targets, and a breakdown of where time and
/// allocations go.
/// </summary>
internal sealed class EngineBenchmark
{
    private const double TargetEventsPerSecond = 1_000_000;
    private const double TargetBytesPerEvent = 300;
    private const int LargeSize = 1_000_000;

    private readonly EngineSettings settings;
    private readonly TextWriter output;
    private readonly ProgressLog progress;
    private readonly EnginePass pass;

    private EngineBenchmark(EngineSettings settings, TextWriter output, TextWriter progress)
    {
        this.settings = settings;
        pass = new EnginePass(settings.WholeRead);
        this.output = output;
        this.progress = new ProgressLog(progress);
    }

    public static void Run(BenchArguments arguments, TextWriter output, TextWriter progress)
    {
        var settings = EngineSettings.From(arguments);
        new EngineBenchmark(settings, output, progress).Run();
    }

    private void Run()
    {
        var s = settings;
        output.WriteLine("## engine");
        output.WriteLine();
        MachineInfo.WriteTo(output);
        output.WriteLine($"Settings: sizes {string.Join(", ", s.Sizes.Select(size => Figures.Count(size)))} events; {s.Repositories} repositories; " +
            $"{s.Repetitions} repetitions after 1 warm-up pass per size ({Math.Min(3, s.Repetitions)} and none from {Figures.Count(LargeSize)} events); medians; seed {s.Seed}.");
        output.WriteLine();

        WarmUp();
        var rows = s.Sizes.Select(Measure).ToList();
        WriteThroughput(rows);
        WriteAllocations(rows);
        WriteGrowth(rows);
        WriteTargets(rows);
        if (s.Breakdown)
        {
            WriteBreakdown();
        }
    }

    /// <summary>Passes until tiered compilation has promoted the hot methods (≥ 1 s of work, then a pause for the background JIT).</summary>
    private void WarmUp()
    {
        progress.Write("warming up …");
        var stream = SyntheticFlowStream.Generate(100_000, settings.Repositories, settings.Seed + 1);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 3 || watch.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            pass.Run(stream.Repositories, stream.EventsByRepository);
        }

        Thread.Sleep(500);
    }

    private SizeResult Measure(int size)
    {
        Memory.Settle();
        var resetPeak = Memory.TryResetPeakWorkingSet();
        progress.Write($"{Figures.Count(size)} events: generating …");
        var generated = Stopwatch.StartNew();
        var stream = SyntheticFlowStream.Generate(size, settings.Repositories, settings.Seed);
        progress.Write($"{Figures.Count(size)} events: generated in {Figures.Milliseconds(generated.Elapsed)} ms; measuring …");

        // Passes of a second or more need no warm-up of their own (the JIT is warm) and fewer repetitions for a stable median.
        var large = size >= LargeSize;
        if (!large)
        {
            pass.Run(stream.Repositories, stream.EventsByRepository);
        }

        var passes = Enumerable.Range(0, large ? Math.Min(3, settings.Repetitions) : settings.Repetitions)
            .Select(_ => pass.Run(stream.Repositories, stream.EventsByRepository))
            .ToList();
        var peak = Memory.PeakWorkingSetBytes();
        progress.Write($"{Figures.Count(size)} events: {passes.Count} passes done; measuring the retained heap …");
        var retained = pass.Retained(stream.Repositories, stream.EventsByRepository);
        progress.Write($"{Figures.Count(size)} events: total median {Figures.Milliseconds(Median.Of(passes.Select(p => p.Total.Elapsed)))} ms");
        // Only the counts are kept: the events themselves would slow every later full GC of the run.
        var shape = new StreamShape(stream.EventCount, stream.ChangeCount, stream.MergedCount, stream.RunAttemptCount);
        return new SizeResult(shape, passes, peak, resetPeak, retained.State, retained.WithTimelinesAndPoints);
    }

    private void WriteThroughput(List<SizeResult> rows)
    {
        output.WriteLine("### Throughput (median of the repetitions)");
        output.WriteLine();
        var table = new MarkdownTable("events", "changes", "merged", "run attempts", "timelines", "points",
            "fold ms", "timelines ms", "points ms", "total ms", "GC pauses ms (fold / total)", "fold events/s", "total events/s");
        foreach (var row in rows)
        {
            table.Add(
                Figures.Count(row.Events), Figures.Count(row.Stream.ChangeCount), Figures.Count(row.Stream.MergedCount), Figures.Count(row.Stream.RunAttemptCount),
                Figures.Count(row.Passes[0].TimelineCount), Figures.Count(row.Passes[0].PointCount),
                Figures.Milliseconds(row.Fold), Figures.Milliseconds(row.Timelines), Figures.Milliseconds(row.Points), Figures.Milliseconds(row.Total),
                $"{Figures.Milliseconds(Median.Of(row.Passes.Select(p => p.FoldPaused)))} / {Figures.Milliseconds(Median.Of(row.Passes.Select(p => p.Paused)))}",
                Figures.Count(row.Events / row.Fold.TotalSeconds), Figures.Count(row.Events / row.Total.TotalSeconds));
        }

        table.WriteTo(output);
        output.WriteLine();
    }

    private void WriteAllocations(List<SizeResult> rows)
    {
        output.WriteLine("### Allocations and memory (allocated: median per pass ÷ events; retained: live heap after a full GC ÷ events)");
        output.WriteLine();
        var table = new MarkdownTable("events", "fold B/event", "timelines B/event", "points B/event", "total B/event",
            "B per merged change (timelines+points)", "retained state B/event", "retained with timelines+points B/event", "GCs gen0/1/2 per pass", "peak working set MiB");
        foreach (var row in rows)
        {
            table.Add(
                Figures.Count(row.Events),
                Figures.Decimal(row.FoldBytes / row.Events), Figures.Decimal(row.TimelineBytes / row.Events), Figures.Decimal(row.PointBytes / row.Events),
                Figures.Decimal(row.TotalBytes / row.Events),
                Figures.Count((row.TimelineBytes + row.PointBytes) / row.Stream.MergedCount),
                Figures.Decimal((double)row.RetainedState / row.Events), Figures.Decimal((double)row.RetainedAll / row.Events),
                row.Passes[^1].Collections.ToString(),
                Memory.Megabytes(row.PeakWorkingSet) + (row.PeakIsPerSize ? "" : " (cumulative)"));
        }

        table.WriteTo(output);
        output.WriteLine("Peak working set includes the pre-generated input events of that size (≈ the list a source read returns).");
        output.WriteLine();
    }

    private void WriteGrowth(List<SizeResult> rows)
    {
        if (rows.Count < 2)
        {
            return;
        }

        output.WriteLine("### Growth between sizes (per-event factor 1.00 = linear)");
        output.WriteLine();
        var table = new MarkdownTable("from → to", "events", "fold time", "total time", "total allocated", "fold time per event", "total time per event", "allocated per event");
        for (var i = 1; i < rows.Count; i++)
        {
            var (a, b) = (rows[i - 1], rows[i]);
            var events = (double)b.Events / a.Events;
            var fold = b.Fold / a.Fold;
            var total = b.Total / a.Total;
            var allocated = b.TotalBytes / a.TotalBytes;
            table.Add($"{Figures.Count(a.Events)} → {Figures.Count(b.Events)}", Figures.Factor(events), Figures.Factor(fold), Figures.Factor(total),
                Figures.Factor(allocated), Figures.Factor(fold / events), Figures.Factor(total / events), Figures.Factor(allocated / events));
        }

        table.WriteTo(output);
    }

    private void WriteTargets(List<SizeResult> rows)
    {
        var largest = rows[^1];
        output.WriteLine($"### Targets (at {Figures.Count(largest.Events)} events, one thread)");
        output.WriteLine();
        var table = new MarkdownTable("target", "fold only", "met", "fold + timelines + points", "met");
        var foldRate = largest.Events / largest.Fold.TotalSeconds;
        var totalRate = largest.Events / largest.Total.TotalSeconds;
        table.Add("≥ 1,000,000 events/s", Figures.Count(foldRate), Verdict(foldRate >= TargetEventsPerSecond), Figures.Count(totalRate), Verdict(totalRate >= TargetEventsPerSecond));
        var foldBytes = largest.FoldBytes / largest.Events;
        var totalBytes = largest.TotalBytes / largest.Events;
        table.Add("< 300 B allocated/event", Figures.Decimal(foldBytes), Verdict(foldBytes < TargetBytesPerEvent), Figures.Decimal(totalBytes), Verdict(totalBytes < TargetBytesPerEvent));
        table.WriteTo(output);
    }

    private static string Verdict(bool met) => met ? "yes" : "no";

    /// <summary>Sub-steps at one size: a floor for any fold, the fold per kind of event, the cost of matching runs, and per-repository scaling.</summary>
    private void WriteBreakdown()
    {
        var size = settings.BreakdownSize;
        progress.Write($"breakdown at {Figures.Count(size)} events …");
        var stream = SyntheticFlowStream.Generate(size, settings.Repositories, settings.Seed);
        var runsOnly = stream.EventsByRepository.Select(events => events.Where(IsRunEvent).ToArray()).ToList();
        var changesOnly = stream.EventsByRepository.Select(events => events.Where(e => !IsRunEvent(e)).ToArray()).ToList();

        output.WriteLine($"### Breakdown at {Figures.Count(stream.EventCount)} events, {settings.Repositories} repositories (median of {settings.Repetitions})");
        output.WriteLine();
        var table = new MarkdownTable("step", "events", "ms", "ns/event", "B/event");
        void Row(string step, int events, Func<Cost> measure)
        {
            measure();
            var costs = Enumerable.Range(0, settings.Repetitions).Select(_ =>
            {
                Memory.Settle();
                return measure();
            }).ToList();
            var elapsed = Median.Of(costs.Select(c => c.Elapsed));
            var bytes = Median.Of(costs.Select(c => c.AllocatedBytes));
            table.Add(step, Figures.Count(events), Figures.Milliseconds(elapsed), Figures.Decimal(elapsed.TotalNanoseconds / events), Figures.Decimal(bytes / events));
        }

        var all = stream.EventsByRepository;
        var timeOrdered = stream.TimeOrdered();
        var changeEvents = changesOnly.Sum(e => e.Length);
        var runEvents = runsOnly.Sum(e => e.Length);
        Row("floor: one Dictionary<string,…> lookup per event by SubjectId", stream.EventCount, () => DictionaryFloor(all));
        Row("fold, all events", stream.EventCount, () => Measured(() => pass.Fold(stream.Repositories, all)));
        Row("fold, all events in time order (changes interleaved)", stream.EventCount, () => Measured(() => pass.Fold(stream.Repositories, timeOrdered)));
        Row("fold, change events only (commits, opened, reviews, merged/closed)", changeEvents, () => Measured(() => pass.Fold(stream.Repositories, changesOnly)));
        Row("fold, run events only (queued/started/finished)", runEvents, () => Measured(() => pass.Fold(stream.Repositories, runsOnly)));

        var withRuns = pass.Fold(stream.Repositories, all);
        var withoutRuns = pass.Fold(stream.Repositories, changesOnly);
        Row("timelines, with the runs (per event of the stream)", stream.EventCount, () => Measured(() => EnginePass.Timelines(withRuns)));
        Row("timelines, same changes without runs", stream.EventCount, () => Measured(() => EnginePass.Timelines(withoutRuns)));
        var timelines = EnginePass.Timelines(withRuns);
        var points = timelines.Sum(t => t.Sum(x => x.Spans.Count));
        Row("points from the timelines (per point)", points, () => Measured(() => EnginePass.Points(timelines)));
        table.WriteTo(output);

        WriteRepositorySweep(size);
    }

    /// <summary>The same number of events in fewer, larger repositories: per-repository work that is not linear shows here.</summary>
    private void WriteRepositorySweep(int size)
    {
        output.WriteLine($"### Repository size: {Figures.Count(size)} events spread over fewer repositories (median of {Math.Min(3, settings.Repetitions)}; 1 pass for 1 repository)");
        output.WriteLine();
        var table = new MarkdownTable("repositories", "changes per repository", "run attempts per repository", "fold ms", "timelines ms", "µs per timeline", "total events/s");
        foreach (var repositories in settings.SweepRepositories)
        {
            progress.Write($"sweep: {repositories} repositories …");
            var stream = SyntheticFlowStream.Generate(size, repositories, settings.Seed);
            // At most 3 repetitions, 1 for a single repository: the slow case this table is about takes seconds per pass.
            var repetitions = repositories == 1 ? 1 : Math.Min(3, settings.Repetitions);
            var passes = Enumerable.Range(0, repetitions).Select(_ => pass.Run(stream.Repositories, stream.EventsByRepository)).ToList();
            var fold = Median.Of(passes.Select(p => p.Fold.Elapsed));
            var timelines = Median.Of(passes.Select(p => p.Timelines.Elapsed));
            var total = Median.Of(passes.Select(p => p.Total.Elapsed));
            table.Add(Figures.Count(repositories), Figures.Count((double)stream.ChangeCount / repositories), Figures.Count((double)stream.RunAttemptCount / repositories),
                Figures.Milliseconds(fold), Figures.Milliseconds(timelines), Figures.Decimal(timelines.TotalMicroseconds / passes[0].TimelineCount),
                Figures.Count(stream.EventCount / total.TotalSeconds));
        }

        table.WriteTo(output);
    }

    private static bool IsRunEvent(FlowEvent e) => e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished;

    private static Cost Measured<T>(Func<T> step)
    {
        GC.KeepAlive(Cost.Of(step, out var cost));
        return cost;
    }

    private static Cost DictionaryFloor(IReadOnlyList<FlowEvent[]> events) => Measured(() =>
    {
        var subjects = 0;
        foreach (var repository in events)
        {
            var seen = new Dictionary<string, FlowEvent>(StringComparer.Ordinal);
            foreach (var e in repository)
            {
                if (!seen.TryGetValue(e.SubjectId, out _))
                {
                    seen.Add(e.SubjectId, e);
                }
            }

            subjects += seen.Count;
        }

        return subjects;
    });

    private sealed record StreamShape(int EventCount, int ChangeCount, int MergedCount, int RunAttemptCount);

    private sealed record SizeResult(StreamShape Stream, List<PassCost> Passes, long PeakWorkingSet, bool PeakIsPerSize, long RetainedState, long RetainedAll)
    {
        public int Events => Stream.EventCount;

        public TimeSpan Fold => Median.Of(Passes.Select(p => p.Fold.Elapsed));

        public TimeSpan Timelines => Median.Of(Passes.Select(p => p.Timelines.Elapsed));

        public TimeSpan Points => Median.Of(Passes.Select(p => p.Points.Elapsed));

        public TimeSpan Total => Median.Of(Passes.Select(p => p.Total.Elapsed));

        public double FoldBytes => Median.Of(Passes.Select(p => p.Fold.AllocatedBytes));

        public double TimelineBytes => Median.Of(Passes.Select(p => p.Timelines.AllocatedBytes));

        public double PointBytes => Median.Of(Passes.Select(p => p.Points.AllocatedBytes));

        public double TotalBytes => Median.Of(Passes.Select(p => p.Total.AllocatedBytes));
    }
}

/// <summary>Options of <c>engine</c>.</summary>
internal sealed record EngineSettings(IReadOnlyList<int> Sizes, int Repositories, int Repetitions, int Seed, bool Breakdown, int BreakdownSize, IReadOnlyList<int> SweepRepositories, bool WholeRead)
{
    public static EngineSettings From(BenchArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new EngineSettings(
            arguments.Ints("sizes", [10_000, 100_000, 1_000_000]),
            arguments.Int("repos", 100),
            arguments.Int("reps", 5),
            arguments.Int("seed", 42),
            !arguments.Flag("no-breakdown"),
            arguments.Int("breakdown-size", 100_000),
            arguments.Ints("sweep-repos", [100, 10, 1]),
            arguments.Flag("whole-read"));
        arguments.EnsureAllRead();
        return settings;
    }
}
