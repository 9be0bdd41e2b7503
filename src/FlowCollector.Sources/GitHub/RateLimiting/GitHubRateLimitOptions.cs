using System.Globalization;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>
/// How the <c>github</c> pipeline spends a credential's rate-limit budget and waits out rate limits instead of failing
/// the run. Bound from <c>Sources:GitHub:RateLimit</c>.
/// </summary>
public sealed class GitHubRateLimitOptions
{
    public const string SectionName = "Sources:GitHub:RateLimit";

    /// <summary>
    /// The share of a credential's limit (0 – 0.9, default 0.1 = 10 %) below which requests are paced: the rest of the
    /// budget is spread evenly until <c>x-ratelimit-reset</c>, divided among the replicas that spend it. 0: no pacing,
    /// only a wait once the budget is spent.
    /// </summary>
    public double Reserve { get; set; } = 0.1;

    /// <summary>
    /// The longest a single request may wait for rate limits in total (default 1 hour, GitHub's primary window) before
    /// the run fails with a rate-limit error; the next run continues from the watermark.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a single request is retried after a rate-limited answer (403/429) before the run fails (default 5).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// The first wait after a secondary rate limit that came without <c>retry-after</c> (default 1 minute, GitHub's
    /// minimum); it doubles with every further one for the same request.
    /// </summary>
    public TimeSpan SecondaryBackoff { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Start-up rules of <see cref="GitHubRateLimitOptions"/>; each message names the key, the value and a fix.</summary>
internal sealed class GitHubRateLimitOptionsValidator : IValidateOptions<GitHubRateLimitOptions>
{
    private const string Section = GitHubRateLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GitHubRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ValidateOptionsResultBuilder();
        if (double.IsNaN(options.Reserve) || options.Reserve is < 0 or > 0.9)
        {
            result.AddError($"{Section}:Reserve is {options.Reserve.ToString(CultureInfo.InvariantCulture)} but must be a share between 0 and 0.9 of the limit; set e.g. 0.1 (pace the last 10 %) or 0 (no pacing).");
        }

        if (options.MaxWait < TimeSpan.Zero)
        {
            result.AddError($"{Section}:MaxWait is {Show(options.MaxWait)} but must not be negative; set e.g. 01:00:00 (00:00:00: never wait, fail on a rate limit).");
        }

        if (options.MaxRetries is < 0 or > 100)
        {
            result.AddError($"{Section}:MaxRetries is {options.MaxRetries} but must be between 0 and 100; set e.g. 5.");
        }

        if (options.SecondaryBackoff <= TimeSpan.Zero)
        {
            result.AddError($"{Section}:SecondaryBackoff is {Show(options.SecondaryBackoff)} but must be positive; set 00:01:00 (GitHub asks for at least a minute).");
        }

        return result.Build();
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
