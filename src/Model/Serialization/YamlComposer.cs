using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Kura.Model.Serialization;

/// <summary>
/// Builds JSON straight from YamlDotNet's parser events, the way go-yaml v2 decodes into
/// interface{} for sigs.k8s.io/yaml: anchors and aliases (copied), "&lt;&lt;" merge keys (merged
/// entries overwrite, later sequence entries lose), duplicate keys last-wins unless strict.
/// </summary>
internal sealed class YamlComposer(IParser parser, bool strict, int maxNodes, int maxDepth)
{
    private readonly Dictionary<string, (JsonNode? Node, int Size)> _anchors = new(StringComparer.Ordinal);
    private int _nodes;

    public List<JsonNode?> ReadStream()
    {
        var docs = new List<JsonNode?>();
        Expect<StreamStart>();
        while (Peek() is DocumentStart)
        {
            Next();
            _anchors.Clear();
            docs.Add(ReadNode(0, out _));
            Expect<DocumentEnd>();
        }

        Expect<StreamEnd>();
        return docs;
    }

    private ParsingEvent Peek() =>
        parser.Current ?? (parser.MoveNext() ? parser.Current! : throw new YamlException("unexpected end of stream"));

    private ParsingEvent Next()
    {
        var current = Peek();
        parser.MoveNext();
        return current;
    }

    private T Expect<T>()
        where T : ParsingEvent =>
        Next() is T t ? t : throw new YamlException(parser.Current?.Start ?? Mark.Empty, parser.Current?.End ?? Mark.Empty, $"expected {typeof(T).Name}");

    private JsonNode? ReadNode(int depth, out int size)
    {
        var ev = Next();
        if (depth > maxDepth)
        {
            throw Fail(ev, $"exceeded max depth of {maxDepth}");
        }

        JsonNode? node;
        switch (ev)
        {
            case AnchorAlias alias:
                if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    throw Fail(ev, $"unknown anchor '{alias.Value.Value}' referenced");
                }

                Count(ev, anchored.Size);
                size = anchored.Size;
                return anchored.Node?.DeepClone();
            case Scalar scalar:
                Count(ev, 1);
                size = 1;
                node = ScalarValue(scalar);
                Remember(scalar.Anchor, node, size);
                return node;
            case SequenceStart seqStart:
                Count(ev, 1);
                size = 1;
                var arr = new JsonArray();
                while (Peek() is not SequenceEnd)
                {
                    arr.Add(ReadNode(depth + 1, out var itemSize));
                    size += itemSize;
                }

                Next();
                Remember(seqStart.Anchor, arr, size);
                return arr;
            case MappingStart mapStart:
                Count(ev, 1);
                size = 1;
                var obj = ReadMapping(depth, ref size);
                Remember(mapStart.Anchor, obj, size);
                return obj;
            default:
                throw Fail(ev, $"unexpected {ev.GetType().Name}");
        }
    }

    private JsonObject ReadMapping(int depth, ref int size)
    {
        var obj = new JsonObject();
        var explicitKeys = new HashSet<string>(StringComparer.Ordinal);
        while (Peek() is not MappingEnd)
        {
            var keyEvent = Peek();
            if (keyEvent is Scalar { Value: "<<", Style: ScalarStyle.Plain })
            {
                Next();
                Count(keyEvent, 1);
                var merged = ReadNode(depth + 1, out var mergedSize);
                size += mergedSize;
                Merge(obj, merged, keyEvent);
                continue;
            }

            if (keyEvent is not Scalar keyScalar)
            {
                throw Fail(keyEvent, "invalid map key: mapping and sequence keys are not supported");
            }

            Next();
            Count(keyEvent, 1);
            var key = KeyText(keyScalar);
            if (!explicitKeys.Add(key) && strict)
            {
                throw Fail(keyEvent, $"key \"{key}\" already set in map");
            }

            var value = ReadNode(depth + 1, out var valueSize);
            size += valueSize + 1;
            obj.Remove(key);
            obj[key] = value;
        }

        Next();
        return obj;
    }

    // A merge value is a mapping (or alias to one) or a sequence of them; earlier ones take precedence.
    private static void Merge(JsonObject target, JsonNode? source, ParsingEvent at)
    {
        switch (source)
        {
            case JsonObject map:
                foreach (var (k, v) in map.ToList())
                {
                    map.Remove(k);
                    target.Remove(k);
                    target[k] = v;
                }

                break;
            case JsonArray seq:
                for (var i = seq.Count - 1; i >= 0; i--)
                {
                    if (seq[i] is not JsonObject)
                    {
                        throw Fail(at, "map merge requires map or sequence of maps as the value");
                    }

                    Merge(target, seq[i], at);
                }

                break;
            default:
                throw Fail(at, "map merge requires map or sequence of maps as the value");
        }
    }

    private void Remember(AnchorName anchor, JsonNode? node, int size)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = (node?.DeepClone(), size);
        }
    }

    private void Count(ParsingEvent at, int nodes)
    {
        _nodes += nodes;
        if (_nodes > maxNodes)
        {
            throw Fail(at, "document contains excessive aliasing");
        }
    }

    private static JsonNode? ScalarValue(Scalar scalar)
    {
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(scalar.Value);
        }

        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? "" : scalar.Tag.Value;
        return tag is "tag:yaml.org,2002:str" or "tag:yaml.org,2002:binary" or "tag:yaml.org,2002:timestamp"
            ? JsonValue.Create(scalar.Value)
            : YamlScalars.Resolve(scalar.Value);
    }

    // JSON keys are strings: a plain key that YAML types otherwise is written the way Go prints it.
    private static string KeyText(Scalar key) => ScalarValue(key) switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<ulong>(out var u) => u.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("R", CultureInfo.InvariantCulture),
        _ => key.Value,
    };

    private static YamlException Fail(ParsingEvent at, string message) => new(at.Start, at.End, message);
}
