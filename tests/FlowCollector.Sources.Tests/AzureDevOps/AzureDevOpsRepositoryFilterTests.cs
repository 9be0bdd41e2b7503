using FlowCollector.Sources.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>The rules of one <c>Sources:AzureDevOps:Projects</c> entry over listed repositories, as hand-worked cases.</summary>
public sealed class AzureDevOpsRepositoryFilterTests
{
    // Each row: include patterns, exclude patterns (comma-separated, "" for none), IncludeDisabled, the repository
    // (name, default branch, disabled, fork) and why it is skipped (null: collected).
    public static TheoryData<string, string, bool, string, string?, bool, bool, string?> Cases => new()
    {
        { "", "", false, "checkout", "refs/heads/main", false, false, null },
        { "checkout-*", "", false, "Checkout-Web", "refs/heads/main", false, false, null },
        { "checkout-*", "", false, "checkout", "refs/heads/main", false, false, "matches no Include pattern" },
        { "api-?", "", false, "api-1", "refs/heads/main", false, false, null },
        { "api-?", "", false, "api-10", "refs/heads/main", false, false, "matches no Include pattern" },
        { "web.app", "", false, "webXapp", "refs/heads/main", false, false, "matches no Include pattern" },
        { "web.app,api-*", "", false, "api-gw", "refs/heads/main", false, false, null },
        { "*", "*-legacy,docs", false, "billing-LEGACY", "refs/heads/main", false, false, "matches the Exclude pattern '*-legacy'" },
        { "", "docs", false, "docs", "refs/heads/main", false, false, "matches the Exclude pattern 'docs'" },
        { "", "", false, "empty", null, false, false, "empty (no default branch yet)" },
        { "", "", true, "empty", "", true, false, "empty (no default branch yet)" },
        { "", "", false, "old", "refs/heads/main", true, false, "disabled (IncludeDisabled is false)" },
        { "", "", true, "old", "refs/heads/main", true, false, null },
        { "", "", false, "checkout-fork", "refs/heads/main", false, true, "a fork (its pull requests are read from the parent repository)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Skips_a_repository_for_the_first_rule_it_breaks(
        string include, string exclude, bool includeDisabled, string name, string? defaultBranch, bool disabled, bool fork, string? expected)
    {
        var filter = new AzureDevOpsRepositoryFilter(new AzureDevOpsProjectOptions
        {
            Name = "Web",
            Include = [.. include.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            Exclude = [.. exclude.Split(',', StringSplitOptions.RemoveEmptyEntries)],
            IncludeDisabled = includeDisabled,
        });

        var reason = filter.Skip(new AdoRepository { Id = "5febef5a-833d-4e14-b9c0-14cb638f91e6", Name = name, DefaultBranch = defaultBranch, IsDisabled = disabled, IsFork = fork ? true : null });

        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData("checkout-*", null)]
    [InlineData("?pi", null)]
    [InlineData("", "is empty")]
    [InlineData(" api", "has leading or trailing spaces")]
    [InlineData("Web/checkout", "contains '/'")]
    [InlineData("api-[0-9]", "contains '['")]
    [InlineData("{api,web}", "contains '{'")]
    public void Only_star_and_question_mark_patterns_over_names_are_valid(string pattern, string? problem) =>
        Assert.Equal(problem, AzureDevOpsRepositoryFilter.Invalid(pattern));
}
