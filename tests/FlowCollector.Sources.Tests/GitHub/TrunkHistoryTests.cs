using FlowCollector.Domain.Events;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Reading;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Change sets computed on a fetched commit graph, hand-worked on a history with a merge.</summary>
public sealed class TrunkHistoryTests
{
    /// <summary>
    /// <code>
    /// a ─ b ─ c ─── m ─ e     main (git log: e m y c x b a)
    ///      ╲       ╱
    ///       x ─── y           a branch merged at m
    /// </code>
    /// </summary>
    private static readonly Dictionary<string, (int Position, string[] Parents)> Graph = new(StringComparer.Ordinal)
    {
        ["e"] = (0, ["m"]),
        ["m"] = (1, ["c", "y"]),
        ["y"] = (2, ["x"]),
        ["c"] = (3, ["b"]),
        ["x"] = (4, ["b"]),
        ["b"] = (5, ["a"]),
        ["a"] = (6, []),
    };

    [Theory]
    [InlineData("b", "e", DeploymentComparison.Ahead, "x,c,y,m,e")] // both sides of the merge, oldest first
    [InlineData("c", "e", DeploymentComparison.Ahead, "x,y,m,e")] // the branch's commits arrive with the merge
    [InlineData("y", "m", DeploymentComparison.Ahead, "c,m")]
    [InlineData("c", "y", DeploymentComparison.Diverged, "x,y")] // neither contains the other
    [InlineData("y", "c", DeploymentComparison.Diverged, "c")]
    [InlineData("m", "c", DeploymentComparison.Behind, "")] // a rollback
    [InlineData("e", "a", DeploymentComparison.Behind, "")]
    [InlineData("e", "e", DeploymentComparison.Identical, "")] // a redeploy
    public void Gives_what_the_compare_api_lists(string baseSha, string headSha, DeploymentComparison comparison, string shas)
    {
        var changes = TrunkHistory.Compute(Graph, baseSha, headSha);

        Assert.NotNull(changes);
        Assert.Equal((baseSha, comparison, shas), (changes.BaseSha, changes.Comparison, string.Join(',', changes.Shas)));
    }

    [Fact]
    public void Computes_on_the_newest_part_of_the_history_and_gives_nothing_when_the_walk_leaves_it()
    {
        // Paging stopped after e m y c: x, b and a were not fetched.
        var fetched = Graph.Where(c => c.Value.Position <= 3).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

        Assert.Equal("e", string.Join(',', TrunkHistory.Compute(fetched, "m", "e")!.Shas));
        Assert.Null(TrunkHistory.Compute(fetched, "y", "e")); // c's parent b: behind y only through x, not fetched yet
        Assert.Null(TrunkHistory.Compute(fetched, "c", "y")); // is x behind c? cannot be told: the caller asks the compare API
        Assert.Null(TrunkHistory.Compute(fetched, "c", "unknown"));

        // After one more commit (x) the same pair is known.
        fetched["x"] = Graph["x"];
        Assert.Equal("x,y", string.Join(',', TrunkHistory.Compute(fetched, "c", "y")!.Shas));
    }
}
