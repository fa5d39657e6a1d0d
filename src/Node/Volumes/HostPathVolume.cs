namespace Kura.Node.Volumes;

/// <summary>
/// hostPath volumes and their `type` checks, with the kubelet's messages
/// (pkg/volume/hostpath: checkType / FileOrCreate / DirectoryOrCreate).
/// </summary>
public static class HostPathVolume
{
    public static void Check(string path, string? type)
    {
        switch (type ?? "")
        {
            case "":
                return;
            case "DirectoryOrCreate":
                if (File.Exists(path))
                {
                    throw new VolumeSetupException($"hostPath type check failed: {path} is not a directory");
                }

                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

                return;
            case "Directory":
                Require(path, IsDirectory(path), "directory");
                return;
            case "FileOrCreate":
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    File.WriteAllBytes(path, []);
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
                else if (!IsKind(path, 'f'))
                {
                    throw new VolumeSetupException($"hostPath type check failed: {path} is not a file");
                }

                return;
            case "File":
                Require(path, IsKind(path, 'f'), "file");
                return;
            case "Socket":
                Require(path, IsKind(path, 's'), "socket file");
                return;
            case "CharDevice":
                Require(path, IsKind(path, 'c'), "character device");
                return;
            case "BlockDevice":
                Require(path, IsKind(path, 'b'), "block device");
                return;
            default:
                throw new VolumeSetupException($"hostPath type check failed: unknown type {type}");
        }
    }

    private static void Require(string path, bool ok, string what)
    {
        if (!ok)
        {
            throw new VolumeSetupException($"hostPath type check failed: {path} is not a {what}");
        }
    }

    private static bool IsDirectory(string path) => Directory.Exists(path);

    private static bool IsKind(string path, char kind) => FileKinds.Of(path) == kind;
}
