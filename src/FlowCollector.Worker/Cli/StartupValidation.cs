using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Hosting;
using FlowCollector.Worker.Scheduling;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Cli;

/// <summary>Runs every options validator (the ones <c>ValidateOnStart</c> would run) and returns their messages, one per problem.</summary>
internal static class StartupValidation
{
    public static IReadOnlyList<string> Errors(IServiceProvider services, IConfiguration configuration)
    {
        // A value the binder cannot convert would throw from the first options access: one line per such key instead.
        var errors = ConversionErrors(configuration);
        if (errors.Count > 0)
        {
            return errors;
        }

        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (InvalidOperationException e)
        {
            // The binder's own words name the key ("Failed to convert configuration value at 'X' to type 'Y'").
            errors.Add(e.Message);
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
        }
        catch (AggregateException e)
        {
            errors.AddRange(e.Flatten().InnerExceptions.SelectMany(inner => inner is OptionsValidationException o ? o.Failures : [inner.Message]));
        }

        errors.AddRange(ScheduleValidator.Validate(configuration, FlowCollectorComposition.SourceSections));
        return errors.Select(ResilienceOptionErrors.Rewrite).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every configured value under our sections that does not convert to its key's type, one line each, naming the key.</summary>
    public static List<string> ConversionErrors(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is not null && ConfigurationKeys.TypeOf(key) is { } type && !ConfigurationKeys.Converts(type, value))
            {
                errors.Add($"{key} is '{value}' but must be {ConfigurationKeys.Describe(type)}.");
            }
        }

        return errors;
    }

    /// <summary>Keys under our sections that no option reads (typos: the setting silently has no effect), with the nearest real key.</summary>
    public static List<string> UnknownKeys(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var warnings = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null || !ConfigurationKeys.InKnownSection(key) || ConfigurationKeys.Find(key) is not null)
            {
                continue;
            }

            // An empty JSON array or object ("Repositories": []) reaches configuration as its own key with the value "":
            // that is a list left empty, not a typo.
            if (value.Length == 0 && ConfigurationKeys.Find(key + ":0") is not null)
            {
                continue;
            }

            var nearest = ConfigurationKeys.Nearest(key);
            warnings.Add(nearest is null
                ? $"{key} is not a FlowCollector setting and has no effect; see docs/configuration.md."
                : $"{key} is not a FlowCollector setting and has no effect; did you mean {nearest}?");
        }

        return warnings;
    }

    /// <summary>Prints every configuration problem to <paramref name="stderr"/>; true when there was any (the caller exits with 2).</summary>
    public static bool Rejects(IServiceProvider services, IConfiguration configuration, TextWriter stderr)
    {
        foreach (var warning in UnknownKeys(configuration))
        {
            stderr.WriteLine($"flowcollector: warning: {warning}");
        }

        var errors = Errors(services, configuration);
        if (errors.Count > 0)
        {
            Print(errors, stderr);
            return true;
        }

        // Only over valid options: the names are read from the bound options, as the sources will read them.
        foreach (var warning in EnvironmentNameWarnings(services))
        {
            stderr.WriteLine($"flowcollector: warning: {warning}");
        }

        return false;
    }

    /// <summary>
    /// Environment names of the sources that no configured path holds (<see cref="EnvironmentNameCheck"/>); a source with
    /// no repository to read (none named, none to discover) is left out: its defaults name nothing anybody chose.
    /// </summary>
    public static IReadOnlyList<string> EnvironmentNameWarnings(IServiceProvider services)
    {
        var azureDevOps = services.GetRequiredService<IOptions<AzureDevOpsSourceOptions>>().Value;
        var gitHub = services.GetRequiredService<IOptions<GitHubSourceOptions>>().Value;
        return EnvironmentNameCheck.Warnings(
            services.GetRequiredService<IOptions<ValueStreamOptions>>().Value,
            azureDevOps.Repositories.Count > 0 || azureDevOps.Projects.Count > 0 ? azureDevOps : null,
            gitHub.Repositories.Count > 0 || gitHub.Organizations.Count > 0 ? gitHub : null);
    }

    public static void Print(IReadOnlyList<string> errors, TextWriter stderr)
    {
        stderr.WriteLine($"flowcollector: the configuration has {errors.Count} problem(s):");
        foreach (var error in errors)
        {
            stderr.WriteLine($"  error: {error}");
        }

        stderr.WriteLine("See docs/configuration.md for every key and an example.");
    }
}
