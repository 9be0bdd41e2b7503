namespace FlowCollector.Domain.ValueStream;

/// <summary>A change that sits in a wait stage right now, and since when; its link (pull request, or the commit of a direct push) when the source reported one.</summary>
public sealed record WaitingItem(string ChangeId, StageDefinition Stage, DateTimeOffset Since, string? Url = null, bool Direct = false);
