using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlowCollector.Domain.Ports;

namespace FlowCollector.Sources.GitHub.Reading;

/// <summary>
/// POSTs GraphQL documents to GitHub over the <c>github</c> HTTP pipeline (resilience, telemetry) and returns the
/// <c>data</c> of an answer only when it is complete: a non-success status, an <c>errors</c> array or a body that
/// is not the expected JSON becomes a <see cref="SourceException"/>. Counts requests and GitHub's points.
/// </summary>
internal sealed class GitHubGraphQlClient
{
    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly Func<CancellationToken, ValueTask<string>> token;
    private readonly GitHubErrors errors;

    public GitHubGraphQlClient(HttpClient http, Uri endpoint, Func<CancellationToken, ValueTask<string>> token, GitHubErrors errors)
    {
        this.http = http;
        this.endpoint = endpoint;
        this.token = token;
        this.errors = errors;
    }

    /// <summary>GraphQL requests sent in this read.</summary>
    public int Requests { get; private set; }

    /// <summary>The sum of <c>rateLimit.cost</c> GitHub reported for them.</summary>
    public int Points { get; private set; }

    /// <summary><c>rateLimit.remaining</c> of the last answer (GraphQL has its own hourly budget of points); null before any, or on a GitHub Enterprise Server without rate limiting.</summary>
    public int? PointsRemaining { get; private set; }

    /// <summary>
    /// The GraphQL root that belongs to a REST root: <c>https://api.github.com/</c> → <c>https://api.github.com/graphql</c>;
    /// GitHub Enterprise Server <c>https://host/api/v3/</c> → <c>https://host/api/graphql</c>.
    /// </summary>
    public static Uri EndpointFor(Uri restBaseAddress)
    {
        ArgumentNullException.ThrowIfNull(restBaseAddress);
        var path = restBaseAddress.AbsolutePath.TrimEnd('/');
        var graphQlPath = path.EndsWith("/v3", StringComparison.OrdinalIgnoreCase) ? path[..^"/v3".Length] + "/graphql" : path + "/graphql";
        return new UriBuilder(restBaseAddress) { Path = graphQlPath, Query = "", Fragment = "" }.Uri;
    }

    /// <summary>How messages name a request, e.g. <c>POST /graphql (PullRequestsByUpdate)</c>.</summary>
    public string Describe(string operationName) => $"POST {endpoint.AbsolutePath} ({operationName})";

    public async Task<GraphQlData> QueryAsync(string document, string operationName, GraphQlVariables variables, CancellationToken cancellationToken)
    {
        var where = Describe(operationName);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = JsonContent.Create(new GraphQlRequest(document, operationName, variables), GitHubGraphQlJson.Default.GraphQlRequest),
        };
        if (await this.token(cancellationToken) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("bearer", token);
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("FlowCollector", null));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        Requests++;
        GraphQlResponse? answer;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw errors.GraphQlStatus(response.StatusCode, errors.LimitsOf(response), body, where);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            answer = await JsonSerializer.DeserializeAsync(stream, (JsonTypeInfo<GraphQlResponse>)GitHubGraphQlJson.Default.GraphQlResponse, cancellationToken);
        }
        catch (SourceException)
        {
            throw;
        }
        catch (JsonException e)
        {
            throw errors.MalformedPayload(where, $"not the expected JSON ({e.Message})", e);
        }
        catch (Exception e) when (errors.Translate(e, where, cancellationToken) is { } translated)
        {
            throw translated;
        }

        if (answer?.Data?.RateLimit is { } limit)
        {
            Points += limit.Cost;
            PointsRemaining = limit.Remaining;
        }

        if (answer?.Errors is { Count: > 0 } problems)
        {
            throw errors.GraphQlErrors(problems, where, answer.Data?.RateLimit);
        }

        return answer?.Data ?? throw errors.MalformedPayload(where, "an answer without data or errors");
    }
}
