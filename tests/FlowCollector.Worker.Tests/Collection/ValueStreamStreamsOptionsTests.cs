using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Configuration;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>
/// <c>ValueStream:Streams</c>, <c>ProductionPatterns</c>, <c>IgnoreEnvironments</c>: which stream each repository gets
/// (first match, then the legacy keys, then the learnt path, then the default), and the start-up messages.
/// </summary>
public sealed class ValueStreamStreamsOptionsTests
{
    private static readonly RepositoryRef Web = new("github", "contoso", "web");
    private static readonly RepositoryRef Payments = new("github", "contoso", "payments-api");
    private static readonly RepositoryRef Shop = new("azuredevops", "fabrikam", "Shop/web");

    private static readonly Dictionary<string, string?> TwoStreams = new()
    {
        ["ValueStream:Streams:0:Match:0"] = "contoso/payments-*",
        ["ValueStream:Streams:0:Environments:0"] = "qa",
        ["ValueStream:Streams:0:Environments:1"] = "prod-eu",
        ["ValueStream:Streams:0:Environments:2"] = "prod-us",
        ["ValueStream:Streams:0:ProductionEnvironments:0"] = "prod-eu",
        ["ValueStream:Streams:0:ProductionEnvironments:1"] = "prod-us",
        ["ValueStream:Streams:1:Match:0"] = "azuredevops:fabrikam/*",
        ["ValueStream:Streams:1:Match:1"] = "contoso/payments-api", // also matched by stream 0, which comes first
        ["ValueStream:Streams:1:Environments:0"] = "QA",
        ["ValueStream:Streams:1:Environments:1"] = "PROD",
    };

    private static readonly LearntEnvironmentPath StagingProduction = new(["staging", "production"], ["production"]);

    [Fact]
    public void The_first_matching_stream_wins_and_the_others_learn_their_path()
    {
        var catalog = ValueStreamCatalog.From(Bind(TwoStreams));

        var payments = catalog.Resolve(Payments, StagingProduction);
        Assert.Equal((StreamOrigin.Stream, "qa → prod-eu → prod-us (production: prod-eu, prod-us), configured (ValueStream:Streams:0)"), (payments.Origin, payments.ToString()));
        Assert.Equal("QA → PROD (production: PROD), configured (ValueStream:Streams:1)", catalog.Resolve(Shop, null).ToString());

        // No stream matches contoso/web: the learnt path, or the default before any deployment.
        Assert.Equal("staging → production (production: production), learnt from its deployments", catalog.Resolve(Web, StagingProduction).ToString());
        var nothing = catalog.Resolve(Web, null);
        Assert.Equal((StreamOrigin.Default, "production (production: production)"), (nothing.Origin, nothing.Path));

        // The learnt stream has the spec's stages over the learnt path.
        Assert.Equal(
            ["backlog", "coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:staging", "promotion_wait:production", "deploy:production"],
            catalog.Resolve(Web, StagingProduction).Definition.Stages.Select(s => s.Name));
    }

    [Theory]
    [InlineData(null, true)] // left out: a single review comment ends pickup
    [InlineData("false", false)]
    public void CommentsEndPickup_reaches_every_stream_configured_learnt_or_default(string? configured, bool expected)
    {
        var catalog = ValueStreamCatalog.From(Bind(configured is null ? TwoStreams : new(TwoStreams) { ["ValueStream:CommentsEndPickup"] = configured }));

        Assert.Equal(
            [expected, expected, expected, expected, expected],
            new[] { catalog.Resolve(Payments, null), catalog.Resolve(Shop, null), catalog.Resolve(Web, StagingProduction), catalog.Resolve(Web, null), catalog.Fallback }
                .Select(a => a.Definition.CommentsEndPickup));
    }

    [Fact]
    public void The_legacy_environments_are_one_explicit_stream_for_every_repository_not_matched_by_a_stream()
    {
        var catalog = ValueStreamCatalog.From(Bind(new(TwoStreams)
        {
            ["ValueStream:Environments:0"] = "staging",
            ["ValueStream:Environments:1"] = "live",
        }));

        Assert.Equal("staging → live (production: live), configured (ValueStream:Environments)", catalog.Resolve(Web, new(["dev", "prod"], ["prod"])).ToString());
        Assert.Equal(StreamOrigin.Stream, catalog.Resolve(Payments, null).Origin);
        Assert.True(catalog.LearnsNothing);
    }

    [Fact]
    public void A_stream_with_its_own_stages_and_the_shared_rework_and_CI_rules()
    {
        var catalog = ValueStreamCatalog.From(Bind(new()
        {
            ["ValueStream:CiWorkflows:0"] = "build",
            ["ValueStream:Streams:0:Match:0"] = "contoso/web",
            ["ValueStream:Streams:0:Environments:0"] = "production",
            ["ValueStream:Streams:0:Stages:0:Name"] = "coding",
            ["ValueStream:Streams:0:Stages:0:Kind"] = "Process",
            ["ValueStream:Streams:0:Stages:0:Rule"] = "Coding",
            ["ValueStream:Streams:0:Stages:1:Name"] = "ship",
            ["ValueStream:Streams:0:Stages:1:Kind"] = "Process",
            ["ValueStream:Streams:0:Stages:1:Rule"] = "Deploy",
            ["ValueStream:Streams:0:Stages:1:Environment"] = "production",
        }));

        var definition = catalog.Resolve(Web, null).Definition;
        Assert.Equal(["coding", "ship"], definition.Stages.Select(s => s.Name));
        Assert.Equal(["build"], definition.Ci.Patterns);
    }

