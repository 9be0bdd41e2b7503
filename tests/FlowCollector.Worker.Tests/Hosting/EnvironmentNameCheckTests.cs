using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Hosting;

namespace FlowCollector.Worker.Tests.Hosting;

public sealed class EnvironmentNameCheckTests
{
    private static readonly ValueStreamOptions Path = new() { Environments = ["staging", "production"] };

    [Fact]
    public void A_stage_mapped_to_a_misspelt_environment_is_named_with_the_nearest_configured_one()
    {
        var azureDevOps = new AzureDevOpsSourceOptions { StageEnvironments = new(StringComparer.OrdinalIgnoreCase) { ["Deploy_Prod*"] = "prodution", ["Deploy_Stg"] = "Staging" } };

        var warning = Assert.Single(EnvironmentNameCheck.Warnings(Path, azureDevOps, null));

        // "Staging" is on the path (case-insensitive); "prodution" is one letter short of "production".
        Assert.StartsWith("Sources:AzureDevOps:StageEnvironments:Deploy_Prod* is 'prodution', which is on no configured environment path (staging, production)", warning, StringComparison.Ordinal);
        Assert.EndsWith("did you mean 'production'?", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_GitHub_fallback_environment_is_checked_against_the_streams_paths_too()
    {
        var streams = new ValueStreamOptions { Streams = [new StreamOption { Match = ["contoso/*"], Environments = ["qa", "prod"] }] };

        var warning = Assert.Single(EnvironmentNameCheck.Warnings(streams, null, new GitHubSourceOptions()));

        // The default "production" is no path's name; "prod" is 6 edits away from it, beyond the 3 a typo may take.
        Assert.StartsWith("Sources:GitHub:FallbackEnvironment is 'production', which is on no configured environment path (qa, prod)", warning, StringComparison.Ordinal);
        Assert.EndsWith("add it to ValueStream:Environments (or the stream's Environments) or correct the name.", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_on_a_path_and_learnt_paths_draw_no_warning()
    {
        var azureDevOps = new AzureDevOpsSourceOptions { StageEnvironments = new(StringComparer.OrdinalIgnoreCase) { ["Deploy"] = "PRODUCTION" } };

        Assert.Empty(EnvironmentNameCheck.Warnings(Path, azureDevOps, new GitHubSourceOptions()));
        Assert.Empty(EnvironmentNameCheck.Warnings(new ValueStreamOptions(), new AzureDevOpsSourceOptions { StageEnvironments = new() { ["Deploy"] = "anything" } }, new GitHubSourceOptions { FallbackEnvironment = "anything" }));
    }
}
