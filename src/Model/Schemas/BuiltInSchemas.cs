using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kura.Model.Schemas;

/// <summary>
/// OpenAPI v3 schemas of the built-in kinds, built from the compact description in
/// BuiltIn/kinds.schema (see its header for the syntax). Loaded once; immutable after.
/// </summary>
public static partial class BuiltInSchemas
{
    private const string MetaPackage = "io.k8s.apimachinery.pkg.apis.meta.v1";
    private const string CorePackage = "io.k8s.api.core.v1";
    private static readonly Lazy<SchemaSet> Set = new(() => Parse(ReadResource()));

    public static SchemaSet Load() => Set.Value;

    /// <summary>Parses schema text in the kinds.schema syntax.</summary>
    public static SchemaSet Parse(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var package = CorePackage;
        var defs = new List<(string Package, string Line)>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.StartsWith('@'))
            {
                package = line[1..];
                continue;
            }

            defs.Add((package, line));
            known.Add($"{package}.{line.Split(' ', 2)[0]}");
        }

        var set = new SchemaSet();
        foreach (var (pkg, line) in defs)
        {
            var m = Definition().Match(line);
            if (!m.Success)
            {
                throw new FormatException($"bad schema line: {line}");
            }

            var schema = new JsonObject { ["type"] = "object" };
            if (m.Groups["desc"].Success)
            {
                schema["description"] = m.Groups["desc"].Value;
            }

            var props = new JsonObject();
            var required = new JsonArray();
            foreach (var field in m.Groups["fields"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = field.IndexOf(':', StringComparison.Ordinal);
                var name = field[..colon];
                if (name.EndsWith('!'))
                {
                    name = name[..^1];
                    required.Add(name);
                }

                props[name] = TypeSchema(field[(colon + 1)..], pkg, known);
            }

            schema["properties"] = props;
            if (required.Count > 0)
            {
                schema["required"] = required;
            }

            set.Add($"{pkg}.{m.Groups["name"].Value}", schema);
        }

        return set;
    }

    private static JsonObject TypeSchema(string type, string package, HashSet<string> known)
    {
        if (type.StartsWith('['))
        {
            var close = type.LastIndexOf(']');
            var list = new JsonObject { ["type"] = "array", ["items"] = TypeSchema(type[1..close], package, known) };
            var suffix = type[(close + 1)..];
            if (suffix.StartsWith('@'))
            {
                list["x-kubernetes-patch-strategy"] = "merge";
                list["x-kubernetes-patch-merge-key"] = suffix[1..];
                list["x-kubernetes-list-type"] = "map";
                list["x-kubernetes-list-map-keys"] = new JsonArray(suffix[1..]);
            }
            else if (suffix == "+")
            {
                list["x-kubernetes-patch-strategy"] = "merge";
                list["x-kubernetes-list-type"] = "set";
            }
            else
            {
                list["x-kubernetes-list-type"] = "atomic";
            }

            return list;
        }

        if (type.StartsWith('{'))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(type[1..^1], package, known) };
        }

        return type switch
        {
            "string" => new JsonObject { ["type"] = "string" },
            "integer" => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            "boolean" => new JsonObject { ["type"] = "boolean" },
            "number" => new JsonObject { ["type"] = "number", ["format"] = "double" },
            "time" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            "quantity" or "intorstr" => new JsonObject { ["x-kubernetes-int-or-string"] = true, ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }) },
            "object" => new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            _ => new JsonObject { ["$ref"] = "#/components/schemas/" + Resolve(type, package, known) },
        };
    }

    private static string Resolve(string type, string package, HashSet<string> known)
    {
        if (type.Contains('.', StringComparison.Ordinal))
        {
            return type;
        }

        foreach (var p in new[] { package, MetaPackage, CorePackage })
        {
            if (known.Contains($"{p}.{type}"))
            {
                return $"{p}.{type}";
            }
        }

        throw new FormatException($"schema type {type} is not defined");
    }

    private static string ReadResource()
    {
        var assembly = typeof(BuiltInSchemas).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("kinds.schema", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("^(?<name>[A-Za-z0-9]+)(?: \"(?<desc>[^\"]*)\")?(?<fields>(?: \\S+)*)$")]
    private static partial Regex Definition();
}
