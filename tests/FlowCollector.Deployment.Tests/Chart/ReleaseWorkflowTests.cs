using System.Text.Json.Nodes;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// The release workflow cannot run here; these checks keep it consistent with the tree it builds: it runs on
/// version tags with package write access, and every path it uses exists.
/// </summary>
public sealed class ReleaseWorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(RepositoryPaths.Root, ".github", "workflows", "release.yaml");

    [Fact]
    public void The_release_workflow_runs_on_version_tags_and_may_push_packages()
    {
        var workflow = (JsonObject)YamlJson.Parse(File.ReadAllText(WorkflowPath));

        Assert.Equal(["v*"], workflow["on"]!["push"]!["tags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("write", (string?)workflow["permissions"]!["packages"]);
        Assert.Equal("read", (string?)workflow["permissions"]!["contents"]);
        var uses = workflow["jobs"]!["release"]!["steps"]!.AsArray().Select(s => (string?)s!["uses"]).OfType<string>().ToList();
        Assert.Equal(["actions/checkout@v4", "actions/setup-dotnet@v4", "azure/setup-helm@v4", "docker/login-action@v3"], uses);
    }

    [Theory]
    [InlineData("src/FlowCollector.Worker/FlowCollector.Worker.csproj")]
    [InlineData("helm/flowcollector/Chart.yaml")]
    [InlineData("build/set-chart-release.sh")]
    [InlineData("global.json")]
    public void The_paths_the_workflow_uses_exist(string path)
    {
        var text = File.ReadAllText(WorkflowPath);

        Assert.Contains(Path.GetDirectoryName(path) is { Length: > 0 } directory && path.EndsWith(".csproj", StringComparison.Ordinal) ? directory : path, text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, path)), path);
    }
}
