using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kura.Node.Tests.Fixtures;

/// <summary>
/// Debian's docker-registry (the distribution registry) on 127.0.0.1 with a temporary store, and
/// skopeo to push test archives into it — a real registry for pull tests, no network needed.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-registry-").FullName;
    private Process? _process;

    public int Port { get; private set; }

    public string Host => $"127.0.0.1:{Port}";

    public static async Task<LocalRegistry> StartAsync()
    {
        var registry = new LocalRegistry();
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            registry.Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = Path.Combine(registry._dir, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {Path.Combine(registry._dir, "data")}
            http:
              addr: 127.0.0.1:{registry.Port}
            """);
        registry._process = Process.Start(new ProcessStartInfo("/usr/bin/docker-registry", ["serve", config]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        registry._process.BeginOutputReadLine();
        registry._process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{registry.Host}/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return registry;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("docker-registry did not start");
    }

    /// <summary>Pushes a `docker save` archive as <paramref name="repositoryAndTag"/> (e.g. "busybox:v1").</summary>
    public async Task PushAsync(string archive, string repositoryAndTag)
    {
        using var skopeo = Process.Start(new ProcessStartInfo("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", $"docker-archive:{archive}", $"docker://{Host}/{repositoryAndTag}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await skopeo.StandardError.ReadToEndAsync();
        await skopeo.WaitForExitAsync();
        if (skopeo.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo copy failed: {error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
