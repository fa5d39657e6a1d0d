using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Kura.Node.Images;
using Kura.Node.Tests.Fixtures;

namespace Kura.Node.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-images-").FullName;

    private ImageStore Store => new(Path.Combine(_dir, "store"));

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("bitnami/mariadb:11", "docker.io/bitnami/mariadb:11")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest")]
    [InlineData("127.0.0.1:5000/team/app:v2", "127.0.0.1:5000/team/app:v2")]
    [InlineData("quay.io/org/img", "quay.io/org/img:latest")]
    public void Parse_NormalizesLikeDocker(string text, string expected) => Assert.Equal(expected, ImageReference.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("Busybox")]
    [InlineData("busybox:")]
    [InlineData("busybox@sha256:short")]
    [InlineData("a//b")]
    public void TryParse_Invalid_IsRefusedWithAReason(string text)
    {
        Assert.False(ImageReference.TryParse(text, out _, out var error));
        Assert.StartsWith("invalid reference format", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadArchive_DockerSave_FindsImageWithConfigAndLayer()
    {
        var archive = Path.Combine(_dir, "busybox.tar");
        TestImages.BuildBusyboxArchive(archive, "busybox:latest");
        var loaded = await Store.LoadArchiveAsync(archive, CancellationToken.None);
        Assert.Equal(["docker.io/library/busybox:latest"], loaded);
        var image = Store.Find("busybox")!;
        Assert.Equal(["sh"], image.Config.Cmd);
        Assert.Contains("PATH=/usr/sbin:/usr/bin:/sbin:/bin", image.Config.Env);
        Assert.True(File.Exists(Path.Combine(image.LayerDirectories[0], "bin", "busybox")));
        Assert.Equal("busybox", new FileInfo(Path.Combine(image.LayerDirectories[0], "bin", "sh")).LinkTarget);
        Assert.True(image.Size > 100_000);
        Assert.Single(Store.List());
    }

    [Fact]
    public async Task LoadArchive_OciLayout_IsLoadedUnderItsName()
    {
        var archive = Path.Combine(_dir, "busybox-oci.tar");
        TestImages.BuildBusyboxOciArchive(archive, "docker.io/library/busybox:oci");
        Assert.Equal(["docker.io/library/busybox:oci"], await Store.LoadArchiveAsync(archive, CancellationToken.None));
        Assert.NotNull(Store.Find("busybox:oci"));
    }

    [Fact]
    public async Task LoadArchive_NotAnImage_SaysSoAndLoadsNothing()
    {
        var archive = Path.Combine(_dir, "junk.tar");
        await File.WriteAllBytesAsync(archive, TestImages.Layer(t => t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "hello.txt") { DataStream = new MemoryStream([1]) })));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Store.LoadArchiveAsync(archive, CancellationToken.None));
        Assert.Contains("not an image archive", e.Message, StringComparison.Ordinal);
        Assert.Empty(Store.List());
    }

    [Fact]
    public async Task LoadArchive_LayerEscapingItsDirectory_IsRefusedAndWritesNothingOutside()
    {
        var escape = TestImages.Layer(t =>
        {
            t.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = _dir });
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "link/pwned") { DataStream = new MemoryStream([1]) });
        });
        var archive = Path.Combine(_dir, "evil.tar");
        WriteDockerArchive(archive, "evil:latest", [escape]);
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.LoadArchiveAsync(archive, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_dir, "pwned")));
        Assert.Null(Store.Find("evil"));
    }

    [Fact]
    public async Task Mount_TwoLayersWithWhiteouts_MergedViewHidesDeletedFiles()
    {
        var bottom = TestImages.Layer(t =>
        {
            t.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = (UnixFileMode)0x1ED });
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/keep") { DataStream = new MemoryStream("k"u8.ToArray()) });
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/gone") { DataStream = new MemoryStream("g"u8.ToArray()) });
            t.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "opaque/") { Mode = (UnixFileMode)0x1ED });
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "opaque/old") { DataStream = new MemoryStream("o"u8.ToArray()) });
        });
        var top = TestImages.Layer(t =>
        {
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/.wh.gone") { DataStream = new MemoryStream() });
            t.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "opaque/") { Mode = (UnixFileMode)0x1ED });
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "opaque/.wh..wh..opq") { DataStream = new MemoryStream() });
            t.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "opaque/new") { DataStream = new MemoryStream("n"u8.ToArray()) });
        });
        var archive = Path.Combine(_dir, "layers.tar");
        WriteDockerArchive(archive, "layered:v1", [bottom, top]);
        await Store.LoadArchiveAsync(archive, CancellationToken.None);
        var container = Path.Combine(_dir, "c1");
        var rootfs = ContainerRootfs.Mount(Store.Find("layered:v1")!, container);
        try
        {
            Assert.True(File.Exists(Path.Combine(rootfs, "etc", "keep")));
            Assert.False(File.Exists(Path.Combine(rootfs, "etc", "gone")));
            Assert.False(File.Exists(Path.Combine(rootfs, "opaque", "old")));
            Assert.True(File.Exists(Path.Combine(rootfs, "opaque", "new")));
            await File.WriteAllTextAsync(Path.Combine(rootfs, "etc", "written"), "w");
            Assert.True(File.Exists(Path.Combine(container, "upper", "etc", "written")));
        }
        finally
        {
            ContainerRootfs.Unmount(container);
        }
    }

    private static void WriteDockerArchive(string path, string tag, IReadOnlyList<byte[]> layers)
    {
        var config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("sh") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. layers.Select(l => (JsonNode)TestImages.Digest(l))]) },
        }.ToJsonString());
        using var output = File.Create(path);
        using var tar = new TarWriter(output, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "config.json") { DataStream = new MemoryStream(config) });
        for (var i = 0; i < layers.Count; i++)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"l{i}/layer.tar") { DataStream = new MemoryStream(layers[i]) });
        }

        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json")
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
            {
                ["Config"] = "config.json",
                ["RepoTags"] = new JsonArray(tag),
                ["Layers"] = new JsonArray([.. layers.Select((_, i) => (JsonNode)$"l{i}/layer.tar")]),
            }).ToJsonString())),
        });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
