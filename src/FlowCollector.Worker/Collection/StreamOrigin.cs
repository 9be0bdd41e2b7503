namespace FlowCollector.Worker.Collection;

/// <summary>Where a repository's value stream came from.</summary>
public enum StreamOrigin
{
    /// <summary>An entry of <c>ValueStream:Streams</c> matched the repository.</summary>
    Stream,

    /// <summary><c>ValueStream:Environments</c> (or <c>Stages</c>, <c>ProductionEnvironments</c>): one stream for every repository.</summary>
    Configured,

    /// <summary>Learnt from the repository's own deployments.</summary>
    Learnt,

    /// <summary>Nothing configured and no deployment seen yet: the spec's default, <c>production</c> only.</summary>
    Default,
}
