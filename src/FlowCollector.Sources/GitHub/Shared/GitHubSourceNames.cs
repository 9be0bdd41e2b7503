namespace FlowCollector.Sources.GitHub.Shared;

/// <summary>
/// The names every part of the GitHub source uses: its configuration section and keys, its HTTP pipeline, its source
/// tag. They sit in this leaf namespace, which uses nothing else of the source, so Auth, Discovery, Probing and Reading
/// name them without depending on the source's root (which depends on all of them): no folder cycle.
/// </summary>
internal static class GitHubSourceNames
{
    /// <summary>The <c>source</c> tag value and <c>RepositoryRef.Source</c> of every GitHub repository.</summary>
    public const string Source = "github";

    /// <summary>The configuration section of the source.</summary>
    public const string Section = "Sources:GitHub";

    /// <summary>The standard resilience handler's options for the <see cref="HttpClientName"/> pipeline.</summary>
    public const string ResilienceSection = Section + ":Resilience";

    /// <summary>The GitHub App settings (app id, private key, installation ids).</summary>
    public const string AppSection = Section + ":App";

    /// <summary>The personal or fine-grained token, when no App is configured.</summary>
    public const string TokenKey = Section + ":Token";

    /// <summary>The switch that turns the workflow-run read off.</summary>
    public const string ReadWorkflowRunsKey = Section + ":ReadWorkflowRuns";

    /// <summary>The switch that turns the deployment read off.</summary>
    public const string ReadDeploymentsKey = Section + ":ReadDeployments";

    /// <summary>The named <see cref="System.Net.Http.HttpClient"/> pipeline every GitHub request goes through (also the <c>client</c> tag of request metrics).</summary>
    public const string HttpClientName = "github";
}
