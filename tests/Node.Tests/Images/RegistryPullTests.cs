using Kura.Node.Images;
using Kura.Node.Tests.Fixtures;

namespace Kura.Node.Tests.Images;

/// <summary>Pulls over the distribution API from a real registry on loopback (Debian's docker-registry).</summary>
public sealed class RegistryPullTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-pull-").FullName;
    private LocalRegistry _registry = null!;

    public async Task InitializeAsync() => _registry = await LocalRegistry.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Pull_PushedImage_IsStoredAndUsable()
    {
        var archive = Path.Combine(_dir, "busybox.tar");
        TestImages.BuildBusyboxArchive(archive, "busybox:v1", extraFile: "pulled");
        await _registry.PushAsync(archive, "tools/busybox:v1");
        var store = new ImageStore(Path.Combine(_dir, "store"));
        var reference = $"{_registry.Host}/tools/busybox:v1";
        var image = await store.PullAsync(reference, CancellationToken.None);
        Assert.Equal(reference, image.Reference);
        Assert.Equal(["sh"], image.Config.Cmd);
        Assert.Equal("pulled", await File.ReadAllTextAsync(Path.Combine(image.LayerDirectories[0], "etc", "extra")));
        Assert.NotNull(store.Find(reference));
    }

    [Fact]
    public async Task Pull_MissingTag_FailsWithTheRegistrysReason()
    {
        var store = new ImageStore(Path.Combine(_dir, "store"));
        var e = await Assert.ThrowsAsync<ImagePullException>(() => store.PullAsync($"{_registry.Host}/nothing/here:v9", CancellationToken.None));
        Assert.Contains($"{_registry.Host}/nothing/here:v9", e.Message, StringComparison.Ordinal);
        Assert.Contains("manifest unknown", e.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
    }
}
