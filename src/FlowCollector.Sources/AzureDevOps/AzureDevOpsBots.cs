namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Who counts as a bot: groups (<c>isContainer</c>), Azure DevOps' service identities ("Project Collection Build Service
/// (…)", "[DefaultCollection]\Project Collection Service Accounts", "Microsoft.VisualStudio.Services.TFS") and configured names.
/// </summary>
internal sealed class AzureDevOpsBots
{
    private static readonly string[] ServiceMarkers = ["Build Service", "Service Accounts", "Microsoft.VisualStudio.Services.", "Azure Pipelines"];

    private readonly HashSet<string> names;

    public AzureDevOpsBots(IEnumerable<string> configuredNames)
    {
        names = new HashSet<string>(configuredNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()), StringComparer.OrdinalIgnoreCase);
    }

    public bool IsBot(string? uniqueName, string? displayName, bool isContainer) =>
        isContainer
        || (uniqueName is not null && names.Contains(uniqueName))
        || (displayName is not null && names.Contains(displayName))
        || (displayName?.StartsWith('[') ?? false)
        || ServiceMarkers.Any(m => (displayName?.Contains(m, StringComparison.OrdinalIgnoreCase) ?? false) || (uniqueName?.Contains(m, StringComparison.OrdinalIgnoreCase) ?? false));

    public bool IsBot(AdoIdentity? identity) => identity is not null && IsBot(identity.UniqueName, identity.DisplayName, identity.IsContainer);

    /// <summary>A commit's git author (name and e-mail as the committer's git wrote them, not an Azure DevOps identity).</summary>
    public bool IsBot(AdoGitUserDate? author) => author is not null && IsBot(author.Email, author.Name, isContainer: false);
}
