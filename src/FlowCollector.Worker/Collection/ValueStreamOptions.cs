using FlowCollector.Domain.Events;
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

    /// <summary>
    /// Explicit value streams for groups of repositories, first match wins (<c>ValueStream:Streams</c>). A repository no
    /// stream matches gets <see cref="Environments"/> when that is configured, else the path learnt from its deployments.
    /// </summary>
    public List<StreamOption> Streams { get; set; } = [];

    /// <summary>
    /// Which learnt environments are production: case-insensitive globs (default <c>prod</c>, <c>prod-*</c>, <c>prod_*</c>,
    /// <c>production</c>, <c>production-*</c>, <c>live</c>); when none on a path matches, its last environment is.
    /// </summary>
    public List<string> ProductionPatterns { get; set; } = [];

    /// <summary>Environments never learnt onto a path: case-insensitive globs (default <c>pr-*</c>, <c>review-*</c>, <c>preview*</c>).</summary>
    public List<string> IgnoreEnvironments { get; set; } = [];

    /// <summary>A learnt environment with no deployment within this time before the repository's latest one drops off its path (default 90 days).</summary>
    public TimeSpan ForgetEnvironmentsAfter { get; set; } = EnvironmentLearning.Default.StaleAfter;

    /// <summary>True when the legacy keys (<see cref="Environments"/>, <see cref="ProductionEnvironments"/>, <see cref="Stages"/>) set one stream for every repository.</summary>
    public bool HasGlobalStream => Environments.Count > 0 || ProductionEnvironments.Count > 0 || Stages.Count > 0;

    /// <summary>The stream of the legacy keys (the spec default, <c>production</c> only, when none is set).</summary>
    public ValueStreamDefinition ToDefinition() => Build(Environments, ProductionEnvironments, Stages);

    /// <summary>How environment paths are learnt (<see cref="ProductionPatterns"/>, <see cref="IgnoreEnvironments"/>).</summary>
    public EnvironmentLearning ToLearning() => EnvironmentLearning.Default with
    {
        ProductionPatterns = ProductionPatterns.Count == 0 ? EnvironmentLearning.DefaultProductionPatterns : [.. ProductionPatterns],
        IgnorePatterns = IgnoreEnvironments.Count == 0 ? EnvironmentLearning.DefaultIgnorePatterns : [.. IgnoreEnvironments.Where(p => !string.IsNullOrEmpty(p))],
        StaleAfter = ForgetEnvironmentsAfter,
    };

    /// <summary>A stream with this path and production environments (and stages, when given; else the spec's), with the shared rework, CI and review rules.</summary>
    public ValueStreamDefinition Build(IReadOnlyList<string> environments, IReadOnlyCollection<string> production, IReadOnlyList<StageOption> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var standard = ValueStreamDefinition.Default(environments, production);
        var configured = stages.Count == 0
            ? standard.Stages
            : stages.Select(s => new StageDefinition(s.Name, s.Kind, s.Rule, s.Environment)).ToList();
        return new ValueStreamDefinition(configured, standard.EnvironmentPath, standard.ProductionEnvironments.ToList())
        {
            Rework = Rework.ToRules(),
            Ci = new CiPipelines(CiWorkflows),
            CommentsEndPickup = CommentsEndPickup,
        };
    }
}

/// <summary>
/// One explicit value stream (<c>ValueStream:Streams:N</c>): the repositories it applies to and their path.
/// </summary>
public sealed class StreamOption
{
    /// <summary>Repository patterns, <c>owner/name</c> with <c>*</c> wildcards, case-insensitive, optionally <c>source:</c>-prefixed.</summary>
    public List<string> Match { get; set; } = [];

    /// <summary>Environments in path order (required).</summary>
    public List<string> Environments { get; set; } = [];

    /// <summary>Which of <see cref="Environments"/> are production (default: the last one).</summary>
    public List<string> ProductionEnvironments { get; set; } = [];

