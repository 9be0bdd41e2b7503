using System.Globalization;

namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// A pull request. The fluent methods record what happened, as Azure DevOps does: commits, and threads for reviewer
/// changes, votes, draft toggles and comments. Times are kept in milliseconds, UTC.
/// </summary>
public sealed class SimulatedAdoPullRequest
{
    private readonly List<SimulatedAdoCommit> commits = [];
    private readonly List<SimulatedAdoThread> threads = [];
    private readonly Dictionary<string, (SimulatedAdoIdentity Identity, int Vote)> reviewers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SimulatedAdoWorkItem> workItems = [];

    internal SimulatedAdoPullRequest(SimulatedAdoRepository repository, int id, SimulatedAdoIdentity author, DateTimeOffset createdAt, bool draft, string targetBranch)
    {
        Repository = repository;
        Id = id;
        Author = author;
        CreatedAt = createdAt;
        OpenedAsDraft = draft;
        TargetBranch = targetBranch;
    }

    public SimulatedAdoRepository Repository { get; }

    public int Id { get; }

    public SimulatedAdoIdentity Author { get; }

    public DateTimeOffset CreatedAt { get; }

    public bool OpenedAsDraft { get; }

    /// <summary>The target branch without <c>refs/heads/</c>.</summary>
    public string TargetBranch { get; }

    public string SourceBranch => $"users/{(Author.UniqueName ?? "bot").Split('@')[0]}/change-{Id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><c>active</c>, <c>completed</c> or <c>abandoned</c>.</summary>
    public string Status { get; private set; } = "active";

    public DateTimeOffset? ClosedAt { get; private set; }

    public string? MergeCommitSha { get; private set; }

    /// <summary>How the generator meant this pull request to go (e.g. <c>review-rounds</c>); null for hand-made ones.</summary>
    public string? Scenario { get; internal set; }

    public bool IsDraft
    {
        get
        {
            lock (Gate)
            {
                var draft = OpenedAsDraft;
                foreach (var toggle in threads.Where(t => t.Kind == SimulatedAdoThreadKind.DraftToggle).OrderBy(t => t.At))
                {
                    draft = toggle.NowDraft;
                }

                return draft;
            }
        }
    }

