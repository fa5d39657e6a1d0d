using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Kura.Node.Images;

public sealed partial class ImageStore
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    /// <summary>
    /// Pulls an image over the OCI distribution API (anonymous bearer tokens; plain HTTP for
    /// localhost registries, as Docker does), verifying every digest, and stores it.
    /// </summary>
    public async Task<ImageRecord> PullAsync(string reference, CancellationToken ct)
    {
        if (!ImageReference.TryParse(reference, out var image, out var error))
        {
            throw new ImagePullException(error);
        }

        var registry = image.Registry == ImageReference.DockerHub ? "registry-1.docker.io" : image.Registry;
        var baseUri = new Uri($"{(image.IsLocalRegistry ? "http" : "https")}://{registry}/v2/{image.Repository}/");
        // A registry that cannot even be reached should fail fast (offline machines are common here).
        using var http = handler is null ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromMinutes(10);
        var session = new RegistrySession(http, image.Repository);
        try
        {
            var (manifestBytes, manifestDigest) = await session.GetAsync(new Uri(baseUri, "manifests/" + image.ManifestReference), ManifestTypes, ct);
            var manifest = JsonNode.Parse(manifestBytes)!.AsObject();
            if (manifest["manifests"] is JsonArray entries)
            {
                var chosen = Platforms.Choose(entries) ?? throw new ImagePullException($"no matching manifest for linux/{Platforms.Architecture} in the manifest list entries");
                (manifestBytes, manifestDigest) = await session.GetAsync(new Uri(baseUri, "manifests/" + chosen["digest"]!.GetValue<string>()), ManifestTypes, ct);
                manifest = JsonNode.Parse(manifestBytes)!.AsObject();
            }

            var scratch = Path.Combine(root, "tmp", Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(scratch);
            try
            {
                var configDigest = manifest["config"]!["digest"]!.GetValue<string>();
                var configFile = Path.Combine(scratch, "config");
                await session.DownloadAsync(new Uri(baseUri, "blobs/" + configDigest), configDigest, configFile, ct);
                StoreBlob(configFile);
                var layerFiles = new List<string>();
                foreach (var layer in manifest["layers"]!.AsArray().OfType<JsonObject>())
                {
                    var digest = layer["digest"]!.GetValue<string>();
                    var file = Path.Combine(scratch, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(digest))));
                    await session.DownloadAsync(new Uri(baseUri, "blobs/" + digest), digest, file, ct);
                    layerFiles.Add(file);
                }

                var diffIds = UnpackLayers(layerFiles, configDigest);
                var name = Register(image.ToString(), configDigest, manifestDigest, diffIds);
                return Find(name)!;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        catch (HttpRequestException e)
        {
            throw new ImagePullException($"failed to pull and unpack image \"{image}\": {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new ImagePullException($"failed to pull and unpack image \"{image}\": {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ImagePullException($"failed to pull and unpack image \"{image}\": timed out", e);
        }
    }

    /// <summary>One repository's requests, with the anonymous bearer token the registry asks for.</summary>
    private sealed class RegistrySession(HttpClient http, string repository)
    {
        private AuthenticationHeaderValue? _auth;

        public async Task<(byte[] Body, string Digest)> GetAsync(Uri uri, string[] accept, CancellationToken ct)
        {
            using var response = await SendAsync(uri, accept, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
            var reference = uri.Segments[^1];
            if (reference.StartsWith("sha256:", StringComparison.Ordinal) && reference != digest)
            {
                throw new InvalidDataException($"manifest digest mismatch: asked for {reference}, got {digest}");
            }

            return (body, digest);
        }

        public async Task DownloadAsync(Uri uri, string digest, string file, CancellationToken ct)
        {
            using var response = await SendAsync(uri, [], ct);
            await using (var output = File.Create(file))
            {
                await response.Content.CopyToAsync(output, ct);
            }

            await using var check = File.OpenRead(file);
            var actual = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(check, ct));
            if (actual != digest)
            {
                throw new InvalidDataException($"blob digest mismatch: expected {digest}, got {actual}");
            }
        }

        private async Task<HttpResponseMessage> SendAsync(Uri uri, string[] accept, CancellationToken ct)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                foreach (var type in accept)
                {
                    request.Headers.Accept.ParseAdd(type);
                }

                request.Headers.Authorization = _auth;
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme == "Bearer") is { } challenge)
                {
                    response.Dispose();
                    _auth = new AuthenticationHeaderValue("Bearer", await TokenAsync(challenge, ct));
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(ct);
                    response.Dispose();
                    var code = JsonNode.Parse(text.Length > 0 && text.TrimStart().StartsWith('{') ? text : "{}")?["errors"]?[0];
                    throw new HttpRequestException(code is null
                        ? $"unexpected status from GET request to {uri}: {(int)response.StatusCode} {response.ReasonPhrase}"
                        : $"{uri.Segments[^1]}: {code["code"]?.GetValue<string>()?.ToLowerInvariant().Replace('_', ' ')}: {code["message"]}");
                }

                return response;
            }
        }

        /// <summary>The token endpoint named by the challenge (realm, service, scope), anonymously.</summary>
        private async Task<string> TokenAsync(AuthenticationHeaderValue challenge, CancellationToken ct)
        {
            var fields = (challenge.Parameter ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"'), StringComparer.OrdinalIgnoreCase);
            if (!fields.TryGetValue("realm", out var realm))
            {
                throw new HttpRequestException("the registry asked for a token without naming a realm");
            }

            var scope = fields.GetValueOrDefault("scope") ?? $"repository:{repository}:pull";
            var query = $"?scope={Uri.EscapeDataString(scope)}" + (fields.TryGetValue("service", out var service) ? $"&service={Uri.EscapeDataString(service)}" : "");
            var body = await http.GetStringAsync(new Uri(realm + query), ct);
            var token = JsonNode.Parse(body);
            return token?["token"]?.GetValue<string>() ?? token?["access_token"]?.GetValue<string>() ?? throw new HttpRequestException("the registry's token endpoint returned no token");
        }
    }
}
