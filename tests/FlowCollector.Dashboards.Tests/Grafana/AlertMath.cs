using System.Globalization;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>
/// Grafana's math expression over labelled numbers: <c>$A</c> references, numbers, <c>+ - * /</c>, comparisons
/// (<c>&gt; &lt; &gt;= &lt;= == !=</c>, giving 1 or 0), <c>&amp;&amp; ||</c>, unary minus and parentheses. Two sets are
/// joined as Grafana's <c>union</c> does: items whose labels are equal, or where one side has no labels, or one side's
/// labels contain the other's, are combined (the more specific labels win); same-sized different label sets are not;
/// when nothing matched and each side has one item, those two are combined without labels. An empty side gives an
/// empty result (NoData). NaN propagates through arithmetic; comparisons with NaN are 0.
/// </summary>
public static class AlertMath
{
    public static IReadOnlyList<AlertNumber> Evaluate(string expression, IReadOnlyDictionary<string, IReadOnlyList<AlertNumber>> variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(variables);
        var parser = new Parser(expression, variables);
        var value = parser.Parse();
        return value.Scalar is { } scalar ? [new AlertNumber(new Dictionary<string, string>(StringComparer.Ordinal), scalar)] : value.Set!;
    }

    private sealed record Operand(double? Scalar, IReadOnlyList<AlertNumber>? Set);

    private sealed class Parser(string text, IReadOnlyDictionary<string, IReadOnlyList<AlertNumber>> variables)
    {
        private int position;

        public Operand Parse()
        {
            var result = Or();
            SkipSpace();
            return position == text.Length ? result : throw Error("unexpected input");
        }

        private Operand Or()
        {
            var left = And();
            while (Take("||"))
            {
                left = Combine(left, And(), (a, b) => Truth(a) || Truth(b) ? 1 : 0);
            }

            return left;
        }

        private Operand And()
        {
            var left = Comparison();
            while (Take("&&"))
            {
                left = Combine(left, Comparison(), (a, b) => Truth(a) && Truth(b) ? 1 : 0);
            }

            return left;
        }

        private Operand Comparison()
        {
            var left = Sum();
            while (true)
            {
                Func<double, double, bool>? op =
                    Take(">=") ? (a, b) => a >= b
                    : Take("<=") ? (a, b) => a <= b
                    : Take("==") ? (a, b) => a == b
                    : Take("!=") ? (a, b) => a != b
                    : Take(">") ? (a, b) => a > b
                    : Take("<") ? (a, b) => a < b
                    : null;
                if (op is null)
                {
                    return left;
                }

                left = Combine(left, Sum(), (a, b) => op(a, b) ? 1 : 0);
            }
        }

        private Operand Sum()
        {
            var left = Product();
            while (true)
            {
                if (Take("+"))
                {
                    left = Combine(left, Product(), (a, b) => a + b);
                }
                else if (Take("-"))
                {
                    left = Combine(left, Product(), (a, b) => a - b);
                }
                else
                {
                    return left;
                }
            }
        }

        private Operand Product()
        {
            var left = Unary();
            while (true)
            {
                if (Take("*"))
                {
                    left = Combine(left, Unary(), (a, b) => a * b);
                }
                else if (Take("/"))
                {
                    // Go's float division: x/0 is ±Inf, 0/0 is NaN.
                    left = Combine(left, Unary(), (a, b) => a / b);
                }
                else
                {
                    return left;
                }
            }
        }

        private Operand Unary() => Take("-") ? Combine(new Operand(0, null), Unary(), (a, b) => a - b) : Primary();

        private Operand Primary()
        {
            SkipSpace();
            if (Take("("))
            {
                var inner = Or();
                return Take(")") ? inner : throw Error("')' expected");
            }

            if (position < text.Length && text[position] == '$')
            {
                var start = ++position;
                var braced = position < text.Length && text[position] == '{';
                if (braced)
                {
                    start = ++position;
                }

                while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
                {
                    position++;
                }

                var name = text[start..position];
                if (braced && !Take("}"))
                {
                    throw Error("'}' expected");
                }

                return variables.TryGetValue(name, out var set) ? new Operand(null, set) : throw Error($"${name} is not an earlier expression");
            }

            var numberStart = position;
            while (position < text.Length && (char.IsDigit(text[position]) || text[position] is '.' or 'e' or 'E'))
            {
                position++;
            }

            return numberStart < position && double.TryParse(text[numberStart..position], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? new Operand(number, null)
                : throw Error("a number, $ref or '(' expected");
        }

        private bool Take(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, position, token, 0, token.Length) != 0)
            {
                return false;
            }

            position += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }
        }

        private FormatException Error(string what) => new($"Math expression '{text}' at {position}: {what}.");

        private static bool Truth(double value) => value != 0 && !double.IsNaN(value);

        private static Operand Combine(Operand a, Operand b, Func<double, double, double> op)
        {
            if (a.Scalar is { } x && b.Scalar is { } y)
            {
                return new Operand(op(x, y), null);
            }

            if (a.Scalar is { } left)
            {
                return new Operand(null, b.Set!.Select(n => n with { Value = op(left, n.Value) }).ToList());
            }

            if (b.Scalar is { } right)
            {
                return new Operand(null, a.Set!.Select(n => n with { Value = op(n.Value, right) }).ToList());
            }

            return new Operand(null, Union(a.Set!, b.Set!).Select(u => new AlertNumber(u.Labels, op(u.A, u.B))).ToList());
        }

        private static List<(IReadOnlyDictionary<string, string> Labels, double A, double B)> Union(IReadOnlyList<AlertNumber> a, IReadOnlyList<AlertNumber> b)
        {
            var unions = new List<(IReadOnlyDictionary<string, string>, double, double)>();
            if (a.Count == 0 || b.Count == 0)
            {
                return unions;
            }

            foreach (var x in a)
            {
                foreach (var y in b)
                {
                    IReadOnlyDictionary<string, string> labels;
                    if (SameLabels(x.Labels, y.Labels) || x.Labels.Count == 0 || y.Labels.Count == 0)
                    {
                        labels = x.Labels.Count == 0 ? y.Labels : x.Labels;
                    }
                    else if (x.Labels.Count == y.Labels.Count)
                    {
                        continue;
                    }
                    else if (Contains(x.Labels, y.Labels))
                    {
                        labels = x.Labels;
                    }
                    else if (Contains(y.Labels, x.Labels))
                    {
                        labels = y.Labels;
                    }
                    else
                    {
                        continue;
                    }

                    unions.Add((labels, x.Value, y.Value));
                }
            }

            if (unions.Count == 0 && a.Count == 1 && b.Count == 1)
            {
                unions.Add((new Dictionary<string, string>(StringComparer.Ordinal), a[0].Value, b[0].Value));
            }

            return unions;
        }

        private static bool SameLabels(IReadOnlyDictionary<string, string> x, IReadOnlyDictionary<string, string> y) => x.Count == y.Count && Contains(x, y);

        private static bool Contains(IReadOnlyDictionary<string, string> outer, IReadOnlyDictionary<string, string> inner) =>
            inner.All(kv => outer.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
