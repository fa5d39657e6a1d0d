using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Cli.Local;

/// <summary>
/// The user's Kura directory ($KURA_HOME, default ~/.kura): server data, the serving process's
/// pid, its log, and the settings `kura up` started it with.
/// </summary>
public sealed class KuraHome(string root)
{
    public string Root { get; } = root;

    public string ServerData => Path.Combine(Root, "server");

    public string PidFile => Path.Combine(Root, "kura.pid");

    public string LogFile => Path.Combine(Root, "kura.log");

    public string SettingsFile => Path.Combine(Root, "settings.json");

    public string CaFile => Path.Combine(ServerData, "pki", "ca.crt");

    public string TokenFile => Path.Combine(ServerData, "token");

    /// <summary>Each embedded node's own directory (pods, logs, runc state, its CSI driver).</summary>
    public string NodeRoot(string node) => Path.Combine(Root, "nodes", node);

    /// <summary>The image store the embedded nodes share (`kura image load` writes here).</summary>
    public string ImagesRoot => Path.Combine(Root, "images");

    /// <summary>The embedded nodes' names: kura-node-1 … kura-node-N.</summary>
    public static IReadOnlyList<string> NodeNames(int count) =>
        [.. Enumerable.Range(1, Math.Max(1, count)).Select(i => $"kura-node-{i}")];

    /// <summary>kura-node-3 → 2 (its position among the nodes), or null for another name.</summary>
    public static int? NodeIndex(string node) =>
        node.StartsWith("kura-node-", StringComparison.Ordinal) && int.TryParse(node["kura-node-".Length..], System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n - 1 : null;

    public static KuraHome FromEnvironment(string? overrideDir = null)
    {
        var dir = overrideDir ?? Environment.GetEnvironmentVariable("KURA_HOME");
        if (string.IsNullOrEmpty(dir))
        {
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kura");
        }

        return new KuraHome(Path.GetFullPath(dir));
    }

    /// <summary>The pid of the running server, if its process is alive.</summary>
    public int? RunningPid()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid))
        {
            return null;
        }

        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public ServerSettings? LoadSettings()
    {
        if (!File.Exists(SettingsFile))
        {
            return null;
        }

        var node = JsonNode.Parse(File.ReadAllText(SettingsFile)) as JsonObject;
        return node is null ? null : new ServerSettings(
            node["bind"]?.GetValue<string>() ?? "127.0.0.1",
            node["port"]?.GetValue<int>() ?? 6443,
            node["nodes"]?.GetValue<int>() ?? 1);
    }

    public void SaveSettings(ServerSettings settings)
    {
        Directory.CreateDirectory(Root);
        var json = new JsonObject { ["bind"] = settings.Bind, ["port"] = settings.Port, ["nodes"] = settings.Nodes };
        File.WriteAllText(SettingsFile, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

/// <summary>How the server was started, reused by the next `kura up`.</summary>
public sealed record ServerSettings(string Bind, int Port, int Nodes)
{
    public string Url => $"https://{(Bind is "0.0.0.0" or "::" ? "127.0.0.1" : Bind)}:{Port}";
}
