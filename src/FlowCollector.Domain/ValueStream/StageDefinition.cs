using FlowCollector.Domain.Events;

namespace FlowCollector.Domain.ValueStream;

/// <summary>One configured stage: the name written to the <c>stage</c> tag, its kind, and the rule that bounds it.</summary>
/// <param name="Name">Tag value, e.g. <c>pickup</c> or <c>deploy:production</c>.</param>
/// <param name="Kind">Process or wait.</param>
/// <param name="Rule">Which built-in rule decides presence and end.</param>
/// <param name="Environment">For <see cref="StageRule.Deploy"/> and <see cref="StageRule.PromotionWait"/>: the environment.</param>
public sealed record StageDefinition(string Name, StageKind Kind, StageRule Rule, string? Environment = null);
