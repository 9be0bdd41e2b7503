using FlowCollector.Domain.Matching;

namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Which changes are rework: unplanned fixes (hotfixes, reverts), recognised by their head branch, title or labels
/// (docs/metrics.md, "Rework rate"). Every comparison is case-insensitive. A change is rework when any one rule matches.
/// </summary>
public sealed class ReworkRules
{
    public ReworkRules(IEnumerable<string> branchPatterns, IEnumerable<string> titlePrefixes, IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(branchPatterns);
        ArgumentNullException.ThrowIfNull(titlePrefixes);
        ArgumentNullException.ThrowIfNull(labels);
        BranchPatterns = [.. branchPatterns.Where(p => p.Length > 0)];
        TitlePrefixes = [.. titlePrefixes.Where(p => p.Length > 0)];
        this.labels = new HashSet<string>(labels.Where(l => l.Length > 0), StringComparer.OrdinalIgnoreCase);
    }

    private readonly HashSet<string> labels;

    /// <summary>The default branch patterns: GitHub's revert button makes <c>revert-…</c> branches.</summary>
    public static IReadOnlyList<string> DefaultBranchPatterns { get; } = ["hotfix/*", "hotfix-*", "revert-*"];

    /// <summary>The default title prefix: <c>git revert</c> and GitHub's revert button both title the change <c>Revert "…"</c>.</summary>
    public static IReadOnlyList<string> DefaultTitlePrefixes { get; } = ["Revert \""];

    public static IReadOnlyList<string> DefaultLabels { get; } = ["hotfix", "revert"];

    /// <summary>The defaults above.</summary>
    public static ReworkRules Default { get; } = new(DefaultBranchPatterns, DefaultTitlePrefixes, DefaultLabels);

    /// <summary>Head-branch patterns: <c>*</c> stands for any run of characters (slashes included), <c>?</c> for one.</summary>
    public IReadOnlyList<string> BranchPatterns { get; }

    public IReadOnlyList<string> TitlePrefixes { get; }

    public IReadOnlyCollection<string> Labels => labels;

    /// <summary>Whether a change with this head branch, titles and labels is rework.</summary>
    public bool IsRework(string? sourceBranch, IEnumerable<string>? titles, IEnumerable<string>? labels) =>
        (sourceBranch is not null && MatchesBranch(sourceBranch))
        || (titles is not null && titles.Any(MatchesTitle))
        || (labels is not null && labels.Any(this.labels.Contains));

    /// <summary>Whether the change's facts make it rework.</summary>
    public bool IsRework(ChangeFacts change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.HasDescription && IsRework(change.SourceBranch, change.Titles, change.Labels);
    }

    public bool MatchesBranch(string branch)
    {
        ArgumentNullException.ThrowIfNull(branch);
        foreach (var pattern in BranchPatterns)
        {
            if (Glob.Matches(pattern, branch))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        foreach (var prefix in TitlePrefixes)
        {
            if (title.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
