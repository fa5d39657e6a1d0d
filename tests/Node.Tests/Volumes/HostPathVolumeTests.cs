using Kura.Node.Volumes;

namespace Kura.Node.Tests.Volumes;

public sealed class HostPathVolumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-hp-").FullName;

    [Fact]
    public void DirectoryOrCreate_Missing_IsCreated()
    {
        var path = Path.Combine(_dir, "new");
        HostPathVolume.Check(path, "DirectoryOrCreate");
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void DirectoryOrCreate_GivenAFile_FailsWithTheKubeletsMessage()
    {
        var path = Path.Combine(_dir, "plain");
        File.WriteAllText(path, "x");
        var e = Assert.Throws<VolumeSetupException>(() => HostPathVolume.Check(path, "DirectoryOrCreate"));
        Assert.Equal($"hostPath type check failed: {path} is not a directory", e.Message);
    }

    [Fact]
    public void FileOrCreate_Missing_IsCreatedEmpty()
    {
        var path = Path.Combine(_dir, "f");
        HostPathVolume.Check(path, "FileOrCreate");
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public void Directory_GivenAFile_FailsWithTheKubeletsMessage()
    {
        var path = Path.Combine(_dir, "f");
        File.WriteAllText(path, "x");
        var e = Assert.Throws<VolumeSetupException>(() => HostPathVolume.Check(path, "Directory"));
        Assert.Equal($"hostPath type check failed: {path} is not a directory", e.Message);
    }

    [Fact]
    public void File_GivenADirectory_Fails() =>
        Assert.Throws<VolumeSetupException>(() => HostPathVolume.Check(_dir, "File"));

    [Fact]
    public void CharDevice_DevNull_Passes() => HostPathVolume.Check("/dev/null", "CharDevice");

    [Fact]
    public void BlockDevice_DevNull_Fails() =>
        Assert.Throws<VolumeSetupException>(() => HostPathVolume.Check("/dev/null", "BlockDevice"));

    [Fact]
    public void NoType_MissingPath_IsNotChecked() => HostPathVolume.Check(Path.Combine(_dir, "nothing"), null);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
