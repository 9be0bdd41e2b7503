using System.Text.RegularExpressions;

namespace FlowCollector.Worker.Tests.Architecture;

/// <summary>
/// Which of our namespaces uses which, read from the sources: a file depends on a namespace it imports
/// (<c>using FlowCollector.…;</c>), names in full, or whose top-level type it names (a child namespace sees its
/// parent's types without a <c>using</c>, so imports alone would miss <c>GitHub.Auth → GitHub</c>). Comments and string
/// literals are left out; a type name declared in several namespaces is ambiguous and not counted.
/// </summary>
internal sealed partial class NamespaceGraph
{
    private readonly Dictionary<string, Dictionary<string, SortedSet<string>>> edges = new(StringComparer.Ordinal);

    private NamespaceGraph()
    {
    }

    /// <summary>Namespace → the namespaces it uses → where (file: what).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, SortedSet<string>>> Edges => edges;

    /// <summary>The graph of every <c>.cs</c> file under <paramref name="sourceRoot"/> (bin and obj left out).</summary>
    public static NamespaceGraph Of(string sourceRoot) =>
        Of(Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(f => (Path.GetRelativePath(sourceRoot, f), File.ReadAllText(f))));

    /// <summary>The graph of the given files (name, text).</summary>
    public static NamespaceGraph Of(IEnumerable<(string Name, string Text)> files)
    {
        var parsed = files
            .Select(f => (f.Name, Code: WithoutCommentsAndStrings(f.Text), Namespace: NamespaceDeclaration().Match(f.Text)))
            .Select(f => (f.Name, f.Code, Body: ImportOrNamespaceLine().Replace(f.Code, ""), f.Namespace))
            .Where(f => f.Namespace.Success)
            .Select(f => (f.Name, f.Code, f.Body, Namespace: f.Namespace.Groups[1].Value))
            .ToList();
        var declaredIn = parsed
            .SelectMany(f => TopLevelType().Matches(f.Code).Select(m => (Type: m.Groups[1].Value, f.Namespace)))
            .GroupBy(d => d.Type, StringComparer.Ordinal)
            .Where(g => g.Select(d => d.Namespace).Distinct(StringComparer.Ordinal).Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Namespace, StringComparer.Ordinal);

        var graph = new NamespaceGraph();
        foreach (var (name, code, body, ns) in parsed)
        {
            foreach (Match import in Import().Matches(code))
            {
                graph.Add(ns, import.Groups[1].Value, $"{name}: using");
            }

            foreach (Match qualified in Qualified().Matches(body))
            {
                graph.Add(ns, qualified.Groups[1].Value, $"{name}: {qualified.Value}");
            }

            foreach (var identifier in Identifier().Matches(body).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (declaredIn.TryGetValue(identifier, out var target))
                {
                    graph.Add(ns, target, $"{name}: {identifier}");
                }
            }
        }

        return graph;
    }

    /// <summary>Every dependency of a namespace under <paramref name="from"/> on one that <paramref name="allowed"/> rejects, as "a → b (where)".</summary>
    public IReadOnlyList<string> Violations(string from, Func<string, bool> allowed) =>
        [.. edges
            .Where(e => Within(e.Key, from))
            .SelectMany(e => e.Value.Where(d => !allowed(d.Key)).Select(d => $"{e.Key} → {d.Key} ({string.Join(", ", d.Value.Take(3))})"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Pairs of namespaces that use each other, as "a ↔ b".</summary>
    public IReadOnlyList<string> MutualDependencies() =>
        [.. edges
            .SelectMany(e => e.Value.Keys.Where(d => string.CompareOrdinal(e.Key, d) < 0 && edges.TryGetValue(d, out var back) && back.ContainsKey(e.Key)).Select(d => $"{e.Key} ↔ {d}"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="ns"/> is <paramref name="root"/> or one of its children.</summary>
    public static bool Within(string ns, string root) =>
        string.Equals(ns, root, StringComparison.Ordinal) || ns.StartsWith(root + ".", StringComparison.Ordinal);

    private void Add(string from, string to, string where)
    {
        // A namespace's own types, and a "using" of a parent (implicit anyway), are no dependency between folders.
        if (string.Equals(from, to, StringComparison.Ordinal) || !to.StartsWith("FlowCollector.", StringComparison.Ordinal))
        {
            return;
        }

        if (!edges.TryGetValue(from, out var targets))
        {
            targets = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            edges.Add(from, targets);
        }

        if (!targets.TryGetValue(to, out var places))
        {
            places = new SortedSet<string>(StringComparer.Ordinal);
            targets.Add(to, places);
        }

        places.Add(where);
    }

    private static string WithoutCommentsAndStrings(string text) =>
        CommentOrString().Replace(text, m => m.Value.StartsWith("//", StringComparison.Ordinal) || m.Value.StartsWith("/*", StringComparison.Ordinal) ? " " : "\"\"");

    [GeneratedRegex(@"^namespace (FlowCollector[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    // Top-level types only (column 0 under a file-scoped namespace): nested private helpers are no folder's API.
    [GeneratedRegex(@"^(?:(?:public|internal|file|static|sealed|abstract|partial|readonly|ref)\s+)*(?:class|record|interface|enum|struct)\s+([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^using (?:\w+\s*=\s*)?(FlowCollector(?:\.\w+)*)(?:\.[A-Z]\w*)?\s*;", RegexOptions.Multiline)]
    private static partial Regex Import();

    // FlowCollector.X.Y.Type: the namespace is every segment before the last (types are PascalCase like namespaces, so the
    // last segment is taken for the type, which over-counts only for a fully named namespace, harmless here).
    [GeneratedRegex(@"(?<![\w.])(FlowCollector(?:\.[A-Z]\w*)+)\.[A-Z]\w*(?![\w.])")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"^(?:using|namespace) [^\n]*", RegexOptions.Multiline)]
    private static partial Regex ImportOrNamespaceLine();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""[\s\S]*?""""""|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();
}
