using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Health;

/// <summary>Readiness rules. Bound from <c>Health</c>.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>A target failing for longer than this (default 1 h) makes <c>/readyz</c> report unhealthy.</summary>
    public TimeSpan MaxFailureDuration { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.MaxFailureDuration < TimeSpan.FromMinutes(1) || options.MaxFailureDuration > TimeSpan.FromDays(7)
            ? ValidateOptionsResult.Fail($"Health:MaxFailureDuration is {options.MaxFailureDuration}; it must be between 00:01:00 and 7.00:00:00.")
            : ValidateOptionsResult.Success;
}
