namespace Kura.Node.Images;

/// <summary>
/// An image reference normalized as Docker does: `busybox` is
/// `docker.io/library/busybox:latest`; a first component with a dot, a colon or `localhost` is a
/// registry host (distribution/reference normalize.go).
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>The normalized name: registry/repository[:tag][@digest].</summary>
    public override string ToString() => $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    /// <summary>The tag or digest to ask a registry for.</summary>
    public string ManifestReference => Digest ?? Tag ?? "latest";

    /// <summary>Whether the registry is local (plain HTTP, as Docker treats localhost).</summary>
    public bool IsLocalRegistry => Registry.StartsWith("localhost", StringComparison.Ordinal) || Registry.StartsWith("127.", StringComparison.Ordinal) || Registry.StartsWith("[::1]", StringComparison.Ordinal);

    public static bool TryParse(string text, out ImageReference reference, out string error)
    {
        reference = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text) || text != text.Trim())
        {
            error = $"invalid reference format: {text}";
            return false;
        }

        string? digest = null;
        var rest = text;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71)
            {
                error = $"invalid reference format: {text}";
                return false;
            }
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.IndexOf(':', lastSlash + 1);
        if (colon >= 0)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (tag.Length == 0 || tag.Length > 128 || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                error = $"invalid reference format: {text}";
                return false;
            }
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        string registry, repository;
        if (slash > 0 && (rest[..slash].Contains('.', StringComparison.Ordinal) || rest[..slash].Contains(':', StringComparison.Ordinal) || rest[..slash] == "localhost"))
        {
            registry = rest[..slash];
            repository = rest[(slash + 1)..];
        }
        else
        {
            registry = DockerHub;
            repository = slash < 0 ? "library/" + rest : rest;
        }

        if (repository.Length == 0 || repository.Split('/').Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-')))
        {
            error = $"invalid reference format: {text}";
            return false;
        }

        reference = new ImageReference(registry, repository, tag ?? (digest is null ? "latest" : null), digest);
        return true;
    }

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);
}
