using FlowCollector.Domain.Matching;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Which listed repositories of a project (<see cref="AzureDevOpsProjectOptions"/>) are collected, and why the others
/// are not. Pure: the listing is done by the caller.
/// </summary>
internal sealed class AzureDevOpsRepositoryFilter
{
    private readonly Glob[] include;
    private readonly Glob[] exclude;
    private readonly bool includeDisabled;

    public AzureDevOpsRepositoryFilter(AzureDevOpsProjectOptions project)
    {
        ArgumentNullException.ThrowIfNull(project);
        include = Patterns(project.Include);
        exclude = Patterns(project.Exclude);
        includeDisabled = project.IncludeDisabled;
    }

    /// <summary>Null when <paramref name="repository"/> is collected, otherwise why not (for the debug log).</summary>
    public string? Skip(AdoRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var name = repository.Name ?? "";
        return name.Length == 0 || string.IsNullOrEmpty(repository.Id) ? "no name or id in the listing"
            : string.IsNullOrEmpty(repository.DefaultBranch) ? "empty (no default branch yet)"
            : repository.IsDisabled == true && !includeDisabled ? "disabled (IncludeDisabled is false)"
            : repository.IsFork == true ? "a fork (its pull requests are read from the parent repository)"
            : include.Length > 0 && !include.Any(p => p.Matches(name)) ? "matches no Include pattern"
            : exclude.FirstOrDefault(p => p.Matches(name))?.Pattern is { } excluded ? $"matches the Exclude pattern '{excluded}'"
            : null;
    }

    /// <summary>
    /// Null when <paramref name="pattern"/> is a valid repository-name pattern, otherwise what is wrong with it. Azure
    /// DevOps repository names cannot contain <c>/ \ : [ ] { } " &lt; &gt; |</c> and the like, so such characters can
    /// only be an attempt at a glob syntax that is not supported (character classes, alternatives, paths).
    /// </summary>
    public static string? Invalid(string? pattern) =>
        string.IsNullOrWhiteSpace(pattern) ? "is empty"
        : pattern.Length != pattern.Trim().Length ? "has leading or trailing spaces"
        : pattern.IndexOfAny(['/', '\\', '[', ']', '{', '}', ':', '"', '<', '>', '|']) is var at and >= 0 ? $"contains '{pattern[at]}'"
        : null;

    private static Glob[] Patterns(List<string>? globs) =>
        [.. (globs ?? []).Where(g => Invalid(g) is null).Select(g => new Glob(g))];
}
