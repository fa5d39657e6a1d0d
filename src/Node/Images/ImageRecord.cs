namespace Kura.Node.Images;

/// <summary>What a container needs from its image's config (OCI image spec, config.config).</summary>
public sealed record ImageConfig(IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Cmd, IReadOnlyList<string> Env, string WorkingDir, string User);

/// <summary>An image in the store: its normalized reference, id (config digest), config and unpacked layers.</summary>
/// <param name="LayerDirectories">Unpacked layers, bottom to top.</param>
public sealed record ImageRecord(string Reference, string Id, ImageConfig Config, IReadOnlyList<string> LayerDirectories, long Size);

/// <summary>An image could not be pulled; the message is what the pod's events and status say.</summary>
public sealed class ImagePullException(string message, Exception? inner = null) : Exception(message, inner);
