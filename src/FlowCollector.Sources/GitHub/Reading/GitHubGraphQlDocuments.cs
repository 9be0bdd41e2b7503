using FlowCollector.Sources.GitHub.Mapping;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// Every GraphQL document the source sends, as constants so a test can validate each against GitHub's published
/// schema. Each asks for <c>rateLimit { cost remaining resetAt }</c>, which GitHub does not charge for.
/// </summary>
/// <remarks>
/// Cost (GitHub: the requests needed to fill each connection at its <c>first</c> size, summed, divided by 100 and
/// rounded, at least 1): <see cref="PullRequestsByUpdate"/> with <see cref="PullRequestPageSize"/> = 49 needs
/// 1 (pull requests) + 3 × 49 (commits, reviews, timeline items of each) = 148 requests → 1 point for 49 pull
/// requests. 50 would need 151 → 2 points. The nested sizes do not enter the formula (no connection below them),
/// so they are GitHub's maximum, 100, which leaves follow-up queries (1 point each) to outliers. Labels come as
/// label and unlabel events of the timeline list rather than a <c>labels</c> connection, which would add 49 requests
/// per page (197 → 2 points): the current labels are replayed from those events.
/// </remarks>
public static class GitHubGraphQlDocuments
{
    /// <summary>Pull requests per page: the most for which one page costs 1 point.</summary>
    public const int PullRequestPageSize = 49;

    /// <summary>Commits, reviews and timeline items per pull request and page (GitHub's maximum).</summary>
    public const int NestedPageSize = 100;

    /// <summary>The pull-request fields <see cref="PullRequestEventMapper"/> needs, nested lists included.</summary>
    public const string PullRequestsByUpdate = """
        query PullRequestsByUpdate($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            defaultBranchRef { name }
            pullRequests(orderBy: {field: UPDATED_AT, direction: DESC}, first: $first, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes {
        """ + PullRequestFields + """
              }
            }
          }
        }
        """;

    /// <summary>
    /// Pull requests per page of <see cref="PullRequestsWithLinkedIssuesByUpdate"/>: its fourth nested connection
    /// (the issues each closes) makes 1 + 4 × 37 = 149 requests → 1 point; 38 would need 153 → 2.
    /// </summary>
    public const int LinkedIssuesPullRequestPageSize = 37;

    /// <summary>
    /// <see cref="PullRequestsByUpdate"/> plus the issues each pull request closes (<c>closingIssuesReferences</c>: closing
    /// keywords and manual links), whose creation starts the <c>backlog</c> stage. Used when
    /// <see cref="GitHubSourceOptions.ReadLinkedIssues"/> is on: 1 point per 37 pull requests instead of 49.
    /// </summary>
    public const string PullRequestsWithLinkedIssuesByUpdate = """
        query PullRequestsWithLinkedIssuesByUpdate($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!, $linked: Int!) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            defaultBranchRef { name }
            pullRequests(orderBy: {field: UPDATED_AT, direction: DESC}, first: $first, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes {
                closingIssuesReferences(first: $linked) { nodes { number createdAt } }
        """ + PullRequestFields + """
              }
            }
          }
        }
        """;

    /// <summary>Issues a pull request closes that are read with it; the earliest created one starts the stream, so more rarely matter.</summary>
    public const int LinkedIssuesPerPullRequest = 10;

    /// <summary>The commits of one pull request after <c>$after</c>, when it has more than <see cref="NestedPageSize"/>.</summary>
    public const string PullRequestCommits = """
        query PullRequestCommits($owner: String!, $name: String!, $number: Int!, $nested: Int!, $after: String) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            pullRequest(number: $number) {
              commits(first: $nested, after: $after) {
        """ + CommitFields + """
              }
            }
          }
        }
        """;

    /// <summary>The reviews of one pull request after <c>$after</c>.</summary>
    public const string PullRequestReviews = """
        query PullRequestReviews($owner: String!, $name: String!, $number: Int!, $nested: Int!, $after: String) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            pullRequest(number: $number) {
              reviews(first: $nested, after: $after) {
        """ + ReviewFields + """
              }
            }
          }
        }
        """;

    /// <summary>The draft toggles, review requests and label changes of one pull request after <c>$after</c>.</summary>
    public const string PullRequestTimeline = """
        query PullRequestTimeline($owner: String!, $name: String!, $number: Int!, $nested: Int!, $after: String) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            pullRequest(number: $number) {
              timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT, REVIEW_REQUESTED_EVENT, LABELED_EVENT, UNLABELED_EVENT], first: $nested, after: $after) {
        """ + TimelineFields + """
              }
            }
          }
        }
        """;

    /// <summary>
    /// Deployments, newest first, each with its first <c>$nested</c> statuses. Cost: 1 (deployments) + <c>$first</c>
    /// (statuses of each) requests → 1 point for 100 deployments with up to 100 statuses each.
    /// </summary>
    public const string Deployments = """
        query Deployments($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            deployments(orderBy: {field: CREATED_AT, direction: DESC}, first: $first, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes {
                id databaseId commitOid environment createdAt updatedAt
                statuses(first: $nested) {
        """ + DeploymentStatusFields + """
                }
              }
            }
          }
        }
        """;

