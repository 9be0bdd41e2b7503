using System.Globalization;
using System.Text;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>
/// Renders a Grafana alert annotation as Grafana's alerting does (Go text/template over <c>$labels</c> and
/// <c>$values</c>), for the subset the FlowCollector rules use: <c>{{ $labels.name }}</c>, <c>{{ $values.A }}</c> (its
/// number formatted as Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>, Grafana's <c>Value.String()</c>),
/// <c>{{ $values.A.Value }}</c>, the functions <c>humanize</c>, <c>humanizeDuration</c>, <c>humanizePercentage</c>
/// (Prometheus' definitions, which Grafana reuses), <c>eq</c>, <c>gt</c>, and <c>if</c> / <c>else</c> / <c>end</c>.
/// A reference Grafana did not capture renders as Go's zero value (a missing <c>$values.K</c> is 0, a missing label
/// is empty). Anything else is rejected, so a rule cannot use template features these tests do not check.
/// </summary>
public static class AnnotationTemplate
{
    public static string Render(string template, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        var tokens = Tokenize(template);
        var position = 0;
        var output = new StringBuilder();
        Block(tokens, ref position, output, emit: true, labels, values, template);
        return position == tokens.Count ? output.ToString() : throw new FormatException($"'{template}': unexpected {{{{ {tokens[position].Text} }}}}.");
    }

    private sealed record Token(bool IsAction, string Text);

    private static List<Token> Tokenize(string template)
    {
        var tokens = new List<Token>();
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                tokens.Add(new Token(false, template[at..]));
                break;
            }

            if (open > at)
            {
                tokens.Add(new Token(false, template[at..open]));
            }

            var close = template.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{template}': unclosed action.");
            }

            tokens.Add(new Token(true, template[(open + 2)..close].Trim()));
            at = close + 2;
        }

        return tokens;
    }

    /// <summary>Renders tokens until an <c>else</c> or <c>end</c> (left for the caller) or the end.</summary>
    private static void Block(List<Token> tokens, ref int position, StringBuilder output, bool emit, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, double> values, string template)
    {
        while (position < tokens.Count)
        {
            var token = tokens[position];
            if (!token.IsAction)
            {
                if (emit)
                {
                    output.Append(token.Text);
                }

                position++;
                continue;
            }

            if (token.Text is "else" or "end")
            {
                return;
            }

            position++;
            if (token.Text.StartsWith("if ", StringComparison.Ordinal))
            {
                var holds = emit && Truth(Evaluate(Words(token.Text[3..]), labels, values, template));
                Block(tokens, ref position, output, emit && holds, labels, values, template);
                if (position < tokens.Count && tokens[position].Text == "else")
                {
                    position++;
                    Block(tokens, ref position, output, emit && !holds, labels, values, template);
                }

                if (position >= tokens.Count || tokens[position].Text != "end")
                {
                    throw new FormatException($"'{template}': if without end.");
                }

                position++;
                continue;
            }

            var value = Evaluate(Words(token.Text), labels, values, template);
            if (emit)
            {
                output.Append(Text(value));
            }
        }
    }

    private static List<string> Words(string action)
    {
        var words = new List<string>();
        var at = 0;
        while (at < action.Length)
        {
            if (char.IsWhiteSpace(action[at]))
            {
                at++;
            }
            else if (action[at] == '"')
            {
                var end = action.IndexOf('"', at + 1);
                words.Add(action[at..(end + 1)]);
                at = end + 1;
            }
            else
            {
                var start = at;
                while (at < action.Length && !char.IsWhiteSpace(action[at]))
                {
                    at++;
                }

                words.Add(action[start..at]);
            }
        }

        return words;
    }

    private static object Evaluate(List<string> words, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, double> values, string template)
    {
        object Operand(string word)
        {
            if (word.StartsWith("$labels.", StringComparison.Ordinal))
            {
                return labels.GetValueOrDefault(word["$labels.".Length..], "");
            }

            if (word.StartsWith("$values.", StringComparison.Ordinal))
            {
                var reference = word["$values.".Length..];
                var asNumber = reference.EndsWith(".Value", StringComparison.Ordinal);
                var value = values.GetValueOrDefault(asNumber ? reference[..^".Value".Length] : reference, 0);
                return asNumber ? value : new CapturedValue(value);
            }

            if (word.StartsWith('"'))
            {
                return word[1..^1];
            }

            return double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new FormatException($"'{template}': '{word}' is not supported here.");
        }

        double Number(string word) => Operand(word) is double d ? d : throw new FormatException($"'{template}': '{word}' is not a number (use .Value).");

        return words switch
        {
            [var single] => Operand(single),
            ["humanize", var x] => Humanize(Number(x)),
            ["humanizeDuration", var x] => HumanizeDuration(Number(x)),
            ["humanizePercentage", var x] => HumanizePercentage(Number(x)),
            ["eq", var a, var b] => Equals(Operand(a), Operand(b)),
            ["gt", var a, var b] => Number(a) > Number(b),
            _ => throw new FormatException($"'{template}': '{string.Join(' ', words)}' is not supported here."),
        };
    }

    private sealed record CapturedValue(double Value);

    private static bool Truth(object value) => value switch
    {
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        _ => true,
    };

    private static string Text(object value) => value switch
    {
        CapturedValue v => GoFloat(v.Value),
        double d => GoFloat(d),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>: no exponent, shortest digits.</summary>
    private static string GoFloat(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? (value > 0 ? "+Inf" : "-Inf") : value.ToString("0.#################", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>%.4g</c>.</summary>
    private static string G4(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        return exponent is < -4 or >= 4
            ? value.ToString("0.###e+00", CultureInfo.InvariantCulture)
            : Math.Round(value, 3 - exponent).ToString("0.################", CultureInfo.InvariantCulture);
    }

    /// <summary>Prometheus' humanize: SI prefixes from k upwards, m/µ/n downwards, 4 significant digits.</summary>
    private static string Humanize(double value)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return GoFloat(value);
        }

        string[] up = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"];
        string[] down = ["", "m", "u", "n", "p", "f", "a", "z", "y"];
        var i = 0;
        if (Math.Abs(value) >= 1)
        {
            while (Math.Abs(value) >= 1000 && i < up.Length - 1)
            {
                value /= 1000;
                i++;
            }

            return G4(value) + up[i];
        }

        while (Math.Abs(value) < 1 && i < down.Length - 1)
        {
            value *= 1000;
            i++;
        }

        return G4(value) + down[i];
    }

    /// <summary>Prometheus' humanizeDuration: "1d 2h 3m 4s", "2h 0m 5s", "5m 0s", or "%.4gs" below a minute.</summary>
    private static string HumanizeDuration(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            return GoFloat(seconds);
        }

        var sign = seconds < 0 ? "-" : "";
        var v = Math.Abs(seconds);
        if (v >= 1)
        {
            var whole = (long)v;
            var (s, m, h, d) = (whole % 60, whole / 60 % 60, whole / 3600 % 24, whole / 86400);
            return d != 0 ? string.Create(CultureInfo.InvariantCulture, $"{sign}{d}d {h}h {m}m {s}s")
                : h != 0 ? string.Create(CultureInfo.InvariantCulture, $"{sign}{h}h {m}m {s}s")
                : m != 0 ? string.Create(CultureInfo.InvariantCulture, $"{sign}{m}m {s}s")
                : $"{sign}{G4(v)}s";
        }

        return v == 0 ? "0s" : sign + G4(v * 1000) + "ms";
    }

    private static string HumanizePercentage(double value) => G4(value * 100) + "%";
}
