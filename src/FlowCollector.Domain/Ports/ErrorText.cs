namespace FlowCollector.Domain.Ports;

/// <summary>How a third party's words (an API's error message, a driver's exception) go into one of our error messages.</summary>
public static class ErrorText
{
    /// <summary>On one line, at most 200 characters (longer: cut, with an ellipsis), so a log line stays a line.</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
