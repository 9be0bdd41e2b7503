namespace FlowCollector.Domain.Events;

/// <summary>What a submitted review said.</summary>
public enum ReviewState
{
    /// <summary>Not a review event.</summary>
    None,

    /// <summary>The reviewer approved.</summary>
    Approved,

    /// <summary>The reviewer asked for changes.</summary>
    ChangesRequested,

    /// <summary>The reviewer commented without a verdict.</summary>
    Commented,

    /// <summary>An earlier review was dismissed.</summary>
    Dismissed,
}
