namespace FlowCollector.Domain.ValueStream;

/// <summary>
/// The built-in rule that decides when a stage is present and when it ends (docs/metrics.md, "Stages").
/// A configured stage picks one rule; its name and kind are free.
/// </summary>
public enum StageRule
{
    /// <summary>Linked work item created → activated or first commit. Wait.</summary>
    Backlog,

    /// <summary>First commit → ready for review (or opened if never a draft). Process.</summary>
    Coding,

    /// <summary>→ first counted review or review comment. Wait.</summary>
    Pickup,

    /// <summary>→ last approval before merge, or the merge when nobody approved. Process.</summary>
    Review,

    /// <summary>→ merged, when an approval exists or nobody reviewed. Wait.</summary>
    Merge,

    /// <summary>→ the first run on the merge commit started. Wait.</summary>
    CiQueue,

    /// <summary>→ the first successful attempt finished. Process.</summary>
    Ci,

    /// <summary>→ the first deployment carrying the change to the first environment of the path started (whatever its result). Wait.</summary>
    ReleaseWait,

    /// <summary>→ the first successful deployment carrying the change to the stage's environment finished; failed attempts before it are part of it. Process.</summary>
    Deploy,

    /// <summary>→ the first deployment carrying the change to the stage's (later) environment started. Wait.</summary>
    PromotionWait,
}
