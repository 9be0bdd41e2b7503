using System.Diagnostics.Metrics;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Worker.Cli;
using FlowCollector.Worker.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace FlowCollector.Worker.Tests.Cli;

/// <summary><c>once</c>'s live display on an (emulated, interactive) terminal: one bar per target, filled as its read goes.</summary>
public sealed class LiveProgressTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_target_gets_a_bar_that_ends_full_with_its_state_and_requests()
    {
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var progress = new CollectionProgress(new FakeTimeProvider(Now), metrics.GetRequiredService<IMeterFactory>(), NullLogger<CollectionProgress>.Instance);
        // A terminal as `once` draws on: interactive and speaking ANSI. Without ANSI the test console drew only some of the
        // frames, at times not the last one, and the test failed about once in fifteen runs under load.
        var console = new TestConsole().Interactive().EmitAnsiSequences().Width(160);
        CollectionTarget[] targets = [Target("web"), Target("api")];
        var seenHalfway = 0.0;

        await LiveProgress.RunAsync(console, targets, progress, async () =>
        {
            foreach (var target in targets)
            {
                using var reading = progress.Begin(target, Now.AddDays(-30), Now, firstBackfill: true);
                ReadProgress.Listed(10, Now.AddDays(-30));
                ReadProgress.Requested(4990);
                ReadProgress.Requested(4989);
                ReadProgress.Detailed(5, 10);
                if (target.Key == "github:contoso/web")
                {
                    // Half of web's per-item reads done while the display refreshes every 20 ms.
                    await Task.Delay(80);
                    seenHalfway = progress.Targets().Single(t => t.Target == target.Key).ItemsDetailed / 10.0;
                }

                ReadProgress.Detailed(10, 10);
                reading.Succeeded();
            }
        }, TimeSpan.FromMilliseconds(20));

        var output = console.Output;
        Assert.Equal(0.5, seenHalfway);
        Assert.Contains("github:contoso/web: collected, 2 requests", output, StringComparison.Ordinal);
        Assert.Contains("github:contoso/api: collected, 2 requests", output, StringComparison.Ordinal);
        Assert.Contains("100%", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bar_is_the_share_of_items_read_in_full_else_half_the_share_of_the_window_listed()
    {
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var progress = new CollectionProgress(new FakeTimeProvider(Now), metrics.GetRequiredService<IMeterFactory>(), NullLogger<CollectionProgress>.Instance);
        var console = new TestConsole().Interactive();
        var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
        console.Progress().Start(context =>
        {
            bars["github:contoso/web"] = context.AddTask("web", maxValue: 1);
            bars["github:contoso/api"] = context.AddTask("api", maxValue: 1);
            using var web = progress.Begin(Target("web"), Now.AddDays(-30), Now, firstBackfill: true);

            // Listing reached back 12 of 30 days: 0.4 of the window, shown as 0.2 (listing is the first half of a read).
            ReadProgress.Listed(50, Now.AddDays(-12));
            LiveProgress.Update(bars, progress, done: false);
            Assert.Equal(0.2, bars["github:contoso/web"].Value, 9);

            // 3 of 4 items read in full: 0.75.
            ReadProgress.Detailed(3, 4);
            LiveProgress.Update(bars, progress, done: false);
            Assert.Equal(0.75, bars["github:contoso/web"].Value, 9);
            Assert.Equal(0, bars["github:contoso/api"].Value);
        });
    }

    private static CollectionTarget Target(string name) =>
        new(new RepositoryRef("github", "contoso", name), null!, new SourceScheduleOptions());
}
