using System.Globalization;

namespace FlowCollector.Sources.GitHub.Mapping;

/// <summary>
/// The workflow run a deployment status links to. A deployment that a GitHub Actions job made (a job with an
/// <c>environment</c>) gets statuses whose <c>log_url</c> (GraphQL <c>DeploymentStatus.logUrl</c>; REST's older
/// <c>target_url</c> holds the same) is the run's page, <c>https://github.com/{owner}/{repo}/actions/runs/{run_id}</c>,
/// possibly followed by <c>/job/{job_id}</c> or <c>/attempts/{n}</c>. The statuses are read with the deployments anyway,
/// so telling a deployment run from CI costs no request.
/// </summary>
internal static class ActionsRunLink
{
    private const string Marker = "/actions/runs/";

    /// <summary>The run id in <paramref name="url"/>, or null when it is not a run's page (a deployment made by another tool).</summary>
    public static string? RunIdOf(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var path = uri.AbsolutePath;
        var at = path.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = path.AsSpan(at + Marker.Length);
        var end = rest.IndexOf('/');
        var id = end < 0 ? rest : rest[..end];
        return id.Length > 0 && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number.ToString(CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>The run that the statuses of a deployment link to (the first status that names one, oldest first).</summary>
    public static string? RunIdOf(IEnumerable<DeploymentStatusSnapshot> statuses) =>
        statuses.OrderBy(s => s.CreatedAt).Select(s => RunIdOf(s.TargetUrl)).FirstOrDefault(id => id is not null);
}
