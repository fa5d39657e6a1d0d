using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kura.Cli.Local;

namespace Kura.Cli.Commands;

/// <summary>
/// `kura up`: starts the control plane in the background (unless it already runs), waits until
/// it is ready, and points kubectl at it through the "kura" context. Idempotent.
/// </summary>
public static class UpCommand
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(KuraHome home, string? bind, int? port, string? kubeconfig, int? nodes, CancellationToken ct)
    {
        var previous = home.LoadSettings();
        var settings = new ServerSettings(bind ?? previous?.Bind ?? "127.0.0.1", port ?? previous?.Port ?? 6443, nodes ?? previous?.Nodes ?? 1);
        if (settings.Nodes is < 1 or > 16)
        {
            Console.Error.WriteLine("kura: --nodes must be between 1 and 16");
            return 1;
        }

        var running = home.RunningPid();
        if (running is not null && previous is not null && (settings.Bind != previous.Bind || settings.Port != previous.Port || settings.Nodes != previous.Nodes))
        {
            Console.Error.WriteLine($"kura: already running (pid {running}) on {previous.Url} with {previous.Nodes} node(s); run `kura down` first to change that");
            return 1;
        }

        var stopwatch = Stopwatch.StartNew();
        if (running is null)
        {
            home.SaveSettings(settings);
            Console.Error.WriteLine($"kura: starting the control plane on {settings.Url} (data in {home.Root})");
            StartBackground(home, settings);
        }
        else
        {
            Console.Error.WriteLine($"kura: already running (pid {running})");
        }

        if (!await WaitReadyAsync(home, settings, ct))
        {
            Console.Error.WriteLine($"kura: the server did not become ready within {ReadyTimeout.TotalSeconds:0}s; see {home.LogFile}");
            var tail = File.Exists(home.LogFile) ? File.ReadLines(home.LogFile).TakeLast(15) : [];
            foreach (var line in tail)
            {
                Console.Error.WriteLine("  " + line);
            }

            return 1;
        }

        var ready = await WaitNodesReadyAsync(home, settings, ct);
        if (ready < settings.Nodes)
        {
            Console.Error.WriteLine($"kura: only {ready} of {settings.Nodes} node(s) became Ready within {ReadyTimeout.TotalSeconds:0}s; see {Path.Combine(home.Root, "nodes", "<node>", "agent.log")}");
        }

        var path = kubeconfig ?? Kubeconfig.DefaultPath();
        Kubeconfig.Merge(path, settings.Url, File.ReadAllText(home.CaFile), File.ReadAllText(home.TokenFile).Trim());
        Console.Error.WriteLine($"kura: ready in {stopwatch.Elapsed.TotalSeconds:0.00}s with {ready} node(s); kubectl context \"{Kubeconfig.ContextName}\" is current in {path}");
        Console.WriteLine($"Kura is up at {settings.Url}");
        return 0;
    }

    /// <summary>Waits until the nodes report Ready (a cluster whose nodes are up can run pods at once); returns how many are.</summary>
    private static async Task<int> WaitNodesReadyAsync(KuraHome home, ServerSettings settings, CancellationToken ct)
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(home.CaFile));
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && ChainsTo(cert, ca) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", File.ReadAllText(home.TokenFile).Trim());
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var ready = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var list = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync(new Uri(settings.Url + "/api/v1/nodes"), ct));
                ready = (list?["items"] as System.Text.Json.Nodes.JsonArray)?.Count(n => (n?["status"]?["conditions"] as System.Text.Json.Nodes.JsonArray)?
                    .Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true) ?? 0;
                if (ready >= settings.Nodes)
                {
                    return ready;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
            }

            await Task.Delay(50, ct);
        }

        return ready;
    }

    /// <summary>Re-runs this same program as `kura serve` in a new session, output to the log file.</summary>
    private static void StartBackground(KuraHome home, ServerSettings settings)
    {
        Directory.CreateDirectory(home.Root);
        var (exe, prefix) = SelfInvocation();
        var args = new List<string>(prefix) { "serve", "--home", home.Root, "--bind", settings.Bind, "--port", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--nodes", settings.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=\"$1\"; shift; exec setsid \"$@\" >>\"$log\" 2>&1 </dev/null");
        psi.ArgumentList.Add("kura-serve");
        psi.ArgumentList.Add(home.LogFile);
        psi.ArgumentList.Add(exe);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server process");
    }

    /// <summary>How to start this program again: the apphost, or `dotnet kura.dll` when run that way.</summary>
    internal static (string Exe, string[] Prefix) SelfInvocation()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return (process, [typeof(UpCommand).Assembly.Location]);
        }

        return (process, []);
    }

    private static async Task<bool> WaitReadyAsync(KuraHome home, ServerSettings settings, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(home.CaFile) && await IsReadyAsync(home, settings, ct))
            {
                return true;
            }

            await Task.Delay(50, ct);
        }

        return false;
    }

    internal static async Task<bool> IsReadyAsync(KuraHome home, ServerSettings settings, CancellationToken ct)
    {
        try
        {
            using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(home.CaFile));
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, chain, errors) => cert is not null && ChainsTo(cert, ca),
            };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
            using var response = await client.GetAsync(new Uri(settings.Url + "/readyz"), ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static bool ChainsTo(X509Certificate2 cert, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }
}
