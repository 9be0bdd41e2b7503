using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.Tests.GitHub.RateLimiting;

public sealed class GitHubRateLimitOptionsTests
{
    public static TheoryData<double, string, int, string, string> Invalid => new()
    {
        { -0.1, "01:00:00", 5, "00:01:00", "Sources:GitHub:RateLimit:Reserve is -0.1 but must be a share between 0 and 0.9 of the limit; set e.g. 0.1 (pace the last 10 %) or 0 (no pacing)." },
        { 0.95, "01:00:00", 5, "00:01:00", "Sources:GitHub:RateLimit:Reserve is 0.95 but must be a share between 0 and 0.9 of the limit; set e.g. 0.1 (pace the last 10 %) or 0 (no pacing)." },
        { 0.1, "-00:00:01", 5, "00:01:00", "Sources:GitHub:RateLimit:MaxWait is -00:00:01 but must not be negative; set e.g. 01:00:00 (00:00:00: never wait, fail on a rate limit)." },
        { 0.1, "01:00:00", -1, "00:01:00", "Sources:GitHub:RateLimit:MaxRetries is -1 but must be between 0 and 100; set e.g. 5." },
        { 0.1, "01:00:00", 5, "00:00:00", "Sources:GitHub:RateLimit:SecondaryBackoff is 00:00:00 but must be positive; set 00:01:00 (GitHub asks for at least a minute)." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_value_is_named_with_a_fix(double reserve, string maxWait, int maxRetries, string backoff, string expected)
    {
        var options = new GitHubRateLimitOptions
        {
            Reserve = reserve,
            MaxWait = TimeSpan.Parse(maxWait, System.Globalization.CultureInfo.InvariantCulture),
            MaxRetries = maxRetries,
            SecondaryBackoff = TimeSpan.Parse(backoff, System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = new GitHubRateLimitOptionsValidator().Validate(null, options);

        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void The_defaults_are_valid_and_follow_GitHubs_advice()
    {
        var defaults = new GitHubRateLimitOptions();

        Assert.True(new GitHubRateLimitOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.Equal((0.1, TimeSpan.FromHours(1), 5, TimeSpan.FromMinutes(1)), (defaults.Reserve, defaults.MaxWait, defaults.MaxRetries, defaults.SecondaryBackoff));
    }

    [Fact]
    public void A_wrong_value_is_refused_when_the_source_is_registered_as_production_does()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sources:GitHub:RateLimit:Reserve"] = "2" }).Build();
        using var services = new ServiceCollection().AddGitHubSource(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GitHubRateLimitOptions>>().Value);

        Assert.StartsWith("Sources:GitHub:RateLimit:Reserve is 2 but must be a share between 0 and 0.9", error.Message, StringComparison.Ordinal);
    }
}
