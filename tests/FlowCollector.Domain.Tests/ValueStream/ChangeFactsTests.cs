using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// The folds that pick one value out of several reports. Each case is applied in both arrival orders: the
/// result must depend on the reports only.
/// </summary>
public sealed class ChangeFactsTests
{
    public static TheoryData<string, FlowEvent, FlowEvent, string> SingleValuedFacts => new()
    {
        {
            "the author is whoever opened the change first",
            Opened(60) with { Actor = "alice" },
            Opened(90) with { Actor = "bob" },
            "author=alice"
        },
        {
            "two openings at the same instant: the ordinally first login, not the first to arrive",
            Opened(60) with { Actor = "bob" },
            Opened(60) with { Actor = "alice" },
            "author=alice"
        },
        {
            "two openings at the same instant, one as a draft: opened as a draft",
            Opened(60),
            OpenedAsDraft(60),
            "draft=True"
        },
        {
            "the first merge report lacks the SHA: the SHA comes from the report that has one",
            Merged(120) with { Sha = null },
            Merged(121) with { Sha = "m9" },
            "merged=120 sha=m9"
        },
        {
            "the change's own page wins over a review's link, even when the review is earlier",
            Review(30, "bob", ReviewState.Approved) with { Url = "https://github.com/contoso/web/pull/42#review-1" },
            Opened(60) with { Url = "https://github.com/contoso/web/pull/42" },
            "url=https://github.com/contoso/web/pull/42"
        },
    };

    [Theory]
    [MemberData(nameof(SingleValuedFacts))]
    public void Single_valued_facts_do_not_depend_on_arrival_order(string scenario, FlowEvent first, FlowEvent second, string expected)
    {
        var inOrder = Describe(Fold([first, second]).Change);
        var reversed = Describe(Fold([second, first]).Change);

        Assert.True(inOrder.Contains(expected, StringComparison.Ordinal), $"{scenario}: expected {expected} in {inOrder}");
        Assert.Equal(inOrder, reversed);
    }

    [Theory]
    [InlineData("failure", "success")]
    [InlineData("success", "failure")]
    public void Two_finish_reports_of_one_attempt_at_the_same_instant_give_one_result_whatever_the_order(string firstResult, string secondResult)
    {
        var run = new PipelineRunFacts(Repository, "r1", 1);

        run.Apply(RunFinished(140, firstResult));
        run.Apply(RunFinished(140, secondResult));

        Assert.Equal("failure", run.Result);
        Assert.False(run.Succeeded);
    }

    [Fact]
    public void An_earlier_finish_report_replaces_a_later_one()
    {
        var run = new PipelineRunFacts(Repository, "r1", 1);

        run.Apply(RunFinished(150, "failure"));
        run.Apply(RunFinished(140, "success"));

        Assert.Equal(Monday9.AddMinutes(140), run.Finished);
        Assert.True(run.Succeeded);
    }

    private static string Describe(ChangeFacts c) =>
        $"author={c.Author} draft={c.OpenedAsDraft} merged={(c.Merged - Monday9)?.TotalMinutes} sha={c.MergeSha} url={c.Url}";
}
