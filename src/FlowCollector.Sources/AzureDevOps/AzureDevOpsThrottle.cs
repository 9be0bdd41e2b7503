using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// The organisation's request budget, shared by every read: at most <see cref="AzureDevOpsSourceOptions.MaxConcurrentRequests"/>
/// requests in flight, and no request while Azure DevOps asked to wait. Azure DevOps first <i>delays</i> requests of an
/// identity over its usage limit (still 200, with <c>Retry-After</c> / <c>X-RateLimit-Delay</c>) and only then blocks
/// them with 429, so honouring the headers of successful responses is what keeps a collector out of the block.
/// </summary>
internal sealed class AzureDevOpsThrottle : IDisposable
{
    /// <summary>Below this share of the budget left, requests are paced (<see cref="LowBudgetPace"/> apart).</summary>
    internal const double LowBudgetShare = 0.1;

    internal static readonly TimeSpan LowBudgetPace = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim slots;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;
    private int? remaining;

    public AzureDevOpsThrottle(IOptions<AzureDevOpsSourceOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        slots = new SemaphoreSlim(Math.Clamp(options.Value.MaxConcurrentRequests, 1, 32));
        this.time = time;
        MaxWait = options.Value.MaxThrottleWait;
    }

    /// <summary>The longest wait honoured inside a read.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary><c>X-RateLimit-Remaining</c> (usage units) of the last response that carried it.</summary>
    public int? RateLimitRemaining
    {
        get
        {
            lock (gate)
            {
                return remaining;
            }
        }
    }

    /// <summary>Waits for a free slot; release it with <see cref="Release"/>.</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => slots.WaitAsync(cancellationToken);

    public void Release() => slots.Release();

    /// <summary>Waits until the organisation's pause (if any) is over.</summary>
    public async Task WaitForPauseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (gate)
            {
                wait = pausedUntil - time.GetUtcNow();
            }

            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the rate-limit headers of <paramref name="response"/> (any status) and pauses the organisation accordingly,
    /// never longer than <see cref="MaxWait"/>. Returns the <c>Retry-After</c> Azure DevOps asked for, if any.
    /// </summary>
    public TimeSpan? Observe(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var retryAfter = RetryAfter(response.Headers.RetryAfter, time.GetUtcNow());
        var delay = Seconds(response.Headers, "X-RateLimit-Delay");
        var remainingNow = (int?)Seconds(response.Headers, "X-RateLimit-Remaining")?.TotalSeconds;
        var limit = (int?)Seconds(response.Headers, "X-RateLimit-Limit")?.TotalSeconds;

        var pause = retryAfter ?? TimeSpan.Zero;
        if (delay is { } d && d > pause)
        {
            // Delayed by the server: it will delay the next one at least as much, so wait here instead of holding a slot there.
            pause = d;
        }

        if (remainingNow is { } left && limit is > 0 && left < limit * LowBudgetShare && pause < LowBudgetPace)
        {
            pause = LowBudgetPace;
        }

        lock (gate)
        {
            if (remainingNow is not null)
            {
                remaining = remainingNow;
            }

            if (pause > TimeSpan.Zero)
            {
                var until = time.GetUtcNow() + (pause < MaxWait ? pause : MaxWait);
                if (until > pausedUntil)
                {
                    pausedUntil = until;
                }
            }
        }

        return retryAfter;
    }

    public void Dispose() => slots.Dispose();

    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static TimeSpan? Seconds(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && seconds >= 0
        && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;
}

/// <summary>
/// Puts every request of the <c>azuredevops</c> client through the <see cref="AzureDevOpsThrottle"/>; a 429 whose
/// <c>Retry-After</c> fits <see cref="AzureDevOpsThrottle.MaxWait"/> is retried after that wait (twice at most).
/// </summary>
internal sealed class AzureDevOpsThrottlingHandler : DelegatingHandler
{
    internal const int MaxThrottledRetries = 2;

    private readonly AzureDevOpsThrottle throttle;

    public AzureDevOpsThrottlingHandler(AzureDevOpsThrottle throttle)
    {
        this.throttle = throttle;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await throttle.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                await throttle.WaitForPauseAsync(cancellationToken).ConfigureAwait(false);
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var retryAfter = throttle.Observe(response);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxThrottledRetries && retryAfter is { } wait && wait <= throttle.MaxWait)
                {
                    response.Dispose();
                    continue;
                }

                return response;
            }
        }
        finally
        {
            throttle.Release();
        }
    }
}
