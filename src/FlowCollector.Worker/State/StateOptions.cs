using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.State;

/// <summary>Where per-target watermarks, ETags and pending changes are kept. Bound from <c>State</c>.</summary>
public sealed class StateOptions
{
    public const string SectionName = "State";

    /// <summary>The embedded SQLite file (default <c>data/flowcollector.db</c>, relative to the working directory). Its folder must be writable.</summary>
    [Required]
    public string SqlitePath { get; set; } = "data/flowcollector.db";
}

[OptionsValidator]
internal sealed partial class StateOptionsValidator : IValidateOptions<StateOptions>;
