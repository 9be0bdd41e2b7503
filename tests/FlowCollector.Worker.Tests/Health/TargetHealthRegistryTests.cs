using FlowCollector.Worker.Health;

namespace FlowCollector.Worker.Tests.Health;

public sealed class TargetHealthRegistryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_target_is_reported_once_it_failed_for_longer_than_the_limit_since_its_first_failure()
    {
        var registry = new TargetHealthRegistry();
        registry.Succeeded("a", T0);
        registry.Failed("a", T0.AddMinutes(10), "first");
        registry.Failed("a", T0.AddMinutes(50), "second");
        registry.Failed("b", T0.AddMinutes(60), "b down");

        var failing = registry.FailingLongerThan(TimeSpan.FromMinutes(45), T0.AddMinutes(70));

        var only = Assert.Single(failing);
        Assert.Equal("a", only.Target);
        Assert.Equal(TimeSpan.FromMinutes(60), only.FailingFor);
        Assert.Equal("second", only.Error);
    }

    [Fact]
    public void A_success_clears_the_failure()
    {
        var registry = new TargetHealthRegistry();
        registry.Failed("a", T0, "down");
        registry.Succeeded("a", T0.AddHours(2));

        Assert.Empty(registry.FailingLongerThan(TimeSpan.FromMinutes(1), T0.AddHours(3)));
    }
}
