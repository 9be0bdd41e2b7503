using FlowCollector.Domain.ValueStream;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Collection;

/// <summary>The value stream to measure (docs/metrics.md). Bound from <c>ValueStream</c>; every key is optional.</summary>
public sealed class ValueStreamOptions
{
    public const string SectionName = "ValueStream";

    /// <summary>Environments in the order a change travels through them (default <c>["production"]</c>).</summary>
    public List<string> Environments { get; set; } = [];

    /// <summary>Which of <see cref="Environments"/> count as production (default: the last one).</summary>
    public List<string> ProductionEnvironments { get; set; } = [];

    /// <summary>When true (default) a single review comment ends <c>pickup</c>; when false only a submitted review does.</summary>
    public bool CommentsEndPickup { get; set; } = true;

    /// <summary>Replaces the default stage list when given: each entry names a stage, its kind and the rule bounding it.</summary>
    public List<StageOption> Stages { get; set; } = [];

    /// <summary>
    /// Team → repository patterns (<c>owner/name</c>, <c>*</c> wildcard, optional <c>source:</c> prefix): every point of a
    /// matching repository carries the <c>team</c> tag. Empty (default): no team tag.
    /// </summary>
    public Dictionary<string, List<string>> Teams { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Which changes are rework (unplanned fixes), for the rework rate (<c>ValueStream:Rework</c>).</summary>
    public ReworkOptions Rework { get; set; } = new();

    /// <summary>
    /// Pipeline (GitHub workflow, Azure DevOps pipeline) name patterns, <c>*</c> and <c>?</c>, case-insensitive: only
    /// runs of matching pipelines are CI. Empty (default): every run on the merge commit is CI except one that drives a
    /// deployment, and a run with deploying stages up to the first of them (docs/metrics.md, "CI").
    /// </summary>
    public List<string> CiWorkflows { get; set; } = [];

    public ValueStreamDefinition ToDefinition()
    {
        var standard = ValueStreamDefinition.Default(this.Environments, this.ProductionEnvironments);
        var stages = this.Stages.Count == 0
            ? standard.Stages
            : this.Stages.Select(s => new StageDefinition(s.Name, s.Kind, s.Rule, s.Environment)).ToList();
        return new ValueStreamDefinition(stages, standard.EnvironmentPath, standard.ProductionEnvironments.ToList())
        {
            Rework = this.Rework.ToRules(),
            Ci = new CiPipelines(this.CiWorkflows),
        };
    }
}

/// <summary>
/// <c>ValueStream:Rework</c>: how to recognise an unplanned fix. Each list left empty keeps its default (the binder
/// appends to a list that has items, so defaults are applied here, not as initialisers); a list holding only
/// <c>""</c> switches that rule off. Comparisons are case-insensitive.
/// </summary>
public sealed class ReworkOptions
{
    /// <summary>Head-branch patterns, <c>*</c> and <c>?</c> wildcards (default <c>hotfix/*</c>, <c>hotfix-*</c>, <c>revert-*</c>).</summary>
    public List<string> BranchPatterns { get; set; } = [];

    /// <summary>Title prefixes (default <c>Revert "</c>).</summary>
    public List<string> TitlePrefixes { get; set; } = [];

    /// <summary>Labels (default <c>hotfix</c>, <c>revert</c>).</summary>
    public List<string> Labels { get; set; } = [];

    public ReworkRules ToRules() => new(
        OrDefault(this.BranchPatterns, ReworkRules.DefaultBranchPatterns),
        OrDefault(this.TitlePrefixes, ReworkRules.DefaultTitlePrefixes),
        OrDefault(this.Labels, ReworkRules.DefaultLabels));

    private static IReadOnlyList<string> OrDefault(List<string> configured, IReadOnlyList<string> defaults) =>
        configured.Count == 0 ? defaults : configured;
}

/// <summary>One configured stage (<c>ValueStream:Stages:N</c>).</summary>
public sealed class StageOption
{
    public string Name { get; set; } = "";

    public StageKind Kind { get; set; }

    public StageRule Rule { get; set; }

