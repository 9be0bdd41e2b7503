using FlowCollector.Sources.GitHub.RateLimiting;
using Octokit;
using Octokit.Internal;

namespace FlowCollector.Sources.Tests.GitHub.RateLimiting;

public sealed class UnboundedOctokitHttpClientTests
{
    [Fact]
    public async Task Octokits_100_second_limits_are_lifted_so_a_wait_for_the_reset_is_not_a_timeout()
    {
        var inner = new RecordingClient();
        using var client = new UnboundedOctokitHttpClient(inner);
        var request = new Request { Method = HttpMethod.Get, BaseAddress = new Uri("https://api.github.com/"), Endpoint = new Uri("rate_limit", UriKind.Relative) };
        Assert.Equal(TimeSpan.FromSeconds(100), request.Timeout); // Octokit's default, which would cancel the wait

        await client.Send(request, TestContext.Current.CancellationToken);
        client.SetRequestTimeout(TimeSpan.FromSeconds(5));

        Assert.Equal([Timeout.InfiniteTimeSpan], inner.Timeouts);
        Assert.Equal(TimeSpan.Zero, Assert.Single(inner.Sent).Timeout);
    }

    private sealed class RecordingClient : IHttpClient
    {
        public List<TimeSpan> Timeouts { get; } = [];

        public List<IRequest> Sent { get; } = [];

        public Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object>? preprocessResponseBody = null)
        {
            Sent.Add(request);
            return Task.FromResult<IResponse>(null!); // the answer is not what this test is about
        }

        public void SetRequestTimeout(TimeSpan timeout) => Timeouts.Add(timeout);

        public void Dispose()
        {
        }
    }
}
