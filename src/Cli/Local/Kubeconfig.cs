using System.Text.Json.Nodes;
using Kura.Model.Serialization;

namespace Kura.Cli.Local;

/// <summary>
/// Merges Kura's cluster, user and context into the kubeconfig kubectl reads (the first file of
/// $KUBECONFIG, else ~/.kube/config), leaving everything else in it as it was.
/// </summary>
public static class Kubeconfig
{
    public const string ContextName = "kura";

    public static string DefaultPath()
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(env))
        {
            var first = env.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is not null)
            {
                return first;
            }
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    /// <summary>Adds or replaces the "kura" entries and makes the context current.</summary>
    public static void Merge(string path, string server, string caPem, string token, bool makeCurrent = true)
    {
        JsonObject config = [];
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path);
            if (!string.IsNullOrWhiteSpace(text))
            {
                var docs = Yaml.ParseDocuments(text);
                config = (docs.Count > 0 ? docs[0] : null) as JsonObject
                    ?? throw new InvalidDataException($"{path} is not a kubeconfig (expected a YAML mapping)");
            }
        }

        config["apiVersion"] ??= "v1";
        config["kind"] ??= "Config";
        Upsert(config, "clusters", new JsonObject
        {
            ["name"] = ContextName,
            ["cluster"] = new JsonObject
            {
                ["server"] = server,
                ["certificate-authority-data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(caPem)),
            },
        });
        Upsert(config, "users", new JsonObject { ["name"] = ContextName, ["user"] = new JsonObject { ["token"] = token } });
        Upsert(config, "contexts", new JsonObject
        {
            ["name"] = ContextName,
            ["context"] = new JsonObject { ["cluster"] = ContextName, ["user"] = ContextName, ["namespace"] = "default" },
        });
        if (makeCurrent)
        {
            config["current-context"] = ContextName;
        }

        config["preferences"] ??= new JsonObject();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".kura.tmp";
        File.WriteAllText(tmp, Yaml.ToYaml(config));
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }

    private static void Upsert(JsonObject config, string listName, JsonObject entry)
    {
        if (config[listName] is not JsonArray list)
        {
            list = [];
            config[listName] = list;
        }

        var name = entry["name"]!.GetValue<string>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i]?["name"]?.GetValue<string>() == name)
            {
                list[i] = entry;
                return;
            }
        }

        list.Add(entry);
    }
}
