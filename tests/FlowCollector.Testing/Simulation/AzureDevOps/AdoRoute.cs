using System.Globalization;

namespace FlowCollector.Testing.Simulation.AzureDevOps;

internal enum AdoRouteKind
{
    Unknown,
    OutsideCollection,
    UnknownProject,
    UnknownRepository,
    Repository,
    PullRequests,
    PullRequestCommits,
    PullRequestThreads,
    PullRequestWorkItems,
    WorkItems,
    Builds,
    BuildTimeline,
    BuildChanges,
    ChangesBetweenBuilds,
    Environments,
    EnvironmentDeploymentRecords,
    Build,
    ReleaseDeployments,
    Release,
    Wiql,
    Repositories,
    ArtifactUriQuery,
    CommitsBatch,
    Pushes,
    Push,
}

/// <summary>A request path resolved against the model.</summary>
internal sealed record AdoRoute(AdoRouteKind Kind, string CanonicalPath, SimulatedAdoProject? Project = null, SimulatedAdoRepository? Repository = null, long Number = 0, string? Missing = null)
{
    public static AdoRoute Resolve(SimulatedAzureDevOps model, string prefix, string rawPath)
    {
        if (!rawPath.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            return new AdoRoute(AdoRouteKind.OutsideCollection, rawPath);
        }

        var segments = rawPath[prefix.Length..].Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var canonical = "/" + string.Join('/', segments);
        if (segments is ["_apis", "wit", "workitems"])
        {
            return new AdoRoute(AdoRouteKind.WorkItems, canonical);
        }

        if (segments is ["_apis", "wit", "artifacturiquery"])
        {
            return new AdoRoute(AdoRouteKind.ArtifactUriQuery, canonical);
        }

        if (segments.Length < 3 || !string.Equals(segments[1], "_apis", StringComparison.OrdinalIgnoreCase))
        {
            return new AdoRoute(AdoRouteKind.Unknown, canonical);
        }

        var project = model.FindProject(segments[0]);
        if (project is null)
        {
            return new AdoRoute(AdoRouteKind.UnknownProject, canonical, Missing: segments[0]);
        }

        var rest = segments[2..].Select(s => s.ToLowerInvariant()).ToArray();
        var original = segments[2..];
        string Canonical(params string[] tail) => $"/{project.Name}/_apis/{string.Join('/', tail)}";
        static long Id(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

        if (rest is ["git", "repositories", _, ..])
        {
            var repository = project.FindRepository(original[2]);
            if (repository is null)
            {
                return new AdoRoute(AdoRouteKind.UnknownRepository, canonical, project, Missing: original[2]);
            }

            var repoPath = new[] { "git", "repositories", repository.Name };
            return rest[3..] switch
            {
                [] => new AdoRoute(AdoRouteKind.Repository, Canonical(repoPath), project, repository),
                ["pullrequests"] => new AdoRoute(AdoRouteKind.PullRequests, Canonical([.. repoPath, "pullrequests"]), project, repository),
                ["commitsbatch"] => new AdoRoute(AdoRouteKind.CommitsBatch, Canonical([.. repoPath, "commitsbatch"]), project, repository),
                ["pushes"] => new AdoRoute(AdoRouteKind.Pushes, Canonical([.. repoPath, "pushes"]), project, repository),
                ["pushes", var id] => new AdoRoute(AdoRouteKind.Push, Canonical([.. repoPath, "pushes", id]), project, repository, Id(id)),
                ["pullrequests", var id, "commits"] => new AdoRoute(AdoRouteKind.PullRequestCommits, Canonical([.. repoPath, "pullrequests", id, "commits"]), project, repository, Id(id)),
                ["pullrequests", var id, "threads"] => new AdoRoute(AdoRouteKind.PullRequestThreads, Canonical([.. repoPath, "pullrequests", id, "threads"]), project, repository, Id(id)),
                ["pullrequests", var id, "workitems"] => new AdoRoute(AdoRouteKind.PullRequestWorkItems, Canonical([.. repoPath, "pullrequests", id, "workitems"]), project, repository, Id(id)),
                _ => new AdoRoute(AdoRouteKind.Unknown, canonical, project, repository),
            };
        }

        return rest switch
        {
            ["git", "repositories"] => new AdoRoute(AdoRouteKind.Repositories, Canonical(rest), project),
            ["wit", "artifacturiquery"] => new AdoRoute(AdoRouteKind.ArtifactUriQuery, Canonical(rest), project),
            ["wit", "workitems"] => new AdoRoute(AdoRouteKind.WorkItems, Canonical(rest), project),
            ["wit", "wiql"] => new AdoRoute(AdoRouteKind.Wiql, Canonical(rest), project),
            ["build", "builds"] => new AdoRoute(AdoRouteKind.Builds, Canonical(rest), project),
            ["build", "builds", var id] => new AdoRoute(AdoRouteKind.Build, Canonical(rest), project, Number: Id(id)),
            ["release", "deployments"] => new AdoRoute(AdoRouteKind.ReleaseDeployments, Canonical(rest), project),
            ["release", "releases", var id] => new AdoRoute(AdoRouteKind.Release, Canonical(rest), project, Number: Id(id)),
            ["build", "builds", var id, "timeline"] => new AdoRoute(AdoRouteKind.BuildTimeline, Canonical(rest), project, Number: Id(id)),
            ["build", "builds", var id, "changes"] => new AdoRoute(AdoRouteKind.BuildChanges, Canonical(rest), project, Number: Id(id)),
            ["build", "changes"] => new AdoRoute(AdoRouteKind.ChangesBetweenBuilds, Canonical(rest), project),
            ["distributedtask", "environments"] => new AdoRoute(AdoRouteKind.Environments, Canonical(rest), project),
            ["distributedtask", "environments", var id, "environmentdeploymentrecords"] => new AdoRoute(AdoRouteKind.EnvironmentDeploymentRecords, Canonical(rest), project, Number: Id(id)),
            _ => new AdoRoute(AdoRouteKind.Unknown, canonical, project),
        };
    }
}

/// <summary>A query string: the last value of each parameter, unescaped.</summary>
internal sealed class AdoQuery(string raw)
{
    private readonly Dictionary<string, string> values = raw.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .GroupBy(p => Uri.UnescapeDataString(p[0]), StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.Last().ElementAtOrDefault(1) ?? ""), StringComparer.OrdinalIgnoreCase);

    public string Raw { get; } = raw;

    public string? Get(string name) => values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public int? Int(string name) => int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public DateTimeOffset? Time(string name) =>
        DateTimeOffset.TryParse(Get(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value : null;
}
