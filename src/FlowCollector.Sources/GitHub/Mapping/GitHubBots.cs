namespace FlowCollector.Sources.GitHub.Mapping;

/// <summary>Who counts as a bot: GitHub's own <c>Bot</c> account type, a <c>[bot]</c> login suffix, or a configured login.</summary>
internal sealed class GitHubBots
{
    private readonly HashSet<string> logins;

    public GitHubBots(IEnumerable<string> configuredLogins)
    {
        logins = new HashSet<string>(configuredLogins.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()), StringComparer.OrdinalIgnoreCase);
    }

    public bool IsBot(GitHubAccount? account) =>
        account is not null
        && (string.Equals(account.Type, "Bot", StringComparison.OrdinalIgnoreCase)
            || account.Login.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase)
            || logins.Contains(account.Login));
}
