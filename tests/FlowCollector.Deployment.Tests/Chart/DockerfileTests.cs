using System.Text.RegularExpressions;
using System.Xml.Linq;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// The image cannot be built here (no Docker); this keeps its restore layer true to the tree. The Dockerfile restores
/// from the project files alone and publishes with <c>--no-restore</c>, so a project the worker references but the
/// layer does not copy breaks <c>docker build</c> (no assets file for it) while every local build still passes.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void The_restore_layer_copies_every_project_the_worker_is_built_from()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));
        var copied = CopiedProject().Matches(dockerfile).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

        var needed = ProjectClosure("src/FlowCollector.Worker/FlowCollector.Worker.csproj");

        // Domain, Sources, Sinks, State and the worker itself at least: a walk that found fewer proves nothing.
        Assert.True(needed.Count >= 5, string.Join(", ", needed));
        Assert.Equal(needed, copied);
    }

    /// <summary><paramref name="project"/> and every project it references, directly or not, as paths from the repository root.</summary>
    private static List<string> ProjectClosure(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.Combine(RepositoryPaths.Root, next))!;
            foreach (var reference in XDocument.Load(Path.Combine(RepositoryPaths.Root, next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryPaths.Root, full).Replace('\\', '/'));
            }
        }

        return [.. found];
    }

    /// <summary><c>COPY src/X/X.csproj src/X/</c>: one project file into its own folder.</summary>
    [GeneratedRegex(@"^COPY\s+(\S+\.csproj)\s+\S+/\s*$", RegexOptions.Multiline)]
    private static partial Regex CopiedProject();
}
