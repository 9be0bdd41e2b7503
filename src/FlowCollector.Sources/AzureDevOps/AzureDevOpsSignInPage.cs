using System.Text.RegularExpressions;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>
/// Tells Azure DevOps' sign-in page (what it serves for a credential it does not accept, usually with <c>203</c>) from
/// any other HTML page — a proxy's login or error page, or a web site at a mistyped <c>OrganizationUrl</c> — which is
/// no reason to suspect the credential.
/// </summary>
internal static partial class AzureDevOpsSignInPage
{
    /// <summary>What the sign-in page carries: its title ("Azure DevOps Services | Sign In") and where it sends the browser (Microsoft Entra ID, <c>_signin</c>).</summary>
    private static readonly string[] Markers = ["login.microsoftonline.com", "/_signin", "vssps.visualstudio.com", "app.vssps."];

    public static bool IsSignIn(int status, string html) =>
        status == 203
        || (Title(html) is { } title && title.Contains("Sign In", StringComparison.OrdinalIgnoreCase))
        || Markers.Any(marker => html.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>The page's <c>&lt;title&gt;</c>, for the message; null without one.</summary>
    public static string? Title(string html) =>
        TitlePattern().Match(html) is { Success: true } match && match.Groups[1].Value.Trim() is { Length: > 0 } title ? title : null;

    [GeneratedRegex("<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TitlePattern();
}
