using FlowCollector.Worker.Hosting;
using FlowCollector.Worker.Scheduling;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Cli;

/// <summary>Runs every options validator (the ones <c>ValidateOnStart</c> would run) and returns their messages, one per problem.</summary>
internal static class StartupValidation
{
    public static IReadOnlyList<string> Errors(IServiceProvider services, IConfiguration configuration)
    {
        var errors = new List<string>();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
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
        return errors.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Prints every configuration problem to <paramref name="stderr"/>; true when there was any (the caller exits with 2).</summary>
    public static bool Rejects(IServiceProvider services, IConfiguration configuration, TextWriter stderr)
    {
        var errors = Errors(services, configuration);
        if (errors.Count > 0)
        {
            Print(errors, stderr);
        }

        return errors.Count > 0;
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
