using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The ordered stages of the value stream, the environment path and the rules that bound the stages (rework, CI, which
/// reviews end pickup). The default follows the product spec; teams may rename, drop or re-kind stages through
/// configuration (<c>ValueStream</c> section).
/// </summary>
public sealed class ValueStreamDefinition
{
    public ValueStreamDefinition(IReadOnlyList<StageDefinition> stages, IReadOnlyList<string> environmentPath, IReadOnlyCollection<string> productionEnvironments)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(environmentPath);
        ArgumentNullException.ThrowIfNull(productionEnvironments);
        Stages = stages;
        EnvironmentPath = environmentPath;
        ProductionEnvironments = new HashSet<string>(productionEnvironments, StringComparer.OrdinalIgnoreCase);
        ReportedEnvironments = [.. environmentPath
            .Concat(productionEnvironments.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.OrdinalIgnoreCase)];
        HasBacklog = stages.Any(s => s.Rule == StageRule.Backlog);
    }

    /// <summary>
    /// The environments a timeline reports deployments for: the path, then the production environments not on it
    /// (ordinal order), each once (case-insensitive), spelled as configured. Computed once: every change needs it.
    /// </summary>
    public IReadOnlyList<string> ReportedEnvironments { get; }

    /// <summary>True when a <see cref="StageRule.Backlog"/> stage is configured.</summary>
    public bool HasBacklog { get; }

    public IReadOnlyList<StageDefinition> Stages { get; }

    /// <summary>Environments in the order a change travels through them, e.g. <c>staging</c>, <c>production</c>.</summary>
    public IReadOnlyList<string> EnvironmentPath { get; }

    /// <summary>The environments whose first successful deployment makes a change arrive.</summary>
    public IReadOnlySet<string> ProductionEnvironments { get; }

    /// <summary>Which changes are rework (unplanned fixes); a production deployment carrying one is a rework deployment.</summary>
    public ReworkRules Rework { get; init; } = ReworkRules.Default;

    /// <summary>Which runs on a merge commit are CI, and which part of them (docs/metrics.md, "CI").</summary>
    public CiPipelines Ci { get; init; } = CiPipelines.Default;

    /// <summary>
    /// When true (default), a reviewer's single review comment ends <c>pickup</c>; when false only a submitted review does
    /// (docs/metrics.md, "Who counts as a reviewer"). Who is a bot is not decided here: each source flags its own bots on
    /// the event (<see cref="Events.FlowEvent.ActorIsBot"/>).
    /// </summary>
    public bool CommentsEndPickup { get; init; } = true;

    /// <summary>The spec's default stream for the given environment path (default: just <c>production</c>).</summary>
    public static ValueStreamDefinition Default(IReadOnlyList<string>? environmentPath = null, IReadOnlyCollection<string>? productionEnvironments = null)
    {
        var path = environmentPath is { Count: > 0 } ? environmentPath : ["production"];
        var production = productionEnvironments is { Count: > 0 } ? productionEnvironments : [path[^1]];
        var stages = new List<StageDefinition>
        {
            new("backlog", StageKind.Wait, StageRule.Backlog),
            new("coding", StageKind.Process, StageRule.Coding),
            new("pickup", StageKind.Wait, StageRule.Pickup),
            new("review", StageKind.Process, StageRule.Review),
            new("merge", StageKind.Wait, StageRule.Merge),
            new("ci_queue", StageKind.Wait, StageRule.CiQueue),
            new("ci", StageKind.Process, StageRule.Ci),
            new("release_wait", StageKind.Wait, StageRule.ReleaseWait),
        };
        for (var i = 0; i < path.Count; i++)
        {
            if (i > 0)
            {
                stages.Add(new($"promotion_wait:{path[i]}", StageKind.Wait, StageRule.PromotionWait, path[i]));
            }

            stages.Add(new($"deploy:{path[i]}", StageKind.Process, StageRule.Deploy, path[i]));
        }

        return new ValueStreamDefinition(stages, path, production);
    }
}
