using System.Text;
using Kura.Node.Volumes;

namespace Kura.Node.Tests.Volumes;

public sealed class AtomicWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-aw-").FullName;

    private static VolumeFile F(string path, string text, int mode = 0x1A4) => new(path, Encoding.UTF8.GetBytes(text), mode);

    [Fact]
    public void Write_Files_AreSymlinksThroughData()
    {
        Assert.True(AtomicWriter.Write(_dir, [F("a.conf", "one"), F("sub/b", "two")], TimeProvider.System));
        Assert.Equal("one", File.ReadAllText(Path.Combine(_dir, "a.conf")));
        Assert.Equal("two", File.ReadAllText(Path.Combine(_dir, "sub", "b")));
        Assert.Equal("..data/a.conf", new FileInfo(Path.Combine(_dir, "a.conf")).LinkTarget);
        Assert.NotNull(new DirectoryInfo(Path.Combine(_dir, "..data")).LinkTarget);
    }

    [Fact]
    public void Write_Update_SwitchesContentAndDropsRemovedKeys()
    {
        AtomicWriter.Write(_dir, [F("a", "1"), F("b", "2")], TimeProvider.System);
        Assert.True(AtomicWriter.Write(_dir, [F("a", "3")], TimeProvider.System));
        Assert.Equal("3", File.ReadAllText(Path.Combine(_dir, "a")));
        Assert.False(File.Exists(Path.Combine(_dir, "b")));
        Assert.Single(Directory.EnumerateDirectories(_dir, "..2*"));
    }

    [Fact]
    public void Write_SamePayload_ChangesNothing()
    {
        AtomicWriter.Write(_dir, [F("a", "1")], TimeProvider.System);
        Assert.False(AtomicWriter.Write(_dir, [F("a", "1")], TimeProvider.System));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("..hidden")]
    public void Write_PathOutsideTheVolume_IsRefused(string path)
    {
        Assert.Throws<VolumeSetupException>(() => AtomicWriter.Write(_dir, [F(path, "x")], TimeProvider.System));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_dir)!, "escape")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
