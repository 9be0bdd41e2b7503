namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>Why a request waited: the budget was spent, GitHub said so (secondary limit), or the rest of the budget is being spread.</summary>
internal enum RateLimitWaitReason
{
    Primary,
    Secondary,
    Pacing,
}

/// <summary>What <see cref="RateBudget.Admit"/> decided: send now, send after <see cref="Delay"/> (already counted), or wait and ask again.</summary>
internal readonly record struct Admission(bool Admitted, TimeSpan Delay, RateLimitWaitReason Reason)
{
    public static Admission Now { get; } = new(true, TimeSpan.Zero, RateLimitWaitReason.Pacing);
}

/// <summary>
/// One credential's budget of one resource (<c>core</c>, <c>graphql</c>, …) as the last answers reported it, plus the
/// requests this process has admitted and not yet seen answered. Pure state under a lock: no clock, no I/O.
/// </summary>
internal sealed class RateBudget(string credential, string resource)
{
    /// <summary>Past <c>x-ratelimit-reset</c> (whole epoch seconds), GitHub may not have rolled the window yet.</summary>
    internal static readonly TimeSpan ResetMargin = TimeSpan.FromSeconds(1);

    /// <summary>How often requests waiting for the first answer about a budget look again.</summary>
    internal static readonly TimeSpan ProbeWait = TimeSpan.FromMilliseconds(50);

    private readonly Lock gate = new();
    private bool answered;
    private int? limit;
    private int? remaining;
    private DateTimeOffset? reset;
    private int inFlight;
    private DateTimeOffset nextPacedSlot;

    public string Credential { get; } = credential;

    public string Resource { get; } = resource;

    /// <summary>The last reported remaining budget and when it resets (null until an answer carried the headers).</summary>
    public (int Remaining, DateTimeOffset? Reset)? Reported
    {
        get
        {
            lock (gate)
            {
                return remaining is { } left ? (left, reset) : null;
            }
        }
    }

    /// <summary>
    /// Decides whether a request may go now. Admitted requests (also those given a paced slot in the future) count as
    /// spent until <see cref="Release"/>, so concurrent requests cannot all pass on the same stale figure.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="reserve">The share of the limit below which requests are paced.</param>
    /// <param name="replicas">Processes spending the same budget: each keeps one request of slack for the others' and paces at 1/replicas of the rate.</param>
    public Admission Admit(DateTimeOffset now, double reserve, int replicas)
    {
        replicas = Math.Max(1, replicas);
        lock (gate)
        {
            if (reset is { } windowEnd && now >= windowEnd + ResetMargin && limit is { } full)
            {
                // A new window began: the whole limit is back, though not yet confirmed by an answer.
                remaining = full;
                reset = null;
            }

            if (remaining is not { } left)
            {
                // Nothing known yet: one request at a time until an answer tells the budget (or that there is none,
                // as on a GitHub Enterprise Server without rate limiting), so a burst cannot overshoot it blind.
                return answered || inFlight == 0
                    ? AdmitNow()
                    : new Admission(false, ProbeWait, RateLimitWaitReason.Pacing);
            }

            var available = left - inFlight - (replicas - 1);
            if (available <= 0)
            {
                var spentByOwnRequests = left - (replicas - 1) > 0;
                if (reset is not { } until)
                {
                    // A fresh window, not yet reported on: its in-flight requests' answers tell the figure.
                    return spentByOwnRequests ? new Admission(false, ProbeWait, RateLimitWaitReason.Pacing) : AdmitNow();
                }

                if (until + ResetMargin <= now)
                {
                    return AdmitNow();
                }

                // Spent by what this process has in flight: look again shortly, those answers (a 304 costs nothing) tell.
                return spentByOwnRequests
                    ? new Admission(false, Min(ResetMargin, until + ResetMargin - now), RateLimitWaitReason.Pacing)
                    : new Admission(false, until + ResetMargin - now, RateLimitWaitReason.Primary);
            }

            var reserveCount = limit is { } max ? (int)Math.Ceiling(max * reserve) : 0;
            if (available >= reserveCount || reset is not { } resetAt || resetAt <= now)
            {
                return AdmitNow();
            }

            // Spread what is left until the reset; every replica does the same on the same reported figure.
            var interval = (resetAt - now) * replicas / available;
            var slot = nextPacedSlot > now ? nextPacedSlot : now;
            nextPacedSlot = slot + interval;
            inFlight++;
            return new Admission(true, slot - now, RateLimitWaitReason.Pacing);
        }
    }

    /// <summary>An admitted request was answered (or given up); its cost is now in the reported figure.</summary>
    public void Release()
    {
        lock (gate)
        {
            inFlight = Math.Max(0, inFlight - 1);
        }
    }

    /// <summary>Learns limit, remaining and reset from an answer's headers; answers of an older window or out of order never raise the figure.</summary>
    public void Observe(RateLimitHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        lock (gate)
        {
            answered = true;
            if (headers.Remaining is not { } left)
            {
                return;
            }

            limit = headers.Limit ?? limit;
            if (headers.Reset is not { } windowEnd || reset is not { } known || windowEnd > known)
            {
                // A new window (or the first answer): the old window's pacing no longer applies.
                remaining = left;
                reset = headers.Reset;
                nextPacedSlot = default;
            }
            else if (windowEnd == known)
            {
                remaining = Math.Min(remaining ?? left, left);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private Admission AdmitNow()
    {
        inFlight++;
        return Admission.Now;
    }
}
