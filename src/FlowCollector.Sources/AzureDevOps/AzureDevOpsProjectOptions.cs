namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// One entry of <c>Sources:AzureDevOps:Projects</c>: collect every Git repository of a project, found by listing it at
/// start-up and every discovery interval, so repositories created later join the schedule and deleted or disabled ones
/// leave it.
/// </summary>
/// <remarks>
/// Skipped always: empty repositories (no default branch yet) and forks (their pull requests into the parent are read
/// from the parent). Skipped unless <see cref="IncludeDisabled"/>: disabled repositories. A repository that is also
/// listed under <c>Sources:AzureDevOps:Repositories</c> is collected once.
/// </remarks>
public sealed class AzureDevOpsProjectOptions
{
    /// <summary>The project's name (or id), e.g. <c>Web Platform</c>. Required.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// Repository-name patterns to collect (<c>*</c> any characters, <c>?</c> one, case-insensitive), e.g.
    /// <c>checkout-*</c>. Empty (default): every repository of the project.
    /// </summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Repository-name patterns to leave out, applied after <see cref="Include"/> (same syntax). Default: none.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>
    /// Collect disabled repositories too (default false). Azure DevOps refuses reads of a disabled repository, so its
    /// reads fail until it is enabled again; set true only to keep such a repository on the schedule.
    /// </summary>
    public bool IncludeDisabled { get; set; }
}
