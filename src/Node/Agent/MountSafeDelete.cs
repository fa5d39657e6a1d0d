using Kura.Drivers.Host;

namespace Kura.Node.Agent;

/// <summary>
/// Deletes a directory that may still hold mounts (a pod's directory, a node's root): every mount
/// below it is detached first, so the delete can never walk into a volume and remove its data.
/// </summary>
public static class MountSafeDelete
{
    public static void Remove(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var mount in HostTools.MountsUnder(directory))
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("umount", ["-l", mount]) { UseShellExecute = false })!;
            p.WaitForExit();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"kura-node: could not remove {directory}: {e.Message}");
        }
    }
}
