using System.Text.RegularExpressions;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// The requests a simulator answered, in order, safe to read while WireMock's threads add to it. Shared by the GitHub
/// and Azure DevOps simulators so "how many requests, to which path" means the same in both.
/// </summary>
/// <typeparam name="TRequest">The simulator's record of one request.</typeparam>
public sealed class RequestLog<TRequest>(Func<TRequest, string> canonicalPath)
{
    private readonly Lock gate = new();
    private readonly List<TRequest> requests = [];

    public int Count
    {
        get
        {
            lock (gate)
            {
                return requests.Count;
            }
        }
    }

    /// <summary>A copy of every request so far, in order.</summary>
    public IReadOnlyList<TRequest> Snapshot()
    {
        lock (gate)
        {
            return [.. requests];
        }
    }

    /// <summary>Requests per canonical path (case-insensitive).</summary>
    public IReadOnlyDictionary<string, int> CountsByPath() =>
        Snapshot().GroupBy(canonicalPath, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    /// <summary>How many requests went to <paramref name="path"/> (canonical, case-insensitive, <c>*</c> matches one segment).</summary>
    public int CountTo(string path)
    {
        var pattern = RequestPaths.Pattern(path);
        return Snapshot().Count(r => pattern.IsMatch(canonicalPath(r)));
    }

    public void Add(TRequest request)
    {
        lock (gate)
        {
            requests.Add(request);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            requests.Clear();
        }
    }
}

/// <summary>Canonical request paths with <c>*</c> standing for one segment, as the simulators' counts and faults take them.</summary>
public static class RequestPaths
{
    public static Regex Pattern(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new("^" + Regex.Escape(path.TrimEnd('/')).Replace(@"\*", "[^/]+", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
