namespace FlowCollector.Testing.Simulation;

/// <summary>An issue of a simulated repository (e.g. an incident report carrying an <c>incident</c> label).</summary>
public sealed class SimulatedIssue(SimulatedRepository repository, int number, string title, SimulatedUser author, DateTimeOffset createdAt)
{
    public SimulatedRepository Repository { get; } = repository;

    public int Number { get; } = number;

    public string Title { get; } = title;

    public SimulatedUser Author { get; } = author;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public List<string> Labels { get; } = [];

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset UpdatedAt => ClosedAt ?? CreatedAt;

    public long Id => SimulatedIds.StableNumber($"{Repository.FullName}/issue/{Number}");
}

/// <summary>A release of a simulated repository; <see cref="PublishedAt"/> is null while it is a draft.</summary>
public sealed class SimulatedRelease(SimulatedRepository repository, long id, string tagName, string sha, DateTimeOffset createdAt)
{
    public SimulatedRepository Repository { get; } = repository;

    public long Id { get; } = id;

    public string TagName { get; } = tagName;

    /// <summary>The commit the tag points to.</summary>
    public string Sha { get; } = sha;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset? PublishedAt { get; set; }

    public bool IsPrerelease { get; set; }

    public bool IsDraft => PublishedAt is null;
}