    /// <summary>
    /// Releases, newest first, with the commit their tag points to: the deployment fallback for repositories without
    /// deployments. Cost: 1 point per page of 100.
    /// </summary>
    public const string Releases = """
        query Releases($owner: String!, $name: String!, $first: Int!, $after: String) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            releases(orderBy: {field: CREATED_AT, direction: DESC}, first: $first, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes { databaseId tagName isDraft isPrerelease createdAt publishedAt url tagCommit { oid } }
            }
          }
        }
        """;

    /// <summary>The statuses of one deployment after <c>$after</c>, when it has more than <see cref="NestedPageSize"/>.</summary>
    public const string DeploymentStatuses = """
        query DeploymentStatuses($id: ID!, $nested: Int!, $after: String) {
          rateLimit { cost remaining resetAt }
          node(id: $id) {
            ... on Deployment {
              statuses(first: $nested, after: $after) {
        """ + DeploymentStatusFields + """
              }
            }
          }
        }
        """;

    /// <summary>
    /// The default branch's history, newest first (<c>git log</c> order), each commit with its parents and commit time:
    /// the graph change sets are computed on, read only as far back as they need. Cost: 1 + <c>$first</c> (parents of each) → 1 point per 100 commits.
    /// </summary>
    public const string TrunkHistory = """
        query TrunkHistory($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            defaultBranchRef {
              name
              target {
                __typename
                ... on Commit {
                  history(first: $first, after: $after) {
                    pageInfo { hasNextPage endCursor }
                    nodes { oid committedDate parents(first: $nested) { totalCount nodes { oid } } }
                  }
                }
              }
            }
          }
        }
        """;

    /// <summary>
    /// The default branch's commits committed since <c>$since</c>, newest first, each with whether a pull request is
    /// associated with it (<c>Commit.associatedPullRequests</c>: a merge, squash or rebased commit of a pull request is; a
    /// direct push is not) and its web page (<c>Commit.url</c>, "The HTTP URL for this commit", the link of a direct push).
    /// Cost: 1 + <c>$first</c> (the pull requests of each) → 1 point per 100 commits.
    /// </summary>
    public const string DirectCommits = """
        query DirectCommits($owner: String!, $name: String!, $first: Int!, $after: String, $since: GitTimestamp!) {
          rateLimit { cost remaining resetAt }
          repository(owner: $owner, name: $name) {
            defaultBranchRef {
              name
              target {
                __typename
                ... on Commit {
                  history(first: $first, after: $after, since: $since) {
                    pageInfo { hasNextPage endCursor }
                    nodes { oid url committedDate authoredDate author { user { login } } associatedPullRequests(first: 1) { totalCount } }
                  }
                }
              }
            }
          }
        }
        """;

    /// <summary>Deployments per page of <see cref="Deployments"/> and commits per page of <see cref="TrunkHistory"/> at most (GitHub's maximum).</summary>
    public const int ListPageSize = 100;

    /// <summary>Every document above, by operation name.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(PullRequestsByUpdate)] = PullRequestsByUpdate,
        [nameof(PullRequestsWithLinkedIssuesByUpdate)] = PullRequestsWithLinkedIssuesByUpdate,
        [nameof(PullRequestCommits)] = PullRequestCommits,
        [nameof(PullRequestReviews)] = PullRequestReviews,
        [nameof(PullRequestTimeline)] = PullRequestTimeline,
        [nameof(Deployments)] = Deployments,
        [nameof(DeploymentStatuses)] = DeploymentStatuses,
        [nameof(TrunkHistory)] = TrunkHistory,
        [nameof(DirectCommits)] = DirectCommits,
        [nameof(Releases)] = Releases,
    };

    /// <summary>A pull request's fields and nested lists, as both pull-request documents ask for them.</summary>
    private const string PullRequestFields = """
                number url title createdAt updatedAt isDraft mergedAt closedAt baseRefName headRefName
                author { login __typename }
                mergeCommit { oid }
                commits(first: $nested) {
        """ + CommitFields + """
                }
                reviews(first: $nested) {
        """ + ReviewFields + """
                }
                timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT, REVIEW_REQUESTED_EVENT, LABELED_EVENT, UNLABELED_EVENT], first: $nested) {
        """ + TimelineFields + """
                }
        """;

    private const string DeploymentStatusFields = """
                  pageInfo { hasNextPage endCursor }
                  nodes { state createdAt logUrl }
        """;

    // GitActor.user is a User: a bot's commits come without a login (REST would say e.g. dependabot[bot]).
    private const string CommitFields = """
                  totalCount
                  pageInfo { hasNextPage endCursor }
                  nodes { commit { oid authoredDate author { user { login } } } }
        """;

    private const string ReviewFields = """
                  pageInfo { hasNextPage endCursor }
                  nodes { databaseId author { login __typename } state createdAt submittedAt }
        """;

    private const string TimelineFields = """
                  pageInfo { hasNextPage endCursor }
                  nodes {
                    __typename
                    ... on ReadyForReviewEvent { createdAt actor { login __typename } }
                    ... on ConvertToDraftEvent { createdAt actor { login __typename } }
                    ... on ReviewRequestedEvent { createdAt actor { login __typename } }
                    ... on LabeledEvent { createdAt actor { login __typename } label { name } }
                    ... on UnlabeledEvent { createdAt actor { login __typename } label { name } }
                  }
        """;
}
