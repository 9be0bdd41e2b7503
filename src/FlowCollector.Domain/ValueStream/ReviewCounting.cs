namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// Which reviews count (docs/metrics.md, "Who counts as a reviewer"). Who is a bot is not decided here: each source
/// flags its own bots on the event (<see cref="Events.FlowEvent.ActorIsBot"/>) and the engine trusts that flag alone.
/// </summary>
/// <param name="CommentsEndPickup">When true (default), a single review comment ends <c>pickup</c>; when false only submitted reviews do.</param>
public sealed record ReviewCounting(bool CommentsEndPickup = true)
{
    public static ReviewCounting Default { get; } = new();
}
