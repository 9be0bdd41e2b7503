using System.Text.Json;

namespace FlowCollector.Sources.Tests.Contracts;

/// <summary>
/// Validates a JSON value against an OpenAPI 3.0 schema of GitHub's description: <c>$ref</c> into <c>#/components</c>,
/// <c>type</c> (with <c>nullable</c>), <c>properties</c> and <c>required</c>, <c>items</c>, <c>enum</c>, <c>allOf</c>,
/// <c>anyOf</c> and <c>oneOf</c> (read as anyOf: GitHub's alternatives overlap). Formats and extra properties are not checked.
/// Also Swagger 2.0 (Azure DevOps): <paramref name="nullsAllowed"/> because Swagger 2.0 cannot say "nullable" and
/// Microsoft's descriptions declare no <c>required</c>, so any property may be null or absent.
/// </summary>
internal sealed class OpenApiSchemaValidator(JsonElement document, bool nullsAllowed = false)
{
    public List<string> Validate(JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(schema, value, "$", errors, depth: 0);
        return errors;
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var target = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }

            schema = target;
        }

        return schema;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors, int depth)
    {
        schema = Resolve(schema);
        if (depth > 64 || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            var nullable = nullsAllowed || (schema.TryGetProperty("nullable", out var n) && n.GetBoolean());
            var declared = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (!nullable && declared is not null && declared != "null")
            {
                errors.Add($"{path}: null where the schema says {declared} (not nullable)");
            }

            return;
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(part, value, path, errors, depth + 1);
            }
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var alternatives))
            {
                var failures = new List<string>();
                var matched = false;
                foreach (var alternative in alternatives.EnumerateArray())
                {
                    var attempt = new List<string>();
                    Check(alternative, value, path, attempt, depth + 1);
                    if (attempt.Count == 0)
                    {
                        matched = true;
                        break;
                    }

                    failures.Add(attempt[0]);
                }

                if (!matched)
                {
                    errors.Add($"{path}: matches none of {keyword} ({string.Join("; ", failures)})");
                }
            }
        }

        if (schema.TryGetProperty("type", out var type) && !Is(type.GetString(), value))
        {
            errors.Add($"{path}: {value.ValueKind} where the schema says {type.GetString()}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && value.ValueKind == JsonValueKind.String
            && !allowed.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == value.GetString()))
        {
            errors.Add($"{path}: '{value.GetString()}' is not one of {string.Join(", ", allowed.EnumerateArray().Select(a => a.ToString()))}");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        errors.Add($"{path}: required property '{name}' is missing");
                    }
                }
            }

            if (schema.TryGetProperty("properties", out var properties))
            {
                foreach (var property in properties.EnumerateObject())
                {
                    if (value.TryGetProperty(property.Name, out var child))
                    {
                        Check(property.Value, child, $"{path}.{property.Name}", errors, depth + 1);
                    }
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(items, item, $"{path}[{i++}]", errors, depth + 1);
            }
        }
    }

    private static bool Is(string? type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        _ => true,
    };
}
