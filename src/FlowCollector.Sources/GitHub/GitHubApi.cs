namespace FlowCollector.Sources.GitHub;

/// <summary>Which GitHub API reads pull requests (<c>Sources:GitHub:Api</c>).</summary>
public enum GitHubApi
{
    /// <summary>
    /// GraphQL (default): 49 pull requests with their commits, reviews and draft/review-request events per query,
    /// 1 rate-limit point per page instead of 3 REST requests per pull request.
    /// </summary>
    GraphQl,

    /// <summary>REST through Octokit: 3 requests per pull request to the default branch. The fallback, e.g. for a proxy that only passes REST.</summary>
    Rest,
}
