using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Kura.Node.Tests.Fixtures;

/// <summary>
/// Test images built at test time from Debian's busybox-static (/bin/busybox): one layer with
/// busybox and its applets as symlinks, written as a `docker save` archive or an OCI image layout.
/// </summary>
public static class TestImages
{
    private static readonly string[] Applets =
    [
        "sh", "cat", "echo", "ls", "sleep", "mkdir", "touch", "rm", "test", "true", "false", "env", "id", "hostname",
        "wc", "grep", "tail", "head", "date", "df", "mount", "stat", "printf", "seq", "dd", "sync", "find", "md5sum",
        "sha256sum", "kill", "ps", "cp", "mv", "ln", "chmod", "sed", "awk", "tee", "nc", "wget", "uname", "whoami",
    ];

    /// <summary>Writes a `docker save` archive of busybox tagged <paramref name="reference"/>.</summary>
    public static void BuildBusyboxArchive(string path, string reference = "busybox:latest", string? extraFile = null)
    {
        var layer = BusyboxLayer(extraFile);
        var diffId = Digest(layer);
        var config = Config(diffId);
        using var output = File.Create(path);
        using var tar = new TarWriter(output, TarEntryFormat.Pax);
        var configName = Hex(Digest(config)) + ".json";
        var layerName = Hex(diffId) + "/layer.tar";
        Add(tar, configName, config);
        Add(tar, layerName, layer);
        Add(tar, "manifest.json", Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(reference),
            ["Layers"] = new JsonArray(layerName),
        }).ToJsonString()));
    }

    /// <summary>Writes an OCI image-layout archive of busybox named <paramref name="reference"/>.</summary>
    public static void BuildBusyboxOciArchive(string path, string reference = "docker.io/library/busybox:oci")
    {
        var layer = BusyboxLayer(null);
        var config = Config(Digest(layer));
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Digest(config), ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar", ["digest"] = Digest(layer), ["size"] = layer.Length }),
        }.ToJsonString());
        using var output = File.Create(path);
        using var tar = new TarWriter(output, TarEntryFormat.Pax);
        Add(tar, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
        foreach (var blob in new[] { layer, config, manifest })
        {
            Add(tar, "blobs/sha256/" + Hex(Digest(blob)), blob);
        }

        Add(tar, "index.json", Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["digest"] = Digest(manifest),
                ["size"] = manifest.Length,
                ["annotations"] = new JsonObject { ["io.containerd.image.name"] = reference, ["org.opencontainers.image.ref.name"] = reference.Split(':')[^1] },
            }),
        }.ToJsonString()));
    }

    /// <summary>An uncompressed layer tar built from arbitrary entries (for whiteout and safety tests).</summary>
    public static byte[] Layer(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(tar);
        }

        return buffer.ToArray();
    }

    public static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    private static string Hex(string digest) => digest[7..];

    private static byte[] BusyboxLayer(string? extraFile) => Layer(tar =>
    {
        foreach (var dir in new[] { "bin/", "etc/", "tmp/", "proc/", "sys/", "dev/", "root/", "var/" })
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = dir == "tmp/" ? (UnixFileMode)0x3FF : (UnixFileMode)0x1ED });
        }

        var busybox = File.ReadAllBytes("/bin/busybox");
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0x1ED, DataStream = new MemoryStream(busybox) });
        foreach (var applet in Applets)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
        }

        var passwd = Encoding.ASCII.GetBytes("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/passwd") { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream(passwd) });
        if (extraFile is not null)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/extra") { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(extraFile)) });
        }
    });

    private static byte[] Config(string diffId) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["architecture"] = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64",
        ["os"] = "linux",
        ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), ["Cmd"] = new JsonArray("sh") },
        ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
    }.ToJsonString());

    private static void Add(TarWriter tar, string name, byte[] data) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream(data) });
}
