namespace FlowCollector.Sinks.InfluxDb;

/// <summary>Addresses derived from <see cref="InfluxDbSinkOptions.Url"/>, and its display form without secrets.</summary>
internal static class InfluxDbEndpoints
{
    /// <summary>The base address with a trailing slash, so relative paths keep a reverse proxy's path prefix.</summary>
    public static Uri Base(Uri url)
    {
        var text = url.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    /// <summary><c>scheme://host:port/path</c> without user info, query or trailing slash, for messages and descriptions.</summary>
    public static string Display(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return url.OriginalString;
        }

        var builder = new UriBuilder(url) { UserName = "", Password = "", Query = "", Fragment = "" };
        return builder.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary><c>write?db=…&amp;rp=…&amp;precision=ns</c> (V1).</summary>
    public static Uri V1Write(InfluxDbSinkOptions options)
    {
        var query = $"write?db={Uri.EscapeDataString(options.Database ?? "")}";
        if (!string.IsNullOrEmpty(options.RetentionPolicy))
        {
            query += $"&rp={Uri.EscapeDataString(options.RetentionPolicy)}";
        }

        return new Uri(Base(options.Url!), query + "&precision=ns");
    }

    public static Uri Ping(InfluxDbSinkOptions options) => new(Base(options.Url!), "ping");

    /// <summary><c>api/v2/write?org=…&amp;bucket=…&amp;precision=ns</c> (V2), as InfluxDB.Client sends it.</summary>
    public static Uri V2Write(InfluxDbSinkOptions options) =>
        new(Base(options.Url!), $"api/v2/write?org={Uri.EscapeDataString(options.Org ?? "")}&bucket={Uri.EscapeDataString(options.Bucket ?? "")}&precision=ns");
}
