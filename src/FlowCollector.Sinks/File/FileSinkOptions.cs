using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks.File;

/// <summary>
/// The embedded line-protocol file, used when no InfluxDB is configured (<c>Sinks:InfluxDb:Url</c> empty).
/// Bound from <c>Sinks:File</c>. Import the files with <c>influx write --precision ns</c>.
/// </summary>
public sealed class FileSinkOptions
{
    public const string SectionName = "Sinks:File";

    /// <summary>
    /// The file the points are appended to (default <c>data/points.lp</c>). A relative path is relative to the
    /// current directory. Rotated files sit beside it as <c>points.1.lp</c> (newest) … <c>points.{MaxFiles-1}.lp</c>.
    /// </summary>
    [Required(ErrorMessage = "Sinks:File:Path is required; set it (env Sinks__File__Path), e.g. data/points.lp.")]
    public string Path { get; set; } = "data/points.lp";

    /// <summary>Rotate when appending would make the file larger than this, in bytes (default 67108864 = 64 MiB, at least 1024).</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How many files are kept including the current one (default 10, 1..1000); the oldest is deleted on rotation. 1 means the file is started afresh when full.</summary>
    public int MaxFiles { get; set; } = 10;
}

/// <summary>
/// The data-annotation rules of <see cref="FileSinkOptions"/>, generated. Ranges are checked by
/// <see cref="FileSinkOptionsCustomValidator"/> instead: the generator (10.0) ignores a <c>[Range]</c>'s
/// <c>ErrorMessage</c>, and its default message names neither the configuration key nor the value.
/// </summary>
[OptionsValidator]
internal sealed partial class FileSinkOptionsValidator : IValidateOptions<FileSinkOptions>;

/// <summary>Ranges and a usable path, with the configuration key and the offending value in each message.</summary>
internal sealed class FileSinkOptionsCustomValidator : IValidateOptions<FileSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.MaxFileBytes < 1024)
        {
            builder.AddError($"Sinks:File:MaxFileBytes must be at least 1024 bytes, not {options.MaxFileBytes}; set it (env Sinks__File__MaxFileBytes), e.g. 67108864.");
        }

        if (options.MaxFiles is < 1 or > 1000)
        {
            builder.AddError($"Sinks:File:MaxFiles must be between 1 and 1000, not {options.MaxFiles}; set it (env Sinks__File__MaxFiles).");
        }

        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            if (options.Path.AsSpan().IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            {
                builder.AddError($"Sinks:File:Path '{options.Path}' contains characters that are not allowed in a path; set a valid path (env Sinks__File__Path).");
            }
            else if (string.IsNullOrEmpty(System.IO.Path.GetFileName(options.Path)))
            {
                builder.AddError($"Sinks:File:Path '{options.Path}' names a directory, not a file; set a file path such as data/points.lp (env Sinks__File__Path).");
            }
        }

        return builder.Build();
    }
}
