using Octokit;
using Octokit.Internal;

namespace FlowCollector.Sources.GitHub.RateLimiting;

/// <summary>
/// Octokit's HTTP client without Octokit's own 100-second limits (<c>Request.Timeout</c> and the inner
/// <see cref="HttpClient.Timeout"/>), which would cut a <see cref="GitHubRateLimiter"/> wait for the reset short and turn
/// it into a timeout error. Real I/O stays bounded by the resilience handler's attempt and total timeouts
/// (<c>Sources:GitHub:Resilience</c>), waits by <c>Sources:GitHub:RateLimit:MaxWait</c>.
/// </summary>
public sealed class UnboundedOctokitHttpClient : IHttpClient
{
    private readonly IHttpClient inner;

    public UnboundedOctokitHttpClient(IHttpClient inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
        inner.SetRequestTimeout(Timeout.InfiniteTimeSpan);
    }

    public Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object>? preprocessResponseBody = null)
    {
        if (request is Request mutable)
        {
            mutable.Timeout = TimeSpan.Zero;
        }

        return inner.Send(request, cancellationToken, preprocessResponseBody!);
    }

    public void SetRequestTimeout(TimeSpan timeout)
    {
        // Deliberately ignored: see the type's summary.
    }

    public void Dispose() => inner.Dispose();
}
