using FlowCollector.Domain.Matching;

namespace FlowCollector.Domain.Tests.Matching;

public sealed class GlobTests
{
    [Theory]
    [InlineData("checkout-*", "checkout-api", true)] // '*' takes "api"
    [InlineData("checkout-*", "checkout-", true)] // '*' takes nothing
    [InlineData("checkout-*", "CHECKOUT-API", true)] // case-insensitive
    [InlineData("checkout-*", "my-checkout-api", false)] // the whole name must match: no implicit leading '*'
    [InlineData("Deploy_Prod*", "deploy_prod_eu", true)] // Azure DevOps stage names: a prefix
    [InlineData("*-legacy", "web-legacy", true)]
    [InlineData("*-legacy", "web-legacy-2", false)] // nothing may follow the literal tail
    [InlineData("hotfix/*", "hotfix/login", true)] // branch patterns: '/' is an ordinary character
    [InlineData("contoso/pay-*", "contoso/pay-api", true)]
    [InlineData("azuredevops:fabrikam/*", "azuredevops:fabrikam/Shop/web", true)] // '*' also crosses '/'
    [InlineData("prod-?", "prod-1", true)] // '?' is exactly one character
    [InlineData("prod-?", "prod-12", false)]
    [InlineData("prod-?", "prod-", false)]
    [InlineData("a*b*c", "axxbyyc", true)] // two stars: the first backtracks once "b" is found
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void Matches_the_whole_name_case_insensitively_with_star_and_question_mark(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, Glob.Matches(pattern, text));
        Assert.Equal(expected, new Glob(pattern).Matches(text));
    }

    [Fact]
    public void A_missing_name_matches_nothing()
    {
        Assert.False(new Glob("*").Matches(null));
    }

    [Fact]
    public void A_long_name_against_many_stars_ends_quickly()
    {
        // 30 stars and a name of 10,000 'a' ending in 'b', against a pattern ending in 'c': a backtracking regex would
        // explode; one backtrack point makes it at most about 10,000 × 60 steps.
        var pattern = string.Concat(Enumerable.Repeat("a*", 30)) + "c";
        var text = new string('a', 10_000) + "b";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(Glob.Matches(pattern, text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