    public string? Environment { get; set; }
}

internal sealed class ValueStreamOptionsValidator : IValidateOptions<ValueStreamOptions>
{
    private static readonly System.Buffers.SearchValues<char> NotInTeamNames = System.Buffers.SearchValues.Create(",= \n\r\\");

    public ValidateOptionsResult Validate(string? name, ValueStreamOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        foreach (var production in options.ProductionEnvironments.Where(p => options.Environments.Count > 0 && !options.Environments.Contains(p, StringComparer.OrdinalIgnoreCase)))
        {
            result.AddError($"ValueStream:ProductionEnvironments contains '{production}', which is not in ValueStream:Environments ({string.Join(", ", options.Environments)}); add it there or remove it.");
        }

        foreach (var (team, patterns) in options.Teams)
        {
            if (string.IsNullOrWhiteSpace(team) || team.AsSpan().IndexOfAny(NotInTeamNames) >= 0)
            {
                result.AddError($"ValueStream:Teams has the team name '{team}'; use a name without spaces, commas, '=' or backslashes (it becomes the team tag).");
            }

            if (patterns.Count == 0 || patterns.Any(string.IsNullOrWhiteSpace))
            {
                result.AddError($"ValueStream:Teams:{team} needs one or more repository patterns such as \"contoso/web\" or \"contoso/payments-*\".");
            }
        }

        for (var i = 0; i < options.CiWorkflows.Count; i++)
        {
            var pattern = options.CiWorkflows[i] ?? "";
            if (pattern.Trim().Length == 0 || pattern.Trim('*', '?').Length == 0)
            {
                result.AddError($"ValueStream:CiWorkflows:{i} is '{pattern}': name the CI workflow or pipeline (e.g. CI or build-*); a pattern of only wildcards is the default, leave the list empty instead.");
            }
        }

        ValidateRework(options.Rework, result);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Stages.Count; i++)
        {
            var stage = options.Stages[i];
            if (string.IsNullOrWhiteSpace(stage.Name))
            {
                result.AddError($"ValueStream:Stages:{i}:Name is empty; give every stage a name (it becomes the 'stage' tag).");
            }
            else if (!seen.Add(stage.Name))
            {
                result.AddError($"ValueStream:Stages:{i}:Name '{stage.Name}' is used twice; stage names must be unique.");
            }

            if (stage.Rule is StageRule.Deploy or StageRule.PromotionWait && string.IsNullOrWhiteSpace(stage.Environment))
            {
                result.AddError($"ValueStream:Stages:{i}:Environment is required for rule {stage.Rule}; set it to an environment of ValueStream:Environments.");
            }
        }

        return result.Build();
    }

    private static void ValidateRework(ReworkOptions rework, ValidateOptionsResultBuilder result)
    {
        // Spaces around a title prefix can be meant ("HOTFIX "); around a branch pattern or a label they are a typo.
        void Check(string key, List<string> values, bool spacesAreTypos, Func<string, string?> problem)
        {
            for (var i = 0; i < values.Count; i++)
            {
                var value = values[i] ?? "";
                if (value.Length > 0 && ((spacesAreTypos && value.Trim().Length != value.Length) || problem(value) is not null))
                {
                    result.AddError($"ValueStream:Rework:{key}:{i} is '{value}': {problem(value) ?? "remove the spaces around it"}.");
                }
            }

            if (values.Count > 1 && values.Any(v => string.IsNullOrEmpty(v)))
            {
                result.AddError($"ValueStream:Rework:{key} mixes \"\" with other entries; \"\" alone switches the rule off, otherwise leave it out.");
            }
        }

        Check(nameof(ReworkOptions.BranchPatterns), rework.BranchPatterns, spacesAreTypos: true, p =>
            p.StartsWith("refs/", StringComparison.OrdinalIgnoreCase) ? "give the branch name without refs/heads/ (e.g. hotfix/*)"
            : p.Trim('*', '?').Length == 0 ? "a pattern of only wildcards makes every change rework; name the branch prefix (e.g. hotfix/*)"
            : null);
        Check(nameof(ReworkOptions.TitlePrefixes), rework.TitlePrefixes, spacesAreTypos: false, _ => null);
        Check(nameof(ReworkOptions.Labels), rework.Labels, spacesAreTypos: true, _ => null);
    }
}
