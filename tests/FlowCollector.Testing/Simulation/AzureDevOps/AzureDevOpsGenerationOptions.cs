namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>Shape of a generated organisation (<see cref="SimulatedAzureDevOps.Generate"/>).</summary>
public sealed record AzureDevOpsGenerationOptions
{
    /// <summary>The organisation's name (default <c>contoso</c>; use the collection name, e.g. <c>DefaultCollection</c>, for Azure DevOps Server).</summary>
    public string Organization { get; init; } = "contoso";

    /// <summary>Average time between two pull requests opening in one repository (default 3 hours).</summary>
    public TimeSpan AverageGap { get; init; } = TimeSpan.FromHours(3);

    /// <summary>
    /// "Now" of the generated world: anything planned after it does not happen yet (pull requests stay active, runs stay
    /// in progress and have no deployment records). Null (default): every storyline completes.
    /// </summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Give every completed pull request a multi-stage pipeline run with deployments (default true).</summary>
    public bool Pipelines { get; init; } = true;

    /// <summary>A name that is a bot only by configuration (<c>Sources:AzureDevOps:BotNames</c>); it comments now and then. Default <c>review-bot@contoso.com</c>.</summary>
    public string ConfiguredBotName { get; init; } = "review-bot@contoso.com";
}
