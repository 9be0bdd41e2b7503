using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// The REST calls of one read of one repository: <c>api-version</c> pinned, <c>x-ms-continuationtoken</c> and
/// <c>$top</c>/<c>$skip</c> paging, request counting, and every failure turned into a <see cref="AzureDevOpsErrors"/>
/// message. Only source-generated DTOs cross it.
/// </summary>
internal sealed class AzureDevOpsClient
{
    private const string ContinuationHeader = "x-ms-continuationtoken";

    private readonly HttpClient http;
    private readonly AzureDevOpsEndpoints endpoints;
    private readonly AzureDevOpsErrors errors;

    public AzureDevOpsClient(HttpClient http, AzureDevOpsEndpoints endpoints, AzureDevOpsErrors errors, int pageSize)
    {
        this.http = http;
        this.endpoints = endpoints;
        this.errors = errors;
        PageSize = pageSize;
    }

    public int PageSize { get; }

    private int requests;

    /// <summary>Requests sent in this read (a request retried by the resilience handler counts once); reads may run concurrently.</summary>
    public int Requests => Volatile.Read(ref requests);

    public AzureDevOpsErrors Errors => errors;

    /// <summary><c>path?query</c> with the parameters escaped and the resource's <c>api-version</c> (<see cref="AzureDevOpsApiVersion"/>) appended.</summary>
    public static string Path(string path, params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters.Append(("api-version", AzureDevOpsApiVersion.For(path))))
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public async Task<T> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken cancellationToken, bool repositoryRequest = false) =>
        (await SendAsync(pathAndQuery, type, repositoryRequest, cancellationToken)).Body;

    /// <summary>The raw body of a GET (what a change probe fingerprints), with the same error handling as a typed read.</summary>
    public async Task<byte[]> GetBytesAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(pathAndQuery);
        Interlocked.Increment(ref requests);
        try
        {
            using var response = await http.GetAsync(new Uri(endpoints.BaseAddress, pathAndQuery), HttpCompletionOption.ResponseContentRead, cancellationToken);
            await EnsureAnswerAsync(response, endpoint, repositoryRequest: false, cancellationToken);
            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (errors.Translate(e, endpoint, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Pages of a list that pages with <c>x-ms-continuationtoken</c> → <c>continuationToken</c>; <paramref name="topName"/> is <c>$top</c> or, for deployment records, <c>top</c>.</summary>
    public async IAsyncEnumerable<List<T>> GetContinuationPagesAsync<T>(
        string path, JsonTypeInfo<AdoList<T>> type, [EnumeratorCancellation] CancellationToken cancellationToken, string topName = "$top", params (string Name, string? Value)[] parameters)
    {
        string? continuation = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var query = parameters.Append((topName, Number(PageSize))).Append(("continuationToken", continuation)).ToArray();
            var (body, next) = await SendAsync(Path(path, query), type, repositoryRequest: false, cancellationToken);
            yield return body.Value ?? [];

            if (string.IsNullOrEmpty(next))
            {
                yield break;
            }

            // A server that hands out the same token again would page forever.
            if (!seen.Add(next))
            {
                throw errors.MalformedPayload(Endpoint(Path(path, parameters)), $"the continuation token '{OneToken(next)}' came back twice");
            }

            continuation = next;
        }
    }

    /// <summary>
    /// Pages of a list that pages with <c>$top</c>/<c>$skip</c> (pull requests, pushes): the last page is the first shorter
    /// than <c>$top</c> that does not carry <c>x-ms-continuationtoken</c>.
    /// </summary>
    public async IAsyncEnumerable<List<T>> GetSkipPagesAsync<T>(
        string path, JsonTypeInfo<AdoList<T>> type, [EnumeratorCancellation] CancellationToken cancellationToken, params (string Name, string? Value)[] parameters)
    {
        for (var skip = 0; ;)
        {
            var query = parameters.Append(("$top", Number(PageSize))).Append(("$skip", skip == 0 ? null : Number(skip))).ToArray();
            var (body, continuation) = await SendAsync(Path(path, query), type, repositoryRequest: false, cancellationToken);
            var page = body.Value ?? [];
            yield return page;
            if (page.Count < PageSize && string.IsNullOrEmpty(continuation))
            {
                yield break;
            }

            if (page.Count == 0)
            {
                // "More follow" with nothing in this page: paging on would ask for the same page again, forever.
                throw errors.IncompleteList(Endpoint(Path(path, query)), $"an empty page (of $top {PageSize}) with {ContinuationHeader}, which says more items follow");
            }

            // A short page that says more follow (x-ms-continuationtoken) is not the end: Azure DevOps may return fewer
            // than $top items per page. Continue after what did come, so nothing after the short page is lost (an item
            // seen twice is harmless: readers key items by id).
            skip += page.Count;
        }
    }

    /// <summary>Every item of a continuation-paged list.</summary>
    public async Task<List<T>> GetAllAsync<T>(string path, JsonTypeInfo<AdoList<T>> type, CancellationToken cancellationToken, params (string Name, string? Value)[] parameters)
    {
        var all = new List<T>();
        await foreach (var page in GetContinuationPagesAsync(path, type, cancellationToken, "$top", parameters))
        {
            all.AddRange(page);
        }

        return all;
    }

    /// <summary>POSTs <paramref name="body"/> as JSON (WIQL); the answer is read like a GET's.</summary>
    public async Task<TResult> PostAsync<TBody, TResult>(string pathAndQuery, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var endpoint = "POST /" + Endpoint(pathAndQuery)["GET /".Length..];
        Interlocked.Increment(ref requests);
        try
        {
            using var content = JsonContent.Create(body, bodyType);
            using var response = await http.PostAsync(new Uri(endpoints.BaseAddress, pathAndQuery), content, cancellationToken);
            return await ReadAsync(response, resultType, endpoint, repositoryRequest: false, cancellationToken);
        }
        catch (Exception e) when (errors.Translate(e, endpoint, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary><c>GET /path?query</c> without <c>api-version</c>, as messages show it.</summary>
    public static string Endpoint(string pathAndQuery)
    {
        var version = "api-version=" + Uri.EscapeDataString(AzureDevOpsApiVersion.For(pathAndQuery));
        var withoutVersion = pathAndQuery
            .Replace("&" + version, "", StringComparison.Ordinal)
            .Replace("?" + version + "&", "?", StringComparison.Ordinal)
            .Replace("?" + version, "", StringComparison.Ordinal);
        return "GET /" + withoutVersion;
    }

    private async Task<(T Body, string? Continuation)> SendAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, bool repositoryRequest, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(pathAndQuery);
        var uri = new Uri(endpoints.BaseAddress, pathAndQuery);
        Interlocked.Increment(ref requests);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadAsync(response, type, endpoint, repositoryRequest, cancellationToken);
            var continuation = response.Headers.TryGetValues(ContinuationHeader, out var values) ? values.FirstOrDefault() : null;
            return (body, continuation);
        }
        catch (Exception e) when (errors.Translate(e, endpoint, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string endpoint, bool repositoryRequest, CancellationToken cancellationToken)
    {
        await EnsureAnswerAsync(response, endpoint, repositoryRequest, cancellationToken);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken)
            ?? throw errors.MalformedPayload(endpoint, "an empty (null) body");
    }

    /// <summary>Throws the message for a sign-in page (a bad credential) or an error status; returns for a real answer.</summary>
    private async Task EnsureAnswerAsync(HttpResponseMessage response, string endpoint, bool repositoryRequest, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode == HttpStatusCode.NonAuthoritativeInformation
            || (response.IsSuccessStatusCode && string.Equals(mediaType, "text/html", StringComparison.OrdinalIgnoreCase)))
        {
            var html = await response.Content.ReadAsStringAsync(cancellationToken);
            throw AzureDevOpsSignInPage.IsSignIn((int)response.StatusCode, html)
                ? errors.SignInPage(endpoint, (int)response.StatusCode)
                : errors.HtmlPage(endpoint, (int)response.StatusCode, AzureDevOpsSignInPage.Title(html));
        }

        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var retryAfter = AzureDevOpsThrottle.RetryAfter(response.Headers.RetryAfter, DateTimeOffset.MinValue);
            throw errors.FromStatus(response.StatusCode, text, retryAfter, endpoint, repositoryRequest);
        }
    }

    private static string OneToken(string token) => token.Length <= 40 ? token : token[..40] + "…";
}
