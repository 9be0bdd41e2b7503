namespace FlowCollector.Testing.Contracts;

/// <summary>Resolves a request path to the path template of a published API description that it instantiates.</summary>
public static class PathTemplates
{
    /// <summary>Splits a path or template into its segments.</summary>
    public static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The template of <paramref name="candidates"/> that <paramref name="segments"/> instantiates: same segment count,
    /// literal segments equal (case-insensitive), a <c>{parameter}</c> any non-empty segment; the most literal one wins
    /// (<c>/pulls/comments</c> over <c>/pulls/{pull_number}</c>).
    /// </summary>
    public static T? BestMatch<T>(IEnumerable<T> candidates, Func<T, string[]> templateOf, IReadOnlyList<string> segments)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(templateOf);
        ArgumentNullException.ThrowIfNull(segments);
        T? best = null;
        var bestLiterals = -1;
        foreach (var candidate in candidates)
        {
            var template = templateOf(candidate);
            if (template.Length != segments.Count)
            {
                continue;
            }

            var literals = 0;
            var matches = true;
            for (var i = 0; i < segments.Count && matches; i++)
            {
                if (template[i].StartsWith('{') && template[i].EndsWith('}'))
                {
                    matches = segments[i].Length > 0;
                }
                else
                {
                    matches = string.Equals(template[i], segments[i], StringComparison.OrdinalIgnoreCase);
                    literals++;
                }
            }

            if (matches && literals > bestLiterals)
            {
                best = candidate;
                bestLiterals = literals;
            }
        }

        return best;
    }

    /// <summary>The parameter names of a raw query string (without '?'), unescaped.</summary>
    public static IEnumerable<string> QueryNames(string query) =>
        (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=', 2)[0]));

    /// <summary>The lines of an embedded table, without comments and blank lines, split on tabs; <paramref name="header"/> gets the comment lines.</summary>
    public static List<string[]> ReadTable(string resource, List<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        using var stream = typeof(PathTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is not embedded in FlowCollector.Testing");
        using var reader = new StreamReader(stream);
        var rows = new List<string[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#'))
            {
                header.Add(line);
            }
            else if (line.Length > 0)
            {
                rows.Add(line.Split('\t'));
            }
        }

        return rows;
    }
}
