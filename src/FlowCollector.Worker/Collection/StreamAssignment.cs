using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Collection;

/// <summary>The value stream a repository is measured with, and where it came from.</summary>
public sealed record StreamAssignment(ValueStreamDefinition Definition, StreamOrigin Origin, string Source)
{
    /// <summary>E.g. <c>staging → production (production: production)</c>.</summary>
    public string Path => $"{string.Join(" → ", Definition.EnvironmentPath)} (production: {string.Join(", ", Definition.ProductionEnvironments.Order(StringComparer.Ordinal))})";

    /// <summary>E.g. <c>staging → production (production: production), learnt from its deployments</c>.</summary>
    public override string ToString() => $"{Path}, {Source}";
}
