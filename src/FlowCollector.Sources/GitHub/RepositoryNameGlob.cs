namespace FlowCollector.Sources.GitHub;

/// <summary>
/// A glob on a GitHub repository name: <c>*</c> matches any run of characters, <c>?</c> exactly one, anything else
/// itself, case-insensitively (GitHub resolves names that way). The whole name must match.
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

        // Iterative matching with one backtrack point per '*': linear in practice, no regex, no catastrophic cases.
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < this.pattern.Length && (this.pattern[p] == '?' || char.ToUpperInvariant(this.pattern[p]) == char.ToUpperInvariant(name[n])))
            {
                p++;
                n++;
            }
            else if (p < this.pattern.Length && this.pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < this.pattern.Length && this.pattern[p] == '*')
        {
            p++;
        }

        return p == this.pattern.Length;
    }

    public override string ToString() => this.pattern;
}
