namespace FlowCollector.Sources.GitHub.Discovery;

/// <summary>
/// One organisation (or user account) whose repositories are collected without listing them one by one. Bound from
/// <c>Sources:GitHub:Organizations:{i}</c>. The list is read again every <c>Collection:DiscoveryInterval</c>, so new
/// repositories join and archived or excluded ones leave the schedule without a restart.
/// </summary>
public sealed class GitHubOrganizationOptions
{
    /// <summary>The organisation's login, e.g. <c>contoso</c>; a user login works too (its own repositories are listed).</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// Glob patterns on the repository name (not owner/name), case-insensitive: <c>*</c> any characters, <c>?</c> one.
    /// A repository is collected when it matches any of them. Empty (default): every repository.
    /// </summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Glob patterns (as <see cref="Include"/>) of repositories never collected, even when included. Default: none.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Collect only repositories having at least one of these topics (case-insensitive). Empty (default): no topic filter.</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>Collect archived repositories too (default false: they cannot change any more).</summary>
    public bool IncludeArchived { get; set; }

    /// <summary>Collect forks too (default false: a fork's pull requests usually belong to its upstream's flow).</summary>
    public bool IncludeForks { get; set; }
}
