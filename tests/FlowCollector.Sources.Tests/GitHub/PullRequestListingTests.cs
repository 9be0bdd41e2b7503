using FlowCollector.Sources.GitHub.Reading;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>The walk through pull requests sorted by update, newest first, that the REST and GraphQL readers share.</summary>
public sealed class PullRequestListingTests
{
    private static readonly DateTimeOffset Since = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void New_ones_are_taken_a_repeat_from_an_earlier_page_is_skipped_and_the_first_older_one_stops_the_walk()
    {
        var listing = new PullRequestListing(Since);

        // Page 1: #5 (updated 3 h after the window start), #4 (2 h).
        listing.StartPage();
        Assert.Equal(ListingStep.Take, listing.Next(5, Since.AddHours(3)));
        Assert.Equal(ListingStep.Take, listing.Next(4, Since.AddHours(2)));
        Assert.Equal((2, (DateTimeOffset?)Since.AddHours(2)), (listing.ListedOnPage, listing.OldestOnPage));

        // Page 2: #5 again (updated while we paged, so listed twice), #3 (1 h), then #2 from before the window.
        listing.StartPage();
        Assert.Equal(ListingStep.Skip, listing.Next(5, Since.AddHours(1.5)));
        Assert.Equal(ListingStep.Take, listing.Next(3, Since.AddHours(1)));
        Assert.Equal(ListingStep.Stop, listing.Next(2, Since.AddSeconds(-1)));

        Assert.True(listing.ReachedOlder);
        Assert.Equal(3, listing.Distinct);
        Assert.Equal(Since.AddHours(3), listing.HighWatermark);
        Assert.Equal((2, (DateTimeOffset?)Since.AddHours(1)), (listing.ListedOnPage, listing.OldestOnPage));
    }

    [Fact]
    public void A_pull_request_updated_exactly_at_the_window_start_is_in_the_window()
    {
        var listing = new PullRequestListing(Since);
        listing.StartPage();

        Assert.Equal(ListingStep.Take, listing.Next(7, Since));
        Assert.False(listing.ReachedOlder);
    }
}
