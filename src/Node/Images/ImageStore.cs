using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Node.Images;

/// <summary>
/// The node's image store (the CRI image service role), shared by the nodes of one machine:
/// content-addressed blobs, each layer unpacked once into `layers/&lt;diffID&gt;`, and an index of
/// references. Loads `docker save` and OCI image-layout archives and pulls from registries.
/// Writers take a lock file, so several node agents can share the store.
/// </summary>
public sealed partial class ImageStore(string root, HttpMessageHandler? handler = null)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private string BlobsDirectory => Path.Combine(root, "blobs", "sha256");

    private string LayersDirectory => Path.Combine(root, "layers");

    private string IndexFile => Path.Combine(root, "index.json");

    /// <summary>The image a reference names, if the store has it.</summary>
    public ImageRecord? Find(string reference)
    {
        if (!ImageReference.TryParse(reference, out var parsed, out _))
        {
            return null;
        }

        var index = ReadIndex();
        var key = parsed.ToString();
        if (index[key] is JsonObject entry)
        {
            return Record(key, entry);
        }

        // A digest reference matches any stored tag of the same repository with that manifest or id.
        if (parsed.Digest is { } digest)
        {
            foreach (var (name, value) in index)
            {
                if (value is JsonObject e && (e["id"]?.GetValue<string>() == digest || e["manifest"]?.GetValue<string>() == digest))
                {
                    return Record(name, e);
                }
            }
        }

        return null;
    }

    public IReadOnlyList<ImageRecord> List() =>
        [.. ReadIndex().Where(p => p.Value is JsonObject).Select(p => Record(p.Key, p.Value!.AsObject()))];

    public bool Remove(string reference)
    {
        using var held = Lock();
        var index = ReadIndex();
        var removed = ImageReference.TryParse(reference, out var parsed, out _) && index.Remove(parsed.ToString());
        WriteIndex(index);
        return removed;
    }

    /// <summary>Loads a `docker save` or OCI image-layout tarball; returns the references it held.</summary>
    public async Task<IReadOnlyList<string>> LoadArchiveAsync(string path, CancellationToken ct)
    {
        var scratch = Path.Combine(root, "tmp", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(scratch);
        try
        {
            await using (var file = File.OpenRead(path))
            {
                Stream source = file;
                if (file.ReadByte() == 0x1f && file.ReadByte() == 0x8b)
                {
                    file.Seek(0, SeekOrigin.Begin);
                    source = new GZipStream(file, CompressionMode.Decompress);
                }
                else
                {
                    file.Seek(0, SeekOrigin.Begin);
                }

                await using var reader = new TarReader(source);
                while (await reader.GetNextEntryAsync(cancellationToken: ct) is { } entry)
                {
                    if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                    {
                        var target = Path.GetFullPath(Path.Combine(scratch, entry.Name));
                        if (!target.StartsWith(scratch + "/", StringComparison.Ordinal))
                        {
                            throw new InvalidDataException($"archive entry {entry.Name} points outside the archive");
                        }

                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        await using var output = File.Create(target);
                        await data.CopyToAsync(output, ct);
                    }
                }
            }

            return File.Exists(Path.Combine(scratch, "manifest.json"))
                ? LoadDockerArchive(scratch)
                : File.Exists(Path.Combine(scratch, "index.json"))
                    ? await LoadOciLayoutAsync(scratch, ct)
                    : throw new InvalidDataException("not an image archive: it has neither manifest.json (docker save) nor index.json (OCI layout)");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private List<string> LoadDockerArchive(string dir)
    {
        var loaded = new List<string>();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json"))) as JsonArray
            ?? throw new InvalidDataException("manifest.json is not a list");
        foreach (var image in manifest.OfType<JsonObject>())
        {
            var configPath = Path.Combine(dir, image["Config"]!.GetValue<string>());
            var configDigest = StoreBlob(configPath);
            var layers = image["Layers"]!.AsArray().Select(l => Path.Combine(dir, l!.GetValue<string>())).ToList();
            var diffIds = UnpackLayers(layers, configDigest);
            foreach (var tag in image["RepoTags"]?.AsArray().Select(t => t!.GetValue<string>()) ?? [])
            {
                loaded.Add(Register(tag, configDigest, null, diffIds));
            }
        }

        return loaded;
    }

    private async Task<List<string>> LoadOciLayoutAsync(string dir, CancellationToken ct)
    {
        var loaded = new List<string>();
        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "index.json"), ct))!.AsObject();
        foreach (var descriptor in index["manifests"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var annotations = descriptor["annotations"] as JsonObject;
            var name = annotations?["io.containerd.image.name"]?.GetValue<string>() ?? annotations?["org.opencontainers.image.ref.name"]?.GetValue<string>();
            if (name is null)
            {
                continue;
            }

            var manifest = Manifest(BlobPath(dir, descriptor["digest"]!.GetValue<string>()), dir);
            var configDigest = StoreBlob(BlobPath(dir, manifest["config"]!["digest"]!.GetValue<string>()));
            var layers = manifest["layers"]!.AsArray().Select(l => BlobPath(dir, l!["digest"]!.GetValue<string>())).ToList();
            var diffIds = UnpackLayers(layers, configDigest);

            // A bare tag ("v1") in the OCI annotation names no repository: keep what the archive says.
            loaded.Add(Register(name.Contains('/', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal) ? name : $"{name}:latest", configDigest, descriptor["digest"]!.GetValue<string>(), diffIds));
        }

        return loaded;
    }

    /// <summary>An image manifest, choosing this platform's entry when the descriptor is an index.</summary>
    private static JsonObject Manifest(string path, string dir)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (manifest["manifests"] is JsonArray entries)
        {
            var chosen = Platforms.Choose(entries) ?? throw new InvalidDataException("the image index has no manifest for this platform");
            return Manifest(BlobPath(dir, chosen["digest"]!.GetValue<string>()), dir);
        }

        return manifest;
    }

    private static string BlobPath(string dir, string digest) => Path.Combine(dir, "blobs", digest.Replace(':', '/'));

    /// <summary>Unpacks layers not yet in the store; returns their diffIDs bottom to top, checked against the config.</summary>
    private List<string> UnpackLayers(List<string> layerFiles, string configDigest)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(BlobsDirectory, Hex(configDigest))))!;
        var expected = config["rootfs"]?["diff_ids"]?.AsArray().Select(d => d!.GetValue<string>()).ToList() ?? [];
        if (expected.Count != layerFiles.Count)
        {
            throw new InvalidDataException($"the image config lists {expected.Count} layers, the manifest {layerFiles.Count}");
        }

        for (var i = 0; i < layerFiles.Count; i++)
        {
            UnpackLayer(layerFiles[i], expected[i]);
        }

        return expected;
    }

    private void UnpackLayer(string file, string diffId)
    {
        var target = Path.Combine(LayersDirectory, Hex(diffId));
        if (Directory.Exists(target))
        {
            return;
        }

        using var _ = Lock();
        if (Directory.Exists(target))
        {
            return;
        }

        var partial = target + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        using (var stream = File.OpenRead(file))
        {
            var actual = LayerUnpacker.Unpack(stream, partial);
            if (actual != diffId)
            {
                Directory.Delete(partial, recursive: true);
                throw new InvalidDataException($"layer {Path.GetFileName(file)} has diffID {actual}, the image config says {diffId}");
            }
        }

        Directory.Move(partial, target);
    }

    /// <summary>Copies a blob into the store under its sha256; returns the digest.</summary>
    private string StoreBlob(string path)
    {
        using var stream = File.OpenRead(path);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        var target = Path.Combine(BlobsDirectory, Hex(digest));
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(BlobsDirectory);
            var temp = target + "." + Guid.NewGuid().ToString("n");
            File.Copy(path, temp);
            File.Move(temp, target, overwrite: true);
        }

        return digest;
    }

    private string Register(string reference, string configDigest, string? manifestDigest, List<string> diffIds)
    {
        var name = ImageReference.Parse(reference).ToString();
        using var _ = Lock();
        var index = ReadIndex();
        index[name] = new JsonObject
        {
            ["id"] = configDigest,
            ["manifest"] = manifestDigest,
            ["layers"] = new JsonArray([.. diffIds.Select(d => (JsonNode)d)]),
            ["size"] = diffIds.Sum(d => DirectorySize(Path.Combine(LayersDirectory, Hex(d)))),
        };
        WriteIndex(index);
        return name;
    }

    private ImageRecord Record(string reference, JsonObject entry)
    {
        var id = entry["id"]!.GetValue<string>();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(BlobsDirectory, Hex(id))))?["config"] as JsonObject ?? [];
        static List<string> Strings(JsonNode? n) => n is JsonArray a ? [.. a.Select(x => x?.GetValue<string>() ?? "")] : [];
        return new ImageRecord(
            reference,
            id,
            new ImageConfig(Strings(config["Entrypoint"]), Strings(config["Cmd"]), Strings(config["Env"]), config["WorkingDir"]?.GetValue<string>() ?? "", config["User"]?.GetValue<string>() ?? ""),
            [.. entry["layers"]!.AsArray().Select(l => Path.Combine(LayersDirectory, Hex(l!.GetValue<string>())))],
            entry["size"]?.GetValue<long>() ?? 0);
    }

    private JsonObject ReadIndex()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return File.Exists(IndexFile) ? JsonNode.Parse(File.ReadAllText(IndexFile)) as JsonObject ?? [] : [];
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(10);
            }
        }
    }

    /// <summary>Atomic replace: readers see the old or the new index, never half of one.</summary>
    private void WriteIndex(JsonObject index)
    {
        Directory.CreateDirectory(root);
        var temp = IndexFile + "." + Guid.NewGuid().ToString("n");
        File.WriteAllText(temp, index.ToJsonString(Indented));
        File.Move(temp, IndexFile, overwrite: true);
    }

    /// <summary>An exclusive lock on the store (lock file), held by one writer at a time across processes.</summary>
    private FileStream Lock()
    {
        Directory.CreateDirectory(root);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(Path.Combine(root, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (attempt < 6000)
            {
                Thread.Sleep(10);
            }
        }
    }

    private static string Hex(string digest) => digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;

    private static long DirectorySize(string dir) =>
        Directory.Exists(dir) ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is null).Sum(f => f.Length) : 0;
}
