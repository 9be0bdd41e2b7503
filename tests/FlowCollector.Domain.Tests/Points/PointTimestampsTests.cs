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

    [Theory]
    [InlineData("42", 42_000_000)]          // 42 ms
    [InlineData("1042", 42_000_001)]        // 42 ms + 1 ns: still apart from #42 at nanosecond precision
    [InlineData("123456", 456_000_123)]     // last three digits in the milliseconds, the rest below
    [InlineData("999999999", 999_999_999)]
    public void A_pull_request_number_is_spread_over_milliseconds_and_nanoseconds(string number, long offset)
    {
        Assert.Equal((Noon.ToUnixTimeSeconds() * 1_000_000_000) + offset, PointTimestamps.For(Noon, number));
    }

    [Fact]
    public void Consecutive_pull_requests_stay_apart_in_a_store_that_keeps_only_milliseconds()
    {
        var milliseconds = Enumerable.Range(1, 1000).Select(n => PointTimestamps.For(Noon, n.ToString(System.Globalization.CultureInfo.InvariantCulture)) / 1_000_000).ToHashSet();

        Assert.Equal(1000, milliseconds.Count);
    }
}
