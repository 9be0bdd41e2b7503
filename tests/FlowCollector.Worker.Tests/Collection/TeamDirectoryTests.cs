using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Tests.Collection;

public sealed class TeamDirectoryTests
{
    private static readonly TeamDirectory Teams = new(new Dictionary<string, List<string>>
    {
        ["payments"] = ["contoso/pay-*", "azuredevops:fabrikam/Shop/*"],
        ["web"] = ["contoso/web", "CONTOSO/site"],
        ["all-contoso"] = ["contoso/*"],
    });

    [Theory]
    [InlineData("github", "contoso", "pay-api", "all-contoso")] // two teams match: the first in ordinal order wins
    [InlineData("github", "contoso", "web", "all-contoso")]
    [InlineData("github", "fabrikam", "web", null)]
    [InlineData("azuredevops", "fabrikam/Shop", "checkout", "payments")]
    [InlineData("github", "fabrikam/Shop", "checkout", null)] // the source prefix must match
    public void A_repository_belongs_to_the_first_matching_team(string source, string owner, string name, string? team)
    {
        Assert.Equal(team, Teams.TeamOf(new RepositoryRef(source, owner, name)));
    }

    [Fact]
    public void Matching_is_case_insensitive_and_whole_name()
    {
        var web = new TeamDirectory(new Dictionary<string, List<string>> { ["web"] = ["contoso/web"] });

        Assert.Equal("web", web.TeamOf(new RepositoryRef("github", "Contoso", "Web")));
        Assert.Null(web.TeamOf(new RepositoryRef("github", "contoso", "web-legacy")));
    }

    [Fact]
    public void Tagging_adds_the_team_in_key_order_and_rebuilds_shared_tag_arrays_once()
    {
        KeyValuePair<string, string>[] shared = [new("org", "contoso"), new("repo", "web"), new("schema", "1"), new("source", "github")];
        var points = new[]
        {
            new FlowPoint("change_stage", shared, [new("seconds", FieldValue.Of(1.0))], 1),
            new FlowPoint("change_stage", shared, [new("seconds", FieldValue.Of(2.0))], 2),
        };

        var tagged = TeamTags.Add(points, "web");

        Assert.Equal(["org", "repo", "schema", "source", "team"], tagged[0].Tags.Select(t => t.Key));
        Assert.Equal("web", tagged[1].Tag("team"));
        Assert.Same(tagged[0].Tags, tagged[1].Tags);
        Assert.Equal(4, shared.Length); // the shared original is untouched
    }
}
