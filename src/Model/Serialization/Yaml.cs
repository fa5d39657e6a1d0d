using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace Kura.Model.Serialization;

/// <summary>A YAML stream could not be read; the message names the line and column.</summary>
public sealed class YamlFormatException(string message, int line = 0, int column = 0, Exception? inner = null) : Exception(message, inner)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}

/// <summary>
/// YAML ⇄ JSON as Kubernetes does it (sigs.k8s.io/yaml over go-yaml v2): plain scalars typed by YAML
/// 1.1 rules (true/yes/on, numbers, null/~), quoted and block scalars always strings, anchors, aliases
/// and merge keys, multi-document streams; and block-style output that quotes strings only when a
/// reader would otherwise take them for something else.
/// </summary>
public static class Yaml
{
    // Alias expansion can blow a small document up exponentially ("billion laughs"); go-yaml
    // refuses excessive aliasing, and so does this bound on the nodes one stream may produce.
    private const int MaxNodes = 2_000_000;
    private const int MaxDepth = 1000;

    /// <summary>
    /// Every document of the stream, in order; an empty document ("---" alone) is null. Duplicate
    /// mapping keys keep the last value, as YAMLToJSON does.
    /// </summary>
    public static IReadOnlyList<JsonNode?> ParseDocuments(string yaml) => Parse(yaml, strict: false);

    /// <summary>Like <see cref="ParseDocuments"/>, but a duplicate key fails, as YAMLToJSONStrict does.</summary>
    public static IReadOnlyList<JsonNode?> ParseDocumentsStrict(string yaml) => Parse(yaml, strict: true);

    /// <summary>Block-style YAML for a JSON value: keys in their order (or sorted, as kubectl prints), strings quoted only when needed.</summary>
    public static string ToYaml(JsonNode? node, bool sortKeys = false) => YamlWriter.Write(node, sortKeys);

    private static List<JsonNode?> Parse(string text, bool strict)
    {
        try
        {
            return new YamlComposer(new Parser(new StringReader(text)), strict, MaxNodes, MaxDepth).ReadStream();
        }
        catch (YamlException e)
        {
            var line = (int)e.Start.Line;
            var column = (int)e.Start.Column;
            throw new YamlFormatException($"yaml: line {line}, column {column}: {Describe(e)}", line, column, e);
        }
    }

    // YamlDotNet prefixes its messages with "(Line: l, Col: c, Idx: i) - (...): "; the position is
    // already in our own prefix.
    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message;
    }
}
