namespace FlowCollector.Domain.Matching;

/// <summary>
/// The one name pattern of the configuration (repository, branch, team, stream and environment patterns alike):
/// <c>*</c> matches any run of characters (also none), <c>?</c> exactly one, anything else itself, case-insensitively;
/// the whole name must match. No regular expression: matching is linear in practice and has no catastrophic cases.
/// </summary>
public sealed class Glob
{
    public Glob(string pattern)
    {
        Pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
    }

    /// <summary>The pattern as configured.</summary>
    public string Pattern { get; }

    /// <summary>Whether the pattern has a wildcard; without one it matches only its own text (in any case).</summary>
    public bool HasWildcard => Pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    public bool Matches(string? text) => text is not null && Matches(Pattern, text);

    public override string ToString() => Pattern;

    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> (see <see cref="Glob"/>).</summary>
    public static bool Matches(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);

        // Iterative, with one backtrack point: the last '*' seen and where in the text it started matching.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
