using System.Text.Json.Nodes;

namespace Kura.Model.Patching;

/// <summary>RFC 7386 JSON Merge Patch: objects merge recursively, null deletes, anything else replaces.</summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode patch)
    {
        if (patch is not JsonObject p)
        {
            return patch.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in p)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = Apply(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }

        return result;
    }
}
