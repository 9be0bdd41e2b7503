using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks.InfluxDb;

/// <summary>
/// Every rule of <see cref="InfluxDbSinkOptions"/>, with the configuration key and the offending value in each message.
/// Hand-written rather than <c>[OptionsValidator]</c>-generated: the rules are cross-field (they depend on
/// <c>Url</c> and <c>ApiVersion</c>), and the generator (10.0) ignores a <c>[Range]</c>'s <c>ErrorMessage</c>.
/// </summary>
internal sealed class InfluxDbSinkOptionsValidator : IValidateOptions<InfluxDbSinkOptions>
{
    private const string Section = InfluxDbSinkOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, InfluxDbSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.BatchSize is < 1 or > 100_000)
        {
            builder.AddError($"{Section}:BatchSize must be between 1 and 100000 lines, not {options.BatchSize}; set it (env Sinks__InfluxDb__BatchSize).");
        }

        if (options.MaxBatchesInFlight is < 1 or > 16)
        {
            builder.AddError($"{Section}:MaxBatchesInFlight must be between 1 and 16, not {options.MaxBatchesInFlight}; set it (env Sinks__InfluxDb__MaxBatchesInFlight), e.g. 2.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            builder.AddError($"{Section}:Timeout must be between 00:00:01 and 00:10:00, not {options.Timeout}; set it (env Sinks__InfluxDb__Timeout), e.g. 00:00:30.");
        }

        if (!options.IsEnabled)
        {
            // The file sink is used; the InfluxDB keys below are not needed.
            return builder.Build();
        }

        var url = options.Url!;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            // A scheme-less "influxdb:8086" parses as scheme "influxdb"; say what to write instead.
            builder.AddError($"{Section}:Url '{url.OriginalString}' is not an absolute http:// or https:// address; set it like http://influxdb:8086 (env Sinks__InfluxDb__Url).");
        }
        else
        {
            if (!string.IsNullOrEmpty(url.UserInfo))
            {
                builder.AddError($"{Section}:Url must not contain credentials; put them in {Section}:Token (or Username/Password for V1) instead (env Sinks__InfluxDb__Url).");
            }

            if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
            {
                builder.AddError($"{Section}:Url '{InfluxDbEndpoints.Display(url)}…' must not have a query or fragment; set only the base address, e.g. http://influxdb:8086 (env Sinks__InfluxDb__Url).");
            }
        }

        switch (options.ApiVersion)
        {
            case InfluxDbApiVersion.V2:
                RequireForV2(builder, options.Token, "Token");
                RequireForV2(builder, options.Org, "Org");
                RequireForV2(builder, options.Bucket, "Bucket");
                break;
            case InfluxDbApiVersion.V1:
                if (string.IsNullOrWhiteSpace(options.Database))
                {
                    builder.AddError($"{Section}:Database is required when {Section}:ApiVersion is V1; set it (env Sinks__InfluxDb__Database).");
                }

                var hasUser = !string.IsNullOrEmpty(options.Username);
                var hasPassword = !string.IsNullOrEmpty(options.Password);
                if (hasUser != hasPassword)
                {
                    builder.AddError($"{Section}:Username and {Section}:Password go together for V1 basic authentication; set both or neither (env Sinks__InfluxDb__Username, Sinks__InfluxDb__Password).");
                }

                if (hasUser && !string.IsNullOrEmpty(options.Token))
                {
                    builder.AddError($"{Section}:Token and {Section}:Username are both set; V1 authenticates with one of them, so remove the other.");
                }

                break;
            default:
                builder.AddError($"{Section}:ApiVersion '{options.ApiVersion}' is not supported; set V2 or V1 (env Sinks__InfluxDb__ApiVersion).");
                break;
        }

        return builder.Build();
    }

    private static void RequireForV2(ValidateOptionsResultBuilder builder, string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            builder.AddError($"{Section}:{key} is required when {Section}:ApiVersion is V2; set it (env Sinks__InfluxDb__{key}).");
        }
    }
}