    /// <summary>Replaces the stage list for these repositories (default: the spec's stages over <see cref="Environments"/>).</summary>
    public List<StageOption> Stages { get; set; } = [];
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
        OrDefault(BranchPatterns, ReworkRules.DefaultBranchPatterns),
        OrDefault(TitlePrefixes, ReworkRules.DefaultTitlePrefixes),
        OrDefault(Labels, ReworkRules.DefaultLabels));

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
        ValidateStages("ValueStream", options.Stages, result);
        ValidatePatterns("ProductionPatterns", options.ProductionPatterns, result, allowEmpty: false);
        ValidatePatterns("IgnoreEnvironments", options.IgnoreEnvironments, result, allowEmpty: true);
        if (options.ForgetEnvironmentsAfter < TimeSpan.FromDays(1))
        {
            result.AddError($"ValueStream:ForgetEnvironmentsAfter is {options.ForgetEnvironmentsAfter}; use at least 1d (default 90d): a shorter time drops production from the path between two releases.");
        }

        for (var i = 0; i < options.Streams.Count; i++)
        {
            ValidateStream(i, options.Streams[i], result);
        }

        return result.Build();
    }

    private static void ValidateStream(int index, StreamOption stream, ValidateOptionsResultBuilder result)
    {
        var key = $"ValueStream:Streams:{index}";
        if (stream.Match.Count == 0 || stream.Match.Any(string.IsNullOrWhiteSpace))
        {
            result.AddError($"{key}:Match needs one or more repository patterns such as \"contoso/web\", \"contoso/payments-*\" or \"azuredevops:fabrikam/*\"; an empty pattern matches nothing.");
        }

        if (stream.Environments.Count == 0 || stream.Environments.Any(string.IsNullOrWhiteSpace))
        {
            result.AddError($"{key}:Environments needs the environments in path order, e.g. [\"staging\", \"production\"]; leave the stream out to learn the path from the repositories' deployments.");
        }
        else if (stream.Environments.Distinct(StringComparer.OrdinalIgnoreCase).Count() != stream.Environments.Count)
        {
            result.AddError($"{key}:Environments names an environment twice ({string.Join(", ", stream.Environments)}); environment names are case-insensitive, list each once.");
        }

        foreach (var production in stream.ProductionEnvironments.Where(p => !stream.Environments.Contains(p, StringComparer.OrdinalIgnoreCase)))
        {
            result.AddError($"{key}:ProductionEnvironments contains '{production}', which is not on the stream's path {key}:Environments ({string.Join(", ", stream.Environments)}); add it there or remove it.");
        }

        ValidateStages(key, stream.Stages, result);
    }

    private static void ValidatePatterns(string name, List<string> patterns, ValidateOptionsResultBuilder result, bool allowEmpty)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i] ?? "";
            if (pattern.Length == 0 && allowEmpty && patterns.Count == 1)
            {
                continue; // [""] switches the default off
            }

            if (pattern.Trim().Length == 0 || pattern.Trim('*', '?').Length == 0)
            {
                result.AddError($"ValueStream:{name}:{i} is '{pattern}': name the environments (e.g. prod-* or pr-*); a pattern of only wildcards matches every environment.");
            }
        }
    }

    private static void ValidateStages(string section, List<StageOption> stages, ValidateOptionsResultBuilder result)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (string.IsNullOrWhiteSpace(stage.Name))
            {
                result.AddError($"{section}:Stages:{i}:Name is empty; give every stage a name (it becomes the 'stage' tag).");
            }
            else if (!seen.Add(stage.Name))
            {
                result.AddError($"{section}:Stages:{i}:Name '{stage.Name}' is used twice; stage names must be unique.");
            }

            if (!Enum.IsDefined(stage.Rule))
            {
                result.AddError($"{section}:Stages:{i}:Rule is {(int)stage.Rule}, not a stage rule; use one of {string.Join(", ", Enum.GetNames<StageRule>())}.");
            }
            else if (stage.Rule is StageRule.Deploy or StageRule.PromotionWait && string.IsNullOrWhiteSpace(stage.Environment))
            {
                result.AddError($"{section}:Stages:{i}:Environment is required for rule {stage.Rule}; set it to an environment of {section}:Environments.");
            }
        }
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
