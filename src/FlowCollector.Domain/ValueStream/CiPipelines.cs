using FlowCollector.Domain.Matching;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Which pipeline runs on a change's merge commit are CI (docs/metrics.md, "CI"). By default every run is, except a run
/// that drives a deployment as a whole, and a run with deploying stages counts only up to the first of them. Named
/// patterns (<c>ValueStream:CiWorkflows</c>) override the default: only runs of matching pipelines are CI, whatever
/// they deploy, still cut at their first deploying stage.
/// </summary>
public sealed class CiPipelines
{
    public CiPipelines(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        Patterns = [.. patterns.Where(p => !string.IsNullOrWhiteSpace(p))];
    }

    /// <summary>No patterns: CI is told apart from deployments by what the runs deploy.</summary>
    public static CiPipelines Default { get; } = new([]);

    /// <summary>Pipeline (workflow or definition) name patterns, <c>*</c> and <c>?</c>, case-insensitive.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>The CI part of <paramref name="run"/>, or null when the run is not CI.</summary>
    public CiPart? CiPartOf(PipelineRunFacts run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (Patterns.Count == 0)
        {
            return run.Ci;
        }

        var name = run.Pipeline ?? "";
        foreach (var pattern in Patterns)
        {
            if (Matches(pattern, name))
            {
                return run.CiIgnoringRunDeploys;
            }
        }

        return null;
    }

    /// <summary>Whether pipeline <paramref name="name"/> matches <paramref name="pattern"/> (<c>*</c>, <c>?</c>, case-insensitive).</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Glob.Matches(pattern, name);
    }
}
