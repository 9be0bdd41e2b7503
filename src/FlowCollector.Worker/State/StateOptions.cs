using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.State;

/// <summary>Where per-target watermarks, ETags and pending changes are kept. Bound from <c>State</c>.</summary>
public sealed class StateOptions
{
    public const string SectionName = "State";

    /// <summary>The embedded SQLite file (default <c>data/flowcollector.db</c>, relative to the working directory). Its folder must be writable.</summary>
    public string SqlitePath { get; set; } = "data/flowcollector.db";
}

internal sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options) =>
        string.IsNullOrWhiteSpace(options.SqlitePath)
            ? ValidateOptionsResult.Fail("State:SqlitePath is empty; set it to a file in a writable folder, e.g. data/flowcollector.db.")
            : ValidateOptionsResult.Success;
}
