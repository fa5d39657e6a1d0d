using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Kura.Node.Images;

/// <summary>Picks this machine's manifest from an image index (linux and this architecture).</summary>
internal static class Platforms
{
    public static string Architecture => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        _ => "amd64",
    };

    public static JsonObject? Choose(JsonArray manifests) =>
        manifests.OfType<JsonObject>().FirstOrDefault(m => m["platform"]?["os"]?.GetValue<string>() == "linux" && m["platform"]?["architecture"]?.GetValue<string>() == Architecture)
        ?? manifests.OfType<JsonObject>().FirstOrDefault(m => m["platform"] is null);
}
