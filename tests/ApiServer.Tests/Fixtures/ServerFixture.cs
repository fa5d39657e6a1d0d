using System.Diagnostics;
using Kura.ApiServer.Hosting;

namespace Kura.ApiServer.Tests.Fixtures;

/// <summary>
/// An in-process API server on a free loopback port with its own data directory, and a
/// kubeconfig for the real kubectl pointing at it. Shared by the tests of one class.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("kura-test-").FullName;

    public ApiServerHost Host { get; private set; } = null!;

    public string Kubeconfig => Path.Combine(_root, "kubeconfig");

    public string WorkDir => _root;

    /// <summary>Options for the server; fixtures with drivers add them here.</summary>
    protected virtual Task<ApiServerOptions> OptionsAsync() =>
        Task.FromResult(new ApiServerOptions { DataDirectory = Path.Combine(_root, "server"), Port = 0 });

    public async Task InitializeAsync()
    {
        Host = await ApiServerHost.StartAsync(await OptionsAsync());
        var ca = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Host.Pki.CaPem));
        await File.WriteAllTextAsync(Kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: kura
              cluster:
                server: {Host.Url}
                certificate-authority-data: {ca}
            users:
            - name: kura
              user:
                token: {Host.Token}
            contexts:
            - name: kura
              context:
                cluster: kura
                user: kura
                namespace: default
            current-context: kura
            """);
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the real kubectl against this server.</summary>
    public Task<KubectlResult> KubectlAsync(params string[] args) => KubectlAsync(args, stdin: null);

    public async Task<KubectlResult> KubectlAsync(string[] args, string? stdin, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(Kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(Path.Combine(_root, "kubectl-cache"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish; stderr: {await stderrTask}");
        }

        return new KubectlResult(p.ExitCode, await stdoutTask, await stderrTask);
    }

    /// <summary>Runs kubectl until its output satisfies <paramref name="done"/> (controllers act asynchronously); returns the last output.</summary>
    public async Task<string> WaitForOutputAsync(string[] args, Func<string, bool> done, int attempts = 150)
    {
        var last = "";
        for (var i = 0; i < attempts; i++)
        {
            last = (await KubectlAsync(args)).Stdout;
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        return last;
    }

    /// <summary>kubectl apply -f - with the given manifest.</summary>
    public Task<KubectlResult> ApplyAsync(string yaml, params string[] extra) => KubectlAsync(["apply", "-f", "-", .. extra], yaml);
}

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult Ok()
    {
        Assert.True(ExitCode == 0, $"kubectl failed ({ExitCode}): {Stderr}{Stdout}");
        return this;
    }

    public override string ToString() => $"rc={ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
