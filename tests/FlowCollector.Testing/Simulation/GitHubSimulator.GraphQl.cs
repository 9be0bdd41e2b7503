using System.Globalization;
using System.Text.Json;
using WireMock;

namespace FlowCollector.Testing.Simulation;

/// <summary>A fault the GraphQL endpoint injects once per request it applies to.</summary>
public sealed record GitHubGraphQlFault
{
    /// <summary>Answer 200 with an <c>errors</c> array of this GitHub error type (e.g. <c>RATE_LIMITED</c>, <c>FORBIDDEN</c>, <c>NOT_FOUND</c>) and <see cref="Message"/>.</summary>
    public string? ErrorType { get; init; }

    public string Message { get; init; } = "Something went wrong while executing your query.";

    /// <summary>Answer 200 with a body that is cut off in the middle, as a dropped connection leaves it.</summary>
    public bool MalformedJson { get; init; }

    /// <summary>Answer 200 with the real data but also an <c>errors</c> entry (GitHub's partial answer).</summary>
    public bool WithData { get; init; }

    /// <summary>Only a query with this operation name (e.g. <c>Deployments</c>) meets the fault; null: the next query, whatever it is.</summary>
    public string? Operation { get; init; }
}

public sealed partial class GitHubSimulator
{
    private readonly Lock graphQlGate = new();
    private readonly Queue<GitHubGraphQlFault> graphQlFaults = new();
    private GitHubGraphQlResponder? graphQlResponder;
    private int graphQlSpent;

    /// <summary>The GraphQL endpoint, e.g. <c>http://127.0.0.1:5123/graphql</c> (<c>…/api/graphql</c> with an <c>/api/v3</c> prefix).</summary>
    public string GraphQlUrl => root + GraphQlPath;

    /// <summary>GraphQL points spent so far (GitHub's <c>rateLimit.cost</c> of every answered query).</summary>
    public int GraphQlPointsSpent
    {
        get
        {
            lock (graphQlGate)
            {
                return graphQlSpent;
            }
        }
    }

    /// <summary>GraphQL points left of <see cref="GitHubSimulatorOptions.RateLimit"/>; set it (e.g. to 0) to exhaust the budget.</summary>
    public int GraphQlPointsRemaining
    {
        get
        {
            lock (graphQlGate)
            {
                return Math.Max(0, options.RateLimit - graphQlSpent);
            }
        }

        set
        {
            lock (graphQlGate)
            {
                graphQlSpent = options.RateLimit - Math.Max(0, value);
            }
        }
    }

    /// <summary>GraphQL requests answered so far, per operation name.</summary>
    public IReadOnlyDictionary<string, int> GraphQlRequestsByOperation =>
        Requests.Where(r => r.Path == "/graphql").GroupBy(r => r.Query, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private string GraphQlPath =>
        prefix.EndsWith("/v3", StringComparison.OrdinalIgnoreCase) ? prefix[..^"/v3".Length] + "/graphql" : prefix + "/graphql";

    private GitHubGraphQlResponder GraphQl => graphQlResponder ??= new GitHubGraphQlResponder(Model);

    /// <summary>Applies <paramref name="fault"/> to the next <paramref name="times"/> GraphQL requests (after the token check). For HTTP statuses use <see cref="FailNext"/> with <c>/graphql</c>.</summary>
    public void FailNextGraphQl(GitHubGraphQlFault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (graphQlGate)
        {
            for (var i = 0; i < times; i++)
            {
                graphQlFaults.Enqueue(fault);
            }
        }
    }

    private static string GraphQlOperationName(IRequestMessage request)
    {
        try
        {
            using var json = JsonDocument.Parse(GraphQlBody(request));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("operationName", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString() ?? ""
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string GraphQlBody(IRequestMessage request) => request.Body ?? request.BodyData?.BodyAsString ?? "";

    private Reply AnswerGraphQl(IRequestMessage request)
    {
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return Reply.Error(404, "Not Found");
        }

        var (operation, operationName, variables, error) = GitHubGraphQlResponder.Parse(GraphQlBody(request));
        if (operation is null)
        {
            return GraphQlReply(error!);
        }

        GitHubGraphQlFault? fault;
        lock (graphQlGate)
        {
            fault = graphQlFaults.TryPeek(out var next) && (next.Operation is null || string.Equals(next.Operation, operationName, StringComparison.Ordinal))
                ? graphQlFaults.Dequeue()
                : null;
        }

        var cost = GitHubGraphQlResponder.Cost(operation, variables);
        int remaining;
        lock (graphQlGate)
        {
            if (options.RateLimit - graphQlSpent < cost)
            {
                return GraphQlReply(GitHubGraphQlResponder.Errors("API rate limit already exceeded for user ID 1.", "RATE_LIMITED"));
            }

            graphQlSpent += cost;
            remaining = options.RateLimit - graphQlSpent;
        }

        if (fault is { MalformedJson: false, WithData: false, ErrorType: var type })
        {
            return GraphQlReply(GitHubGraphQlResponder.Errors(fault.Message, type));
        }

        BeforeRender?.Invoke("/graphql", operationName ?? "");
        var body = GraphQl.Answer(operation, variables, (cost, remaining, options.RateLimit, RateLimitReset));
        if (fault is { MalformedJson: true })
        {
            body = body[..(body.Length / 2)];
        }
        else if (fault is { WithData: true })
        {
            body = body[..body.LastIndexOf('}')] + ",\"errors\":[{\"type\":\"" + (fault.ErrorType ?? "SERVICE_UNAVAILABLE") + "\",\"message\":" + JsonSerializer.Serialize(fault.Message) + "}]}";
        }

        return GraphQlReply(body, remaining);
    }

    private Reply GraphQlReply(string body, int? remaining = null)
    {
        var left = remaining ?? GraphQlPointsRemaining;
        var reply = Reply.Ok(body);
        reply.Headers["x-ratelimit-limit"] = options.RateLimit.ToString(CultureInfo.InvariantCulture);
        reply.Headers["x-ratelimit-remaining"] = left.ToString(CultureInfo.InvariantCulture);
        reply.Headers["x-ratelimit-used"] = (options.RateLimit - left).ToString(CultureInfo.InvariantCulture);
        reply.Headers["x-ratelimit-resource"] = "graphql";
        return reply;
    }
}
