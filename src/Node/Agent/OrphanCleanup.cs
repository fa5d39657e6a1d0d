namespace Kura.Node.Agent;

/// <summary>Removes what a pod left on the node when the node was down as it went: mounts first, then files.</summary>
public static class OrphanCleanup
{
    public static void Remove(string podDirectory)
    {
        if (!Directory.Exists(podDirectory))
        {
            return;
        }

        var prefix = Path.GetFullPath(podDirectory).TrimEnd('/') + "/";
        var mounts = File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => f[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(m => m.StartsWith(prefix, StringComparison.Ordinal) || m + "/" == prefix)
            .OrderByDescending(m => m.Length)
            .ToList();
        foreach (var mount in mounts)
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("umount", ["-l", mount]) { UseShellExecute = false })!;
            p.WaitForExit();
        }

        try
        {
            Directory.Delete(podDirectory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"kura-node: could not remove orphaned {podDirectory}: {e.Message}");
        }
    }
}
