using FlowCollector.Domain.Matching;

namespace FlowCollector.Sources.GitHub.Discovery;

/// <summary>
/// A <see cref="Glob"/> on a GitHub repository name (case-insensitive, as GitHub resolves names), with the characters a
/// repository name can hold checked up front.
/// </summary>
internal sealed class RepositoryNameGlob
{
    private readonly string pattern;

    private RepositoryNameGlob(string pattern)
    {
        this.pattern = pattern;
    }

    /// <summary>
    /// Why <paramref name="pattern"/> is no glob on repository names, or null when it is one. Repository names consist of
    /// ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, so any other character (a <c>/</c> of owner/name, a
    /// <c>[</c> of a character class) would silently match nothing.
    /// </summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "is empty";
        }

        var bad = pattern.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '?'));
        return bad == default
            ? null
            : $"contains '{bad}'; a pattern matches the repository name only (letters, digits, '-', '_', '.'), with '*' for any characters and '?' for one";
    }

    public static RepositoryNameGlob Parse(string pattern) =>
        Problem(pattern) is { } problem ? throw new ArgumentException($"'{pattern}' {problem}.", nameof(pattern)) : new RepositoryNameGlob(pattern);

    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Glob.Matches(pattern, name);
    }

    public override string ToString() => pattern;
}
