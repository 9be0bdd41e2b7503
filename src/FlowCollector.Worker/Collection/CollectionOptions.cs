using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlowCollector.Worker.Collection;

/// <summary>How collection runs behave across targets. Bound from <c>Collection</c>.</summary>
public sealed class CollectionOptions
{
    public const string SectionName = "Collection";

    /// <summary>At most this many targets are collected at the same time (default 4). Bounds memory and API concurrency.</summary>
    [Range(1, 64)]
    public int MaxConcurrentTargets { get; set; } = 4;

    /// <summary>On shutdown, a running collection gets this long to finish (default 20 s); after that it is abandoned without advancing its watermark.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);
}

[OptionsValidator]
internal sealed partial class CollectionOptionsValidator : IValidateOptions<CollectionOptions>;
