using System.Globalization;

namespace FlowCollector.Bench;

/// <summary>The command line: a scenario name followed by <c>--name value</c> options and <c>--flag</c> switches.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string?> options;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    private BenchArguments(string scenario, Dictionary<string, string?> options)
    {
        Scenario = scenario;
        this.options = options;
    }

    public string Scenario { get; }

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new BenchUsageException("no scenario given");
        }

        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new BenchUsageException($"'{name}' is not an option (options look like --sizes 10000,100000)");
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[name[2..]] = hasValue ? args[++i] : null;
        }

        return new BenchArguments(args[0], options);
    }

    public int Int(string name, int fallback, int minimum = 1) => Ints(name, [fallback], minimum) is [var single]
        ? single
        : throw new BenchUsageException($"--{name} takes one number");

    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback, int minimum = 1)
    {
        read.Add(name);
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        var values = new List<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var digits = part.Replace("_", "", StringComparison.Ordinal);
            var multiplier = 1;
            if (digits.EndsWith('k') || digits.EndsWith('M'))
            {
                multiplier = digits.EndsWith('k') ? 1_000 : 1_000_000;
                digits = digits[..^1];
            }

            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
            {
                throw new BenchUsageException($"--{name} {text}: '{part}' is not a whole number ≥ {minimum} (10000, 10k and 1M are numbers)");
            }

            values.Add(checked(value * multiplier));
        }

        return values.Count > 0 ? values : throw new BenchUsageException($"--{name} needs a value, e.g. --{name} 100");
    }

    public string? Text(string name)
    {
        read.Add(name);
        return options.TryGetValue(name, out var value)
            ? value ?? throw new BenchUsageException($"--{name} needs a value")
            : null;
    }

    public bool Flag(string name)
    {
        read.Add(name);
        if (!options.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null ? true : throw new BenchUsageException($"--{name} is a switch and takes no value ('{value}')");
    }

    /// <summary>Refuses options no scenario step asked for: a typo must not silently fall back to a default.</summary>
    public void EnsureAllRead()
    {
        var unknown = options.Keys.Where(k => !read.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new BenchUsageException($"unknown option(s) for '{Scenario}': {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }
}

/// <summary>A command line the harness cannot run; the message says what to change.</summary>
internal sealed class BenchUsageException : Exception
{
    public BenchUsageException()
    {
    }

    public BenchUsageException(string message)
        : base(message)
    {
    }

    public BenchUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
