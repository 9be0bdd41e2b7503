using FlowCollector.Domain.Points;

namespace FlowCollector.Domain.Tests.Points;

public sealed class PointTimestampsTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Two_changes_ending_in_the_same_second_get_different_timestamps()
    {
        Assert.NotEqual(PointTimestamps.For(Noon, "41"), PointTimestamps.For(Noon, "42"));
    }

    [Fact]
    public void The_same_change_always_gets_the_same_timestamp()
    {
        Assert.Equal(PointTimestamps.For(Noon.AddMilliseconds(300), "abc123"), PointTimestamps.For(Noon, "abc123"));
    }

    [Fact]
    public void A_pull_request_number_is_the_nanosecond_offset()
    {
        Assert.Equal((Noon.ToUnixTimeSeconds() * 1_000_000_000) + 42, PointTimestamps.For(Noon, "42"));
    }
}
