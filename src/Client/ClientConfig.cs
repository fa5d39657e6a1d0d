using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Kura.Model.Serialization;

namespace Kura.Client;

/// <summary>
/// How to reach an API server: its URL, the CA that signs it and a bearer token. Read from a
/// kubeconfig (the current context) or from the in-cluster service-account files, as client-go does.
/// </summary>
public sealed record ClientConfig(Uri Server, string? CaPem, string? Token, string? DefaultNamespace = null)
{
    public const string ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>In-cluster: KUBERNETES_SERVICE_HOST/PORT plus the mounted token and CA (rest.InClusterConfig).</summary>
    public static ClientConfig InCluster(string serviceAccountDir = ServiceAccountDir)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new InvalidOperationException("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
        }

        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new ClientConfig(
            new Uri($"https://{hostPart}:{port}"),
            File.ReadAllText(Path.Combine(serviceAccountDir, "ca.crt")),
            File.ReadAllText(Path.Combine(serviceAccountDir, "token")).Trim(),
            File.Exists(Path.Combine(serviceAccountDir, "namespace")) ? File.ReadAllText(Path.Combine(serviceAccountDir, "namespace")).Trim() : "default");
    }

    /// <summary>The current context of a kubeconfig file (token and certificate-authority[-data] users).</summary>
    public static ClientConfig FromKubeconfig(string path, string? context = null)
    {
        var docs = Yaml.ParseDocuments(File.ReadAllText(path));
        var config = (docs.Count > 0 ? docs[0] : null) as JsonObject ?? throw new InvalidDataException($"{path} is not a kubeconfig");
        var contextName = context ?? config["current-context"]?.GetValue<string>() ?? throw new InvalidDataException($"{path} has no current-context");
        var ctx = Named(config, "contexts", contextName)["context"] as JsonObject ?? throw new InvalidDataException($"context {contextName} is empty");
        var cluster = Named(config, "clusters", ctx["cluster"]?.GetValue<string>() ?? "")["cluster"] as JsonObject ?? [];
        var user = Named(config, "users", ctx["user"]?.GetValue<string>() ?? "")["user"] as JsonObject ?? [];
        string? ca = null;
        if (cluster["certificate-authority-data"]?.GetValue<string>() is { } data)
        {
            ca = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        else if (cluster["certificate-authority"]?.GetValue<string>() is { } caFile)
        {
            ca = File.ReadAllText(caFile);
        }

        var token = user["token"]?.GetValue<string>() ?? (user["tokenFile"]?.GetValue<string>() is { } tf ? File.ReadAllText(tf).Trim() : null);
        return new ClientConfig(new Uri(cluster["server"]?.GetValue<string>() ?? throw new InvalidDataException("cluster has no server")), ca, token, ctx["namespace"]?.GetValue<string>());
    }

    /// <summary>An HTTP handler that trusts exactly the configured CA (or the system roots when none is given).</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), EnableMultipleHttp2Connections = true };
        if (CaPem is not null)
        {
            var ca = X509Certificate2.CreateFromPem(CaPem);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
            };
        }

        return handler;
    }

    private static JsonObject Named(JsonObject config, string list, string name) =>
        (config[list] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(e => e["name"]?.GetValue<string>() == name)
        ?? throw new InvalidDataException($"kubeconfig has no {list} entry named \"{name}\"");
}
