using FlowCollector.Domain.ValueStream;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>The learnt state as the state store keeps it: a JSON round trip that loses nothing, bounded in size.</summary>
public sealed class EnvironmentPathStateCodecTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_busy_repository_round_trips_within_a_bounded_size()
    {
        // 1,000 commits through staging → prod-eu → prod-us (40-hex SHAs, as GitHub's): 200 kept one by one, 800 settled.
        var learner = new EnvironmentPathLearner(EnvironmentLearning.Default);
        learner.Observe(Enumerable.Range(1, 1000).SelectMany(i =>
        {
            var sha = i.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);
            return new[] { ("staging", 0.0), ("prod-eu", 0.2), ("prod-us", 0.4) }.Select(e => new EnvironmentArrival(e.Item1, sha, Day0.AddHours(i).AddHours(e.Item2)));
        }));

        var json = EnvironmentPathStateCodec.Encode(learner.ToState());
        var decoded = new EnvironmentPathLearner(EnvironmentLearning.Default, EnvironmentPathStateCodec.Decode(json));

        Assert.Equal("staging → prod-eu → prod-us (production: prod-eu, prod-us)", decoded.Path()!.ToString());
        Assert.Equal(EnvironmentPathStateCodec.Encode(decoded.ToState()), json);
        // 200 commits × (a 40-character SHA + 3 ISO 8601 times) ≈ 200 × 190 bytes: under 48 kB whatever the history.
        Assert.InRange(json.Length, 30_000, 48_000);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{not json")]
    public void Nothing_or_an_unreadable_payload_starts_learning_again(string? payload)
    {
        Assert.Null(EnvironmentPathStateCodec.Decode(payload));
    }
}
