using System.Text.Json.Nodes;

namespace Kura.ApiServer.Codecs;

/// <summary>
/// Decodes the protobuf bodies kubectl's typed clients send (create namespace|configmap|secret):
/// the "k8s\0" envelope holding a runtime.Unknown {typeMeta, raw}, and the object messages of
/// k8s.io/api/core/v1 generated.proto for the kinds that arrive this way.
/// reference/kubernetes.md §2.7 lists the field numbers seen on the wire.
/// </summary>
public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Decodes an envelope into a JSON object, or throws FormatException/NotSupportedException.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new FormatException("protobuf body does not start with the Kubernetes magic prefix");
        }

        var reader = new ProtobufReader(body[Magic.Length..]);
        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    (apiVersion, kind) = ReadTypeMeta(reader.ReadBytes());
                    break;
                case 2 when wire == 2:
                    raw = reader.ReadBytes();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        switch ((apiVersion, kind))
        {
            case ("v1", "Namespace"):
                DecodeNamespace(raw, obj);
                break;
            case ("v1", "ConfigMap"):
                DecodeConfigMap(raw, obj);
                break;
            case ("v1", "Secret"):
                DecodeSecret(raw, obj);
                break;
            default:
                throw new NotSupportedException($"protobuf encoding is not supported for {apiVersion}, Kind={kind}; send JSON");
        }

        return obj;
    }

    private static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> data)
    {
        var r = new ProtobufReader(data);
        string apiVersion = "", kind = "";
        while (r.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                apiVersion = r.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                kind = r.ReadString();
            }
            else
            {
                r.Skip(wire);
            }
        }

        return (apiVersion, kind);
    }

    private static void DecodeNamespace(ReadOnlySpan<byte> data, JsonObject obj)
    {
        var r = new ProtobufReader(data);
        while (r.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                obj["metadata"] = DecodeObjectMeta(r.ReadBytes());
            }
            else if (field == 2 && wire == 2)
            {
                var spec = new JsonObject();
                var sr = new ProtobufReader(r.ReadBytes());
                var finalizers = new JsonArray();
                while (sr.TryReadTag(out var f, out var w))
                {
                    if (f == 1 && w == 2)
                    {
                        finalizers.Add(sr.ReadString());
                    }
                    else
                    {
                        sr.Skip(w);
                    }
                }

                if (finalizers.Count > 0)
                {
                    spec["finalizers"] = finalizers;
                }

                obj["spec"] = spec;
            }
            else
            {
                r.Skip(wire);
            }
        }
    }

    private static void DecodeConfigMap(ReadOnlySpan<byte> data, JsonObject obj)
    {
        var r = new ProtobufReader(data);
        while (r.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    obj["metadata"] = DecodeObjectMeta(r.ReadBytes());
                    break;
                case 2 when wire == 2:
                    AddMapEntry(Child(obj, "data"), r.ReadBytes(), base64: false);
                    break;
                case 3 when wire == 2:
                    AddMapEntry(Child(obj, "binaryData"), r.ReadBytes(), base64: true);
                    break;
                case 4 when wire == 0:
                    obj["immutable"] = r.ReadVarint() != 0;
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }
    }

    private static void DecodeSecret(ReadOnlySpan<byte> data, JsonObject obj)
    {
        var r = new ProtobufReader(data);
        while (r.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    obj["metadata"] = DecodeObjectMeta(r.ReadBytes());
                    break;
                case 2 when wire == 2:
                    AddMapEntry(Child(obj, "data"), r.ReadBytes(), base64: true);
                    break;
                case 3 when wire == 2:
                    var type = r.ReadString();
                    if (type.Length > 0)
                    {
                        obj["type"] = type;
                    }

                    break;
                case 4 when wire == 2:
                    AddMapEntry(Child(obj, "stringData"), r.ReadBytes(), base64: false);
                    break;
                case 5 when wire == 0:
                    obj["immutable"] = r.ReadVarint() != 0;
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }
    }

    private static JsonObject DecodeObjectMeta(ReadOnlySpan<byte> data)
    {
        var meta = new JsonObject();
        var r = new ProtobufReader(data);
        while (r.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    SetIfNotEmpty(meta, "name", r.ReadString());
                    break;
                case 2 when wire == 2:
                    SetIfNotEmpty(meta, "generateName", r.ReadString());
                    break;
                case 3 when wire == 2:
                    SetIfNotEmpty(meta, "namespace", r.ReadString());
                    break;
                case 11 when wire == 2:
                    AddMapEntry(Child(meta, "labels"), r.ReadBytes(), base64: false);
                    break;
                case 12 when wire == 2:
                    AddMapEntry(Child(meta, "annotations"), r.ReadBytes(), base64: false);
                    break;
                case 14 when wire == 2:
                    if (meta["finalizers"] is not JsonArray fin)
                    {
                        fin = [];
                        meta["finalizers"] = fin;
                    }

                    fin.Add(r.ReadString());
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return meta;
    }

    private static void AddMapEntry(JsonObject map, ReadOnlySpan<byte> entry, bool base64)
    {
        var r = new ProtobufReader(entry);
        string key = "";
        JsonNode? value = base64 ? "" : JsonValue.Create("");
        while (r.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                key = r.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                var bytes = r.ReadBytes();
                value = base64 ? Convert.ToBase64String(bytes) : System.Text.Encoding.UTF8.GetString(bytes);
            }
            else
            {
                r.Skip(wire);
            }
        }

        map[key] = value;
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject o)
        {
            return o;
        }

        o = [];
        parent[name] = o;
        return o;
    }

    private static void SetIfNotEmpty(JsonObject obj, string key, string value)
    {
        if (value.Length > 0)
        {
            obj[key] = value;
        }
    }
}
