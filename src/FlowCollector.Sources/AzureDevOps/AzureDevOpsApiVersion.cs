namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// The <c>api-version</c> each resource is called with. Pinned on every request: an unversioned call would get whatever
/// the server's default is that day. Resources Microsoft Learn's 7.1 reference lists as preview must be called with
/// their preview version — the service answers a GA <c>7.1</c> for them with <c>400 VssInvalidPreviewVersionException</c>
/// — while it accepts a preview version for a released resource too, so when in doubt the preview version is the safe one.
/// </summary>
/// <remarks>
/// Sources: Microsoft Learn, REST API 7.1 (<c>view=azure-devops-rest-7.1</c>) pages of each operation; the operations,
/// their query parameters and these versions are checked against <c>MicrosoftDocs/vsts-rest-api-specs</c> by the
/// contract tests (tests/FlowCollector.Testing/Contracts/azure-devops-rest-7.1.tsv, build/contracts/).
/// </remarks>
internal static class AzureDevOpsApiVersion
{
    /// <summary>The released version every other resource is called with.</summary>
    public const string Released = "7.1";

    // (path suffix after "_apis/", version). Suffixes end a path: "build/changes" is not "build/builds/{id}/changes" (GA).
    private static readonly (string Suffix, string Version)[] Previews =
    [
        // Environments - List, environmentdeployment-records - List: 7.1-preview.1.
        ("_apis/distributedtask/environments", "7.1-preview.1"),
        ("/environmentdeploymentrecords", "7.1-preview.1"),

        // Builds - Get Changes Between Builds: 7.1-preview.2 (the .NET client marks it "[Preview API]").
        ("_apis/build/changes", "7.1-preview.2"),

        // Artifact Uri Query - Query: 7.1-preview.1.
        ("_apis/wit/artifacturiquery", "7.1-preview.1"),
    ];

    /// <summary>The version to send for a request path (without its query), e.g. <c>{project}/_apis/build/changes</c>.</summary>
    public static string For(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var bare = (query < 0 ? path : path[..query]).TrimEnd('/');
        foreach (var (suffix, version) in Previews)
        {
            if (bare.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return version;
            }
        }

        return Released;
    }
}
