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
            lock (this.gate)
            {
                return this.requests.Count;
            }
        }
    }

    /// <summary>A copy of every request so far, in order.</summary>
    public IReadOnlyList<TRequest> Snapshot()
    {
        lock (this.gate)
        {
            return [.. this.requests];
        }
    }

    /// <summary>Requests per canonical path (case-insensitive).</summary>
    public IReadOnlyDictionary<string, int> CountsByPath() =>
        this.Snapshot().GroupBy(canonicalPath, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    public void Add(TRequest request)
    {
        lock (this.gate)
        {
            this.requests.Add(request);
        }
    }

    public void Clear()
    {
        lock (this.gate)
        {
            this.requests.Clear();
        }
    }
}
