using System.Text.Json.Nodes;

namespace FlowCollector.Deployment.Tests.Helm;

/// <summary>The chart's values as Helm computes them: values.yaml, then each values file merged over it.</summary>
internal static class ChartValues
{
    public static JsonNode Defaults() => YamlJson.Parse(File.ReadAllText(RepositoryPaths.ChartValues));

    /// <summary>values.yaml with the overlays merged in order: maps merge key by key, anything else replaces, null deletes.</summary>
    public static JsonNode Merge(IEnumerable<JsonNode> overlays)
    {
        var result = Defaults();
        foreach (var overlay in overlays)
        {
            result = MergeInto(result, overlay);
        }

        return result;
    }

    private static JsonNode MergeInto(JsonNode target, JsonNode overlay)
    {
        if (target is not JsonObject targetObject || overlay is not JsonObject overlayObject)
        {
            return overlay.DeepClone();
        }

        foreach (var (key, value) in overlayObject)
        {
            if (value is null)
            {
                targetObject.Remove(key);
            }
            else if (targetObject[key] is { } existing)
            {
                targetObject[key] = MergeInto(existing.DeepClone(), value);
            }
            else
            {
                targetObject[key] = value.DeepClone();
            }
        }

        return targetObject;
    }
}
