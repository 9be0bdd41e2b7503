namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// One walk through a repository's pull requests sorted by last update, newest first — GitHub offers no "since" for
/// pull requests, over REST or GraphQL — deciding for each listed one whether the walk goes on, and keeping what the
/// read reports: how many distinct ones were listed and the newest update (the watermark).
/// </summary>
internal sealed class PullRequestListing(DateTimeOffset since)
{
    private readonly HashSet<int> seen = [];

    /// <summary>The newest update among the listed pull requests (null before any).</summary>
    public DateTimeOffset? HighWatermark { get; private set; }

    /// <summary>Distinct pull requests listed so far.</summary>
    public int Distinct => seen.Count;

    /// <summary>The current page reached one older than the window: the walk is over.</summary>
    public bool ReachedOlder { get; private set; }

    /// <summary>Pull requests of the current page within the window (duplicates included), for progress.</summary>
    public int ListedOnPage { get; private set; }

    /// <summary>The oldest update of the current page within the window, for progress.</summary>
    public DateTimeOffset? OldestOnPage { get; private set; }

    public void StartPage() => (ListedOnPage, OldestOnPage) = (0, null);

    /// <summary>What to do with the next pull request of the page.</summary>
    public ListingStep Next(int number, DateTimeOffset updatedAt)
    {
        if (updatedAt < since)
        {
            // Newest first: everything after this one is older too.
            ReachedOlder = true;
            return ListingStep.Stop;
        }

        (ListedOnPage, OldestOnPage) = (ListedOnPage + 1, updatedAt);

        // A pull request updated while we page moves to the front and may show up twice; read it once.
        if (!seen.Add(number))
        {
            return ListingStep.Skip;
        }

        HighWatermark = HighWatermark is { } high && high >= updatedAt ? high : updatedAt;
        return ListingStep.Take;
    }
}

/// <summary>The verdict of <see cref="PullRequestListing.Next"/>.</summary>
internal enum ListingStep
{
    /// <summary>New and within the window.</summary>
    Take,

    /// <summary>Listed before on an earlier page.</summary>
    Skip,

    /// <summary>Older than the window: stop listing.</summary>
    Stop,
}
