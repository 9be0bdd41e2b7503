using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowCollector.Testing.Faults;

/// <summary>
/// A loopback HTTP proxy in front of a simulator (GitHub or Azure DevOps) that injects the faults of the network and of
/// a misbehaving server, so the simulators stay faithful to their published descriptions: a connection cut in the middle
/// of a body, 5xx answers at a given rate, an HTML page in place of data, a server clock that disagrees with ours (the
/// <c>Date</c> header), and answers rewritten (a short page, a missing field). Every answer's upstream address is
/// rewritten to the proxy's, so page links keep going through it. Configure the collector with <see cref="Url"/>.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Accept-Encoding", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Content-Length", "Host", "Date", "Server",
    };

    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private readonly string upstreamRoot;
    private readonly Lock gate = new();
    private readonly List<Rule> rules = [];
    private int requests;
    private int injected;

    private FaultProxy(WebApplication app, string upstreamUrl)
    {
        this.app = app;
        var uri = new Uri(upstreamUrl);
        upstreamRoot = uri.GetLeftPart(UriPartial.Authority);
        UpstreamPath = uri.AbsolutePath;
        upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false });
    }

    /// <summary>The proxy's address with the upstream URL's path, e.g. <c>http://127.0.0.1:5123/contoso/</c>.</summary>
    public string Url => Root + UpstreamPath;

    /// <summary>The proxy's scheme, host and port.</summary>
    public string Root { get; private set; } = "";

    private string UpstreamPath { get; }

    /// <summary>Requests the proxy received.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Faults injected so far (cuts, statuses, pages, rewrites).</summary>
    public int Injected => Volatile.Read(ref injected);

    /// <summary>Added to every answer's <c>Date</c> (the server's clock ahead of ours when positive); default none.</summary>
    public TimeSpan DateSkew { get; set; }

    /// <summary>Starts a proxy for <paramref name="upstreamUrl"/> (a simulator's <c>Url</c>) on a free loopback port.</summary>
    public static async Task<FaultProxy> StartAsync(string upstreamUrl, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var app = builder.Build();
        var proxy = new FaultProxy(app, upstreamUrl);
        app.Run(proxy.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Root = address.TrimEnd('/');
        return proxy;
    }

    /// <summary>The next <paramref name="times"/> answers to paths matching <paramref name="path"/> (a regex) stop half-way through the body: the connection is closed.</summary>
    public void CutBodyNext(string path, int times = 1) => Add(new Rule(new Regex(path, RegexOptions.IgnoreCase), times, Every: 1, Fault.Cut, 0, null, null));

    /// <summary>Every <paramref name="every"/>-th request (of those matching <paramref name="path"/>) is answered <paramref name="status"/> instead (e.g. 10 → 10 % of requests, 12 → 1 in 12).</summary>
    public void FailEvery(int every, int status = 500, string path = ".") =>
        Add(new Rule(new Regex(path, RegexOptions.IgnoreCase), int.MaxValue, every, Fault.Status, status, "{\"message\":\"simulated transient failure\"}", "application/json"));

    /// <summary>The next <paramref name="times"/> answers to <paramref name="path"/> are <paramref name="html"/> with <paramref name="status"/> (a proxy's page, a web site).</summary>
    public void HtmlNext(string path, string html, int times = 1, int status = 200) =>
        Add(new Rule(new Regex(path, RegexOptions.IgnoreCase), times, Every: 1, Fault.Status, status, html, "text/html; charset=utf-8"));

    /// <summary>The next <paramref name="times"/> answers to <paramref name="path"/> have their body rewritten by <paramref name="rewrite"/> (and may add headers).</summary>
    public void RewriteNext(string path, Func<string, (string Body, IReadOnlyDictionary<string, string>? Headers)> rewrite, int times = 1) =>
        Add(new Rule(new Regex(path, RegexOptions.IgnoreCase), times, Every: 1, Fault.Rewrite, 0, null, null) { Rewrite = rewrite });

    /// <summary>Removes every fault still armed (a re-run "after the fault").</summary>
    public void Clear()
    {
        lock (gate)
        {
            rules.Clear();
        }

        DateSkew = TimeSpan.Zero;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private void Add(Rule rule)
    {
        lock (gate)
        {
            rules.Add(rule);
        }
    }

    private Rule? Take(string pathAndQuery)
    {
        lock (gate)
        {
            foreach (var rule in rules)
            {
                if (rule.Remaining <= 0 || !rule.Path.IsMatch(pathAndQuery))
                {
                    continue;
                }

                rule.Seen++;
                if (rule.Seen % rule.Every != 0)
                {
                    continue;
                }

                rule.Remaining--;
                return rule;
            }
        }

        return null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        var rule = Take(pathAndQuery.ToString());
        if (rule is { Kind: Fault.Status })
        {
            Interlocked.Increment(ref injected);
            context.Response.StatusCode = rule.Status;
            context.Response.ContentType = rule.ContentType;
            SetDate(context, null);
            await context.Response.WriteAsync(rule.Body ?? "", context.RequestAborted);
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstreamRoot + pathAndQuery);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            request.Content = new ByteArrayContent(buffer.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        using var response = await upstream.SendAsync(request, context.RequestAborted);
        var body = await response.Content.ReadAsStringAsync(context.RequestAborted);
        body = body.Replace(upstreamRoot, Root, StringComparison.Ordinal);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.Select(v => v.Replace(upstreamRoot, Root, StringComparison.Ordinal)).ToArray();
            }
        }

        if (rule is { Kind: Fault.Rewrite, Rewrite: { } rewrite })
        {
            Interlocked.Increment(ref injected);
            var (rewritten, headers) = rewrite(body);
            body = rewritten;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }
        }

        SetDate(context, response.Headers.Date);
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        if (rule is { Kind: Fault.Cut })
        {
            Interlocked.Increment(ref injected);
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private void SetDate(HttpContext context, DateTimeOffset? upstreamDate)
    {
        var date = (upstreamDate ?? DateTimeOffset.UtcNow) + DateSkew;
        context.Response.Headers.Date = date.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
    }

    private enum Fault
    {
        Cut,
        Status,
        Rewrite,
    }

    private sealed record Rule(Regex Path, int Times, int Every, Fault Kind, int Status, string? Body, string? ContentType)
    {
        public int Remaining { get; set; } = Times;

        public int Seen { get; set; }

        public Func<string, (string Body, IReadOnlyDictionary<string, string>? Headers)>? Rewrite { get; init; }
    }
}
