namespace FlowCollector.Domain.Events;

/// <summary>Whether time in a stage is work being done or work sitting in a queue.</summary>
public enum StageKind
{
    /// <summary>Someone or something works on the change.</summary>
    Process,

    /// <summary>The change waits between steps.</summary>
    Wait,
}
