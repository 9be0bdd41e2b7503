using FlowCollector.Domain.Points;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Tests.Collection;

public sealed class PointTimeLedgerCodecTests
{
    private static readonly DateTimeOffset Ten = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero); // 1,772,445,600 s

    private static readonly string[] Stages =
        ["coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:staging", "promotion_wait:production", "deploy:production"];

    [Fact]
    public void A_ledger_survives_the_round_trip_exactly_including_times_outside_the_timestamp_rule()
    {
        var written = new[]
        {
            new WrittenChangeTimes("7", Ten, new Dictionary<string, long>
            {
                ["change_stage:pickup"] = PointTimestamps.For(Ten, "7"),   // 1,772,445,600,007,000,000: stored as seconds
                ["change_stage:deploy:prod-eu"] = PointTimestamps.For(Ten.AddHours(5), "7"),
                ["change"] = PointTimestamps.For(Ten.AddHours(6), "7"),
            }),
            new WrittenChangeTimes("4f2a9c1", Ten.AddDays(1), new Dictionary<string, long>
            {
                ["change_stage:coding"] = 1_772_445_600_123_456_789, // not the rule's offset for this id: kept in nanoseconds
            }),
        };

        var decoded = PointTimeLedgerCodec.Decode(PointTimeLedgerCodec.Encode(written));

        Assert.Equal(2, decoded.Count);
        for (var i = 0; i < written.Length; i++)
        {
            Assert.Equal(written[i].ChangeId, decoded[i].ChangeId);
            Assert.Equal(written[i].LastWritten, decoded[i].LastWritten);
            Assert.Equal(written[i].Times.OrderBy(t => t.Key, StringComparer.Ordinal), decoded[i].Times.OrderBy(t => t.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_change_with_ten_stages_takes_under_300_bytes_so_the_bounded_ledger_stays_under_one_and_a_half_megabytes()
    {
        var times = Stages.Select((s, i) => KeyValuePair.Create("change_stage:" + s, PointTimestamps.For(Ten.AddHours(i), "1234")))
            .Append(KeyValuePair.Create("change", PointTimestamps.For(Ten.AddHours(10), "1234")))
            .ToDictionary(StringComparer.Ordinal);

        var bytes = PointTimeLedgerCodec.Encode([new WrittenChangeTimes("1234", Ten, times)]).Length;

        Assert.InRange(bytes, 100, 300);
        Assert.True(bytes * PointTimeLedger.MaxChanges < 1_500_000, $"{bytes} bytes per change");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"I\":1}")]
    public void A_payload_this_version_cannot_read_starts_an_empty_ledger(string payload)
    {
        Assert.Empty(PointTimeLedgerCodec.Decode(payload));
    }
}
