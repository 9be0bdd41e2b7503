namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>How an <see cref="AzureDevOpsSimulator"/> behaves; the defaults behave like dev.azure.com with a PAT.</summary>
public sealed record AzureDevOpsSimulatorOptions
{
    /// <summary>The PAT requests must carry as HTTP Basic (any user name); default <see cref="AzureDevOpsSimulator.DefaultPat"/>.</summary>
    public string Pat { get; init; } = AzureDevOpsSimulator.DefaultPat;

    /// <summary>A bearer token (Entra ID) also accepted; null (default): none.</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// The path of the organisation or collection. Null (default): <c>/{organization}</c> like dev.azure.com; Azure DevOps
    /// Server: e.g. <c>/tfs/DefaultCollection</c>. Requests outside it get 404.
    /// </summary>
    public string? PathPrefix { get; init; }

    /// <summary>The status answered to a missing or wrong credential: 203 with the HTML sign-in page (default, as Azure DevOps does) or 401.</summary>
    public int RejectedCredentialStatus { get; init; } = 203;

    /// <summary>Default <c>$top</c> of lists that page with continuation tokens when the client sends none (default 100).</summary>
    public int DefaultPageSize { get; init; } = 100;

    /// <summary>Added before every response (default none); for benchmarks that want network-like latency.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// True (default): every request is held against Microsoft's published REST description — operation, exact
    /// api-version (preview where the resource is preview), declared query parameters — and refused with 400 otherwise.
    /// False only for a test that shows what the service does with such a request.
    /// </summary>
    public bool EnforceContract { get; init; } = true;
}