    [Fact]
    public void Production_and_ignore_patterns_reach_the_learning_and_default_without_configuration()
    {
        Assert.Equal(EnvironmentLearning.DefaultProductionPatterns, Bind([]).ToLearning().ProductionPatterns);
        Assert.Equal(["pr-*", "review-*", "preview*"], Bind([]).ToLearning().IgnorePatterns);
        Assert.Equal(TimeSpan.FromDays(90), Bind([]).ToLearning().StaleAfter);

        var learning = Bind(new()
        {
            ["ValueStream:ProductionPatterns:0"] = "customer-*",
            ["ValueStream:IgnoreEnvironments:0"] = "",
            ["ValueStream:ForgetEnvironmentsAfter"] = "30.00:00:00",
        }).ToLearning();
        Assert.True(learning.IsProduction("Customer-A"));
        Assert.False(learning.IsProduction("prod"));
        Assert.False(learning.IsIgnored("pr-12")); // [""] switches the default off
        Assert.Equal(TimeSpan.FromDays(30), learning.StaleAfter);
    }

    [Theory]
    [InlineData("ValueStream:Streams:0:Environments:0", "staging", "ValueStream:Streams:0:Match needs one or more repository patterns such as \"contoso/web\", \"contoso/payments-*\" or \"azuredevops:fabrikam/*\"; an empty pattern matches nothing.")]
    [InlineData("ValueStream:Streams:0:Match:0", "contoso/web", "ValueStream:Streams:0:Environments needs the environments in path order, e.g. [\"staging\", \"production\"]; leave the stream out to learn the path from the repositories' deployments.")]
    [InlineData("ValueStream:ProductionPatterns:0", "*", "ValueStream:ProductionPatterns:0 is '*': name the environments (e.g. prod-* or pr-*); a pattern of only wildcards matches every environment.")]
    [InlineData("ValueStream:IgnoreEnvironments:0", "?*", "ValueStream:IgnoreEnvironments:0 is '?*': name the environments (e.g. prod-* or pr-*); a pattern of only wildcards matches every environment.")]
    [InlineData("ValueStream:ForgetEnvironmentsAfter", "02:00:00", "ValueStream:ForgetEnvironmentsAfter is 02:00:00; use at least 1d (default 90d): a shorter time drops production from the path between two releases.")]
    public void Mistakes_fail_at_start_up_naming_the_key_and_the_fix(string key, string value, string message)
    {
        var result = new ValueStreamOptionsValidator().Validate(null, Bind(new() { [key] = value }));

        Assert.True(result.Failed);
        Assert.Equal(message, Assert.Single(result.Failures!));
    }

    [Fact]
    public void A_stream_whose_production_environment_is_off_its_path_or_whose_stage_rule_is_unknown_fails()
    {
        var result = new ValueStreamOptionsValidator().Validate(null, Bind(new()
        {
            ["ValueStream:Streams:0:Match:0"] = "contoso/web",
            ["ValueStream:Streams:0:Environments:0"] = "staging",
            ["ValueStream:Streams:0:Environments:1"] = "production",
            ["ValueStream:Streams:0:ProductionEnvironments:0"] = "prod",
            ["ValueStream:Streams:0:Stages:0:Name"] = "ship",
            ["ValueStream:Streams:0:Stages:0:Kind"] = "Process",
            ["ValueStream:Streams:0:Stages:0:Rule"] = "42",
        }));

        Assert.Equal(
            [
                "ValueStream:Streams:0:ProductionEnvironments contains 'prod', which is not on the stream's path ValueStream:Streams:0:Environments (staging, production); add it there or remove it.",
                "ValueStream:Streams:0:Stages:0:Rule is 42, not a stage rule; use one of Backlog, Coding, Pickup, Review, Merge, CiQueue, Ci, ReleaseWait, Deploy, PromotionWait.",
            ],
            result.Failures!);
    }

    [Fact]
    public void Valid_streams_pass()
    {
        Assert.False(new ValueStreamOptionsValidator().Validate(null, Bind(TwoStreams)).Failed);
    }

    [Fact]
    public void Patterns_matching_no_repository_are_reported_for_a_warning()
    {
        var catalog = ValueStreamCatalog.From(Bind(TwoStreams));

        Assert.Equal([("ValueStream:Streams:0:Match:0", "contoso/payments-*"), ("ValueStream:Streams:1:Match:1", "contoso/payments-api")], catalog.PatternsMatchingNone([Web, Shop]));
        Assert.Empty(catalog.PatternsMatchingNone([Web, Shop, Payments]));
    }

    private static ValueStreamOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new ValueStreamOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ValueStreamOptions.SectionName).Bind(options);
        return options;
    }
}
