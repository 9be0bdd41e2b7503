using System.Security.Cryptography;
using System.Text;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Tells cheaply whether a read of one repository would see anything new, so an idle repository costs a few list
/// requests per poll instead of re-reading every active pull request (2 requests each): the collector skips the read
/// when the probe says unchanged and reads in full at least every <c>Collection:ReconcileInterval</c>.
/// </summary>
/// <remarks>
/// The validators are the SHA-256 of these answers (Azure DevOps sends no ETags on these lists):
/// <list type="bullet">
/// <item>the repository (its id and default branch);</item>
/// <item>the active pull requests into the default branch (one page of up to <see cref="ActivePage"/>): a push
/// (<c>lastMergeSourceCommit</c>), a vote or reviewer, the draft flag, title, labels, status and merge status are on the
/// list entry, and a pull request completed or abandoned leaves the list;</item>
/// <item>the newest pull request of any status (<c>$top=1</c>): one opened and closed between two polls;</item>
/// <item>with <see cref="AzureDevOpsSourceOptions.ReadDirectPushes"/>, the newest push to the default branch;</item>
/// <item>with <see cref="AzureDevOpsSourceOptions.ReadBuilds"/>, the newest finished build of the default branch and its
/// builds in progress: deployment records appear when a run finishes;</item>
/// <item>with <see cref="AzureDevOpsSourceOptions.ReadReleases"/>, the newest classic release deployment.</item>
/// </list>
/// Not on any list entry, so seen at the next full read: a comment without a vote on an active pull request, and
/// incidents (<see cref="AzureDevOpsSourceOptions.ReadIncidents"/>).
/// </remarks>
public sealed partial class AzureDevOpsEventSource : IChangeProbe
{
    /// <summary>Active pull requests fingerprinted in one request.</summary>
    internal const int ActivePage = 1000;

    public async Task<ChangeProbeResult> ProbeAsync(RepositoryRef repository, string? validators, CancellationToken cancellationToken)
    {
        var (client, endpoints) = Open(repository);
        var project = AzureDevOpsEndpoints.ProjectOf(repository);
        var repo = await GetRepositoryAsync(client, project, repository, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{repo.Id}\n{repo.DefaultBranch}\n"));
        var releaseRequests = 0;
        if (!string.IsNullOrEmpty(repo.DefaultBranch))
        {
            foreach (var path in ProbePaths(project, repository, repo))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
                hash.AppendData(await client.GetBytesAsync(path, cancellationToken));
            }

            if (options.ReadReleases)
            {
                var releaseClient = OpenReleaseManagement(repository, endpoints);
                var path = AzureDevOpsClient.Path(AzureDevOpsEndpoints.ProjectPath(project, "release/deployments"), ("queryOrder", "descending"), ("$top", "1"));
                hash.AppendData(await releaseClient.GetBytesAsync(path, cancellationToken));
                releaseRequests = releaseClient.Requests;
            }
        }

        var current = Convert.ToHexStringLower(hash.GetHashAndReset());
        var unchanged = string.Equals(current, validators, StringComparison.Ordinal);
        var usage = new SourceUsage(client.Requests + releaseRequests, throttle.RateLimitRemaining);
        LogProbed(logger, repository.Key, unchanged, usage.Requests);
        return new ChangeProbeResult(unchanged, current, usage);
    }

    private IEnumerable<string> ProbePaths(string project, RepositoryRef repository, AdoRepository repo)
    {
        var pullRequests = AzureDevOpsEndpoints.ProjectPath(project, $"git/repositories/{Uri.EscapeDataString(repository.Name)}/pullrequests");
        yield return AzureDevOpsClient.Path(pullRequests, ("searchCriteria.status", "active"), ("searchCriteria.targetRefName", repo.DefaultBranch), ("$top", AzureDevOpsClient.Number(ActivePage)));
        yield return AzureDevOpsClient.Path(pullRequests, ("searchCriteria.status", "all"), ("searchCriteria.targetRefName", repo.DefaultBranch), ("$top", "1"));
        if (options.ReadDirectPushes)
        {
            // The newest push to the default branch: a direct push (which may start no build) changes it.
            var pushes = AzureDevOpsEndpoints.ProjectPath(project, $"git/repositories/{Uri.EscapeDataString(repository.Name)}/pushes");
            yield return AzureDevOpsClient.Path(pushes, ("searchCriteria.refName", repo.DefaultBranch), ("$top", "1"));
        }

        if (options.ReadBuilds)
        {
            var builds = AzureDevOpsEndpoints.ProjectPath(project, "build/builds");
            (string, string?)[] Filter(string status, string order, int top) =>
                [("repositoryId", repo.Id), ("repositoryType", "TfsGit"), ("branchName", repo.DefaultBranch), ("statusFilter", status), ("queryOrder", order), ("$top", AzureDevOpsClient.Number(top))];
            yield return AzureDevOpsClient.Path(builds, Filter("completed", "finishTimeDescending", 1));
            yield return AzureDevOpsClient.Path(builds, Filter("inProgress", "queueTimeDescending", ActivePage));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probed {Repository}: unchanged {Unchanged}, {Requests} requests")]
    private static partial void LogProbed(ILogger logger, string repository, bool unchanged, int requests);
}
