using FlowCollector.Worker.Collection;
using Spectre.Console;

namespace FlowCollector.Worker.Cli;

/// <summary>
/// <c>once</c> on a terminal: one live progress bar per target (Spectre.Console) fed from <see cref="CollectionProgress"/>,
/// instead of the every-30-seconds progress log lines. Only when a person watches: standard output and error are a
/// terminal and <c>CI</c> is not set; otherwise <c>once</c> logs as before.
/// </summary>
internal static class LiveProgress
{
    /// <summary>True when <c>once</c> should draw the live display.</summary>
    public static bool Wanted(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> while a bar per target shows how far its read got; returns when it ends.</summary>
    public static Task RunAsync(IAnsiConsole console, IReadOnlyList<CollectionTarget> targets, CollectionProgress progress, Func<Task> work, TimeSpan refresh)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(work);
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = targets.ToDictionary(t => t.Key, t => context.AddTask(Markup.Escape(t.Key), maxValue: 1), StringComparer.Ordinal);
                var running = work();
                while (true)
                {
                    Update(bars, progress, done: running.IsCompleted);
                    if (running.IsCompleted)
                    {
                        break;
                    }

                    await Task.WhenAny(running, Task.Delay(refresh));
                }

                await running;
            });
    }

    /// <summary>Each bar: the share of per-item reads done when known, else the share of the window listed; full once collected.</summary>
    internal static void Update(IReadOnlyDictionary<string, ProgressTask> bars, CollectionProgress progress, bool done)
    {
        foreach (var snapshot in progress.Targets())
        {
            if (!bars.TryGetValue(snapshot.Target, out var bar))
            {
                continue;
            }

            var window = (snapshot.Until - snapshot.Since).TotalSeconds;
            var share = snapshot.State == "collected" ? 1
                : snapshot.ItemsToDetail > 0 ? (double)snapshot.ItemsDetailed / snapshot.ItemsToDetail
                : snapshot.OldestReached is { } oldest && window > 0 ? Math.Clamp((snapshot.Until - oldest).TotalSeconds / window, 0, 1) * 0.5
                : 0;
            bar.Value = Math.Max(bar.Value, share);
            bar.Description = Markup.Escape($"{snapshot.Target}: {snapshot.State}, {snapshot.Requests} requests");
        }

        if (done)
        {
            foreach (var bar in bars.Values)
            {
                bar.Value = bar.MaxValue;
            }
        }
    }
}
