using FlowCollector.Worker.Scheduling;

namespace FlowCollector.Worker.Tests.Scheduling;

/// <summary>Where first runs start: two seconds per target, at most one interval, evenly.</summary>
public sealed class FirstRunOffsetTests
{
    [Theory]
    [InlineData(0, 1, 900, 0)]          // one target starts at once
    [InlineData(1, 3, 900, 2)]          // three targets: a 6 s window, 0 / 2 / 4 s
    [InlineData(2, 3, 900, 4)]
    [InlineData(20_000, 40_000, 900, 450)] // 40,000 targets: the window is the 15-minute interval, the middle one at 7.5 min
    [InlineData(39_999, 40_000, 900, 899.9775)]
    public void First_runs_are_spread_evenly_over_two_seconds_per_target_but_at_most_one_interval(int index, int count, double intervalSeconds, double expectedSeconds)
    {
        var offset = TargetScheduleRegistrar.FirstRunOffset(index, count, TimeSpan.FromSeconds(intervalSeconds));

        Assert.Equal(expectedSeconds, offset.TotalSeconds, 6);
        Assert.True(offset < TimeSpan.FromSeconds(intervalSeconds) || count == 1);
    }
}
