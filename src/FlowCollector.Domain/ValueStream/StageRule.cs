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

    /// <summary>→ the deployment to the first environment of the path started. Wait.</summary>
    ReleaseWait,

    /// <summary>→ a successful deployment to the stage's environment finished. Process.</summary>
    Deploy,

    /// <summary>→ the deployment to a later environment of the path started. Wait.</summary>
    PromotionWait,
}
