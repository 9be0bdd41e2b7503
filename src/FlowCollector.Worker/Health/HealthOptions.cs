using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Health;

/// <summary>Readiness rules. Bound from <c>Health</c>.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>A target failing for longer than this (default 1 h) makes <c>/readyz</c> report unhealthy.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxFailureDuration { get; set; } = TimeSpan.FromHours(1);
}

[OptionsValidator]
internal sealed partial class HealthOptionsValidator : IValidateOptions<HealthOptions>;
