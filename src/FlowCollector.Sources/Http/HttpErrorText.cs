using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace FlowCollector.Sources.Http;

/// <summary>What an HTTP answer says about a failure, for the sources' error messages.</summary>
internal static class HttpErrorText
{
    /// <summary>The status's standard reason phrase ("Not Found"), or null for a code without one.</summary>
    public static string? ReasonPhrase(int status) =>
        ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : null;

    /// <summary>The <c>message</c> of a JSON error body (GitHub's and Azure DevOps' shape), or null when there is none.</summary>
    public static string? JsonMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
