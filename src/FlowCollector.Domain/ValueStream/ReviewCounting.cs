namespace FlowCollector.Domain.ValueStream;

/// <summary>Which reviews count (docs/metrics.md, "Who counts as a reviewer").</summary>
/// <param name="BotLogins">Extra logins treated as bots, besides any login ending in <c>[bot]</c>.</param>
/// <param name="CommentsEndPickup">When true (default), a single review comment ends <c>pickup</c>; when false only submitted reviews do.</param>
public sealed record ReviewCounting(IReadOnlySet<string> BotLogins, bool CommentsEndPickup = true)
{
    public static ReviewCounting Default { get; } = new(new HashSet<string>(StringComparer.OrdinalIgnoreCase));

    public bool IsBot(string reviewer, bool flaggedBot) =>
        flaggedBot
        || reviewer.EndsWith("[bot]", StringComparison.OrdinalIgnoreCase)
        || this.BotLogins.Contains(reviewer);
}
