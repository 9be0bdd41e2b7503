using FlowCollector.Domain.Events;
using FlowCollector.Domain.Matching;

namespace FlowCollector.Worker.Collection;

/// <summary>
/// Which team owns a repository (<c>ValueStream:Teams</c>: team → repository patterns), so every point of the
/// repository carries the <c>team</c> tag and boards can be cut by team. Patterns are <c>owner/name</c> with
/// <c>*</c> as a wildcard (case-insensitive), optionally prefixed with the source (<c>azuredevops:fabrikam/*</c>).
/// A repository matching several teams belongs to the first team in ordinal order (documented; teams rarely share).
/// </summary>
public sealed class TeamDirectory
{
    private readonly List<(string Team, Glob Pattern)> patterns;

    public TeamDirectory(IReadOnlyDictionary<string, List<string>> teams)
    {
        ArgumentNullException.ThrowIfNull(teams);
        patterns = [.. teams
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .SelectMany(t => t.Value.Select(p => (t.Key, new Glob(p.Trim()))))];
    }

    public static TeamDirectory None { get; } = new(new Dictionary<string, List<string>>());

    /// <summary>The owning team, or null when no pattern matches.</summary>
    public string? TeamOf(RepositoryRef repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        foreach (var (team, pattern) in patterns)
        {
            if (Matches(pattern, repository))
            {
                return team;
            }
        }

        return null;
    }

    /// <summary>Whether a repository pattern matches <c>owner/name</c> or <c>source:owner/name</c>.</summary>
    internal static bool Matches(Glob pattern, RepositoryRef repository) =>
        pattern.Matches(repository.FullName) || pattern.Matches($"{repository.Source}:{repository.FullName}");
}
