using System.Text.RegularExpressions;

namespace FlowCollector.Worker.Tests.Architecture;

/// <summary>
/// One HTTP style in the GitHub source (issue 19): REST through Octokit's connection (Shared/GitHubOctokit), GraphQL
/// through the project's GraphQL client, and one raw request only where Octokit cannot help — the change probe's
/// conditional GET (Octokit sends no If-None-Match). A new hand-built request elsewhere fails here.
/// </summary>
public sealed partial class GitHubHttpStyleTests
{
    private static readonly string GitHubSource = Path.Combine(RepositoryRoot.Path, "src", "FlowCollector.Sources", "GitHub");

    [Fact]
    public void Only_the_change_probe_and_the_graphql_client_build_http_requests_themselves()
    {
        Assert.Equal(["Probing/ConditionalGet.cs", "Reading/GitHubGraphQlClient.cs"], FilesMatching(HandBuiltRequest()));
    }

    [Fact]
    public void Every_octokit_connection_is_made_by_the_shared_factory()
    {
        // new Connection(…) elsewhere would skip the github pipeline, the media type or the trailing-slash rule.
        Assert.Equal(["Shared/GitHubOctokit.cs"], FilesMatching(OctokitConnection()));
        Assert.Contains("Auth/GitHubAppCredentials.cs", FilesMatching(SharedFactory()));
        Assert.Contains("Discovery/GitHubRepositoryDiscovery.cs", FilesMatching(SharedFactory()));
        Assert.Contains("GitHubEventSource.cs", FilesMatching(SharedFactory()));
    }

    private static string[] FilesMatching(Regex pattern) =>
        [.. Directory.EnumerateFiles(GitHubSource, "*.cs", SearchOption.AllDirectories)
            .Where(f => pattern.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(GitHubSource, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"new HttpRequestMessage\(")]
    private static partial Regex HandBuiltRequest();

    [GeneratedRegex(@"new Connection\(|new\(Product, ")]
    private static partial Regex OctokitConnection();

    [GeneratedRegex(@"GitHubOctokit\.Connect\(")]
    private static partial Regex SharedFactory();
}