    public IReadOnlyList<SimulatedAdoCommit> Commits
    {
        get
        {
            lock (Gate)
            {
                return [.. commits.OrderBy(c => c.AuthoredAt)];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoThread> Threads
    {
        get
        {
            lock (Gate)
            {
                return [.. threads.OrderBy(t => t.Id)];
            }
        }
    }

    /// <summary>Reviewers with their current vote.</summary>
    public IReadOnlyList<(SimulatedAdoIdentity Identity, int Vote)> Reviewers
    {
        get
        {
            lock (Gate)
            {
                return [.. reviewers.Values];
            }
        }
    }

    public IReadOnlyList<SimulatedAdoWorkItem> WorkItems
    {
        get
        {
            lock (Gate)
            {
                return [.. workItems];
            }
        }
    }

    internal Lock Gate => Repository.Gate;

    /// <summary>A commit authored at <paramref name="authoredAt"/> (by the author unless <paramref name="author"/> says otherwise).</summary>
    public SimulatedAdoPullRequest Commit(DateTimeOffset authoredAt, SimulatedAdoIdentity? author = null, string? sha = null)
    {
        lock (Gate)
        {
            var by = author ?? Author;
            sha ??= SimulatedAzureDevOps.Sha($"{Repository.Id}/pr/{Id}/commit/{commits.Count}");
            commits.Add(new SimulatedAdoCommit(sha, SimulatedAzureDevOps.Ms(authoredAt), by));
            return this;
        }
    }

    /// <summary>Adds <paramref name="reviewer"/> (a <c>ReviewersUpdate</c> thread by <paramref name="by"/>, default the author).</summary>
    public SimulatedAdoPullRequest AddReviewer(SimulatedAdoIdentity reviewer, DateTimeOffset at, SimulatedAdoIdentity? by = null)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        lock (Gate)
        {
            reviewers.TryAdd(reviewer.Id, (reviewer, 0));
            AddThread(SimulatedAdoThreadKind.ReviewersUpdate, at, by ?? Author, subject: reviewer);
            return this;
        }
    }

    /// <summary>
    /// A vote (<c>VoteUpdate</c> thread): 10 approved, 5 approved with suggestions, 0 reset, -5 waiting for author,
    /// -10 rejected. A voter who is no reviewer yet becomes one, as in Azure DevOps.
    /// </summary>
    /// <param name="voter">Who voted.</param>
    /// <param name="vote">The vote.</param>
    /// <param name="at">When (the thread's <c>publishedDate</c>).</param>
    /// <param name="shape">How the thread names the voter.</param>
    public SimulatedAdoPullRequest Vote(SimulatedAdoIdentity voter, int vote, DateTimeOffset at, SimulatedAdoVoterShape shape = SimulatedAdoVoterShape.TfId)
    {
        ArgumentNullException.ThrowIfNull(voter);
        lock (Gate)
        {
            reviewers[voter.Id] = (voter, vote);
            AddThread(SimulatedAdoThreadKind.VoteUpdate, at, voter, vote: vote, voterShape: shape);
            return this;
        }
    }

    /// <summary>A text comment thread by <paramref name="author"/> with <paramref name="replies"/> replies by the pull request's author a minute apart.</summary>
    public SimulatedAdoPullRequest Comment(SimulatedAdoIdentity author, DateTimeOffset at, string text = "Could you explain this change?", int replies = 0)
    {
        ArgumentNullException.ThrowIfNull(author);
        lock (Gate)
        {
            AddThread(SimulatedAdoThreadKind.Text, at, author, text: text, replies: replies);
            return this;
        }
    }

    /// <summary>Draft → published (an <c>IsDraftUpdate</c> thread), its flag written as <paramref name="flag"/> says.</summary>
    public SimulatedAdoPullRequest Publish(DateTimeOffset at, SimulatedAdoDraftFlagShape flag = SimulatedAdoDraftFlagShape.Text)
    {
        lock (Gate)
        {
            AddThread(SimulatedAdoThreadKind.DraftToggle, at, Author, nowDraft: false, draftFlag: flag);
            return this;
        }
    }

    /// <summary>Published → draft (an <c>IsDraftUpdate</c> thread), its flag written as <paramref name="flag"/> says.</summary>
    public SimulatedAdoPullRequest ConvertToDraft(DateTimeOffset at, SimulatedAdoDraftFlagShape flag = SimulatedAdoDraftFlagShape.Text)
    {
        lock (Gate)
        {
            AddThread(SimulatedAdoThreadKind.DraftToggle, at, Author, nowDraft: true, draftFlag: flag);
            return this;
        }
    }

    /// <summary>Links a work item (the change's demand) created at <paramref name="createdAt"/>, activated at <paramref name="activatedAt"/>.</summary>
    public SimulatedAdoPullRequest LinkWorkItem(int id, DateTimeOffset createdAt, DateTimeOffset? activatedAt = null, string type = "User Story")
    {
        lock (Gate)
        {
            workItems.Add(new SimulatedAdoWorkItem(id, type, SimulatedAzureDevOps.Ms(createdAt), activatedAt is { } a ? SimulatedAzureDevOps.Ms(a) : null));
            return this;
        }
    }

    /// <summary>Completes (merges) the pull request: its merge commit lands on the target branch. Returns the merge SHA.</summary>
    public string Complete(DateTimeOffset at)
    {
        lock (Gate)
        {
            if (Status != "active")
            {
                throw new InvalidOperationException($"Pull request {Id} is {Status}.");
            }

            Status = "completed";
            ClosedAt = SimulatedAzureDevOps.Ms(at);
            MergeCommitSha = SimulatedAzureDevOps.Sha($"{Repository.Id}/pr/{Id}/merge");
            if (string.Equals(TargetBranch, Repository.DefaultBranch, StringComparison.Ordinal))
            {
                Repository.Land(MergeCommitSha, ClosedAt.Value, Id, Author);
            }

            return MergeCommitSha;
        }
    }

    /// <summary>Abandons the pull request.</summary>
    public SimulatedAdoPullRequest Abandon(DateTimeOffset at)
    {
        lock (Gate)
        {
            Status = "abandoned";
            ClosedAt = SimulatedAzureDevOps.Ms(at);
            return this;
        }
    }

    private void AddThread(
        SimulatedAdoThreadKind kind,
        DateTimeOffset at,
        SimulatedAdoIdentity actor,
        SimulatedAdoIdentity? subject = null,
        int vote = 0,
        bool nowDraft = false,
        string? text = null,
        int replies = 0,
        SimulatedAdoVoterShape voterShape = SimulatedAdoVoterShape.TfId,
        SimulatedAdoDraftFlagShape draftFlag = SimulatedAdoDraftFlagShape.Text) =>
        threads.Add(new SimulatedAdoThread(Repository.Project.Organization.NextThreadId(), kind, SimulatedAzureDevOps.Ms(at), actor, subject, vote, nowDraft, text, replies)
        {
            VoterShape = voterShape,
            DraftFlag = draftFlag,
        });
}

/// <summary>How a <c>VoteUpdate</c> thread names its voter; real payloads come both ways.</summary>
public enum SimulatedAdoVoterShape
{
    /// <summary><c>CodeReviewVotedByTfId</c> and <c>CodeReviewVotedByDisplayName</c> (the REST reference's example).</summary>
    TfId,

    /// <summary>
    /// <c>CodeReviewVotedByIdentity</c> (and <c>…InitiatorIdentity</c>) = a key of the thread's <c>identities</c> map
    /// (<c>CommentThread.identities</c> in the 7.1 description): what current service versions and the web UI use.
    /// </summary>
    IdentityRef,
}

/// <summary>How an <c>IsDraftUpdate</c> thread carries <c>CodeReviewIsDraftNowSet</c>.</summary>
public enum SimulatedAdoDraftFlagShape
{
    /// <summary><c>"True"</c> / <c>"False"</c>: the property bag returns booleans as strings (7.1 <c>PropertiesCollection</c>).</summary>
    Text,

    /// <summary>A JSON boolean <c>$value</c>.</summary>
    JsonBoolean,

    /// <summary>No flag at all.</summary>
    Missing,
}

/// <summary>A commit of a pull request.</summary>
public sealed record SimulatedAdoCommit(string Sha, DateTimeOffset AuthoredAt, SimulatedAdoIdentity Author);

public enum SimulatedAdoThreadKind
{
    Text,
    VoteUpdate,
    ReviewersUpdate,
    DraftToggle,
}

/// <summary>A pull request thread: a system thread (vote, reviewers, draft toggle) or a text discussion.</summary>
public sealed record SimulatedAdoThread(
    int Id, SimulatedAdoThreadKind Kind, DateTimeOffset At, SimulatedAdoIdentity Actor, SimulatedAdoIdentity? Subject, int Vote, bool NowDraft, string? Text, int Replies)
{
    public SimulatedAdoVoterShape VoterShape { get; init; }

    public SimulatedAdoDraftFlagShape DraftFlag { get; init; }
}

/// <summary>A work item linked to a pull request.</summary>
public sealed record SimulatedAdoWorkItem(int Id, string Type, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt);
