using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kura.Cli.Tests;

/// <summary>A real `kura serve` process on a free port with its own home directory.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private Process? _process;

    public ServerProcess(string home, params string[] extraArgs)
    {
        Home = home;
        Port = FreePort();
        ExtraArgs = extraArgs;
    }

    /// <summary>More `kura serve` arguments, e.g. `--nodes 3`.</summary>
    public IReadOnlyList<string> ExtraArgs { get; }

    public string Home { get; }

    public int Port { get; }

    public string Url => $"https://127.0.0.1:{Port}";

    public string Token => File.ReadAllText(Path.Combine(Home, "server", "token")).Trim();

    public static string KuraDll => typeof(Program).Assembly.Location;

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { KuraDll, "serve", "--home", Home, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(ExtraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        using var client = Client();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var r = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kura serve exited with {_process.ExitCode}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("kura serve did not become ready");
    }

    /// <summary>SIGKILL: the process gets no chance to flush anything.</summary>
    public void KillHard()
    {
        _process?.Kill();
        _process?.WaitForExit();
    }

    public HttpClient Client(string? token = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            MaxConnectionsPerServer = 16,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGTERM first: serve stops its node agents (and their containers) before it exits.
            using (Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
            {
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process?.Dispose();
        _process = null;

        // The nodes' agents follow their parent down; their network namespaces are removed here.
        Local.NodeNetwork.For(Home).TearDown(16);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
