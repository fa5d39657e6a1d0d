using System.Diagnostics;
using Kura.Drivers.Local;

namespace Kura.Drivers.Tests;

/// <summary>Skips a test, with its reason, when csi-sanity is not installed (it is built by the developer; see docs/csi.md).</summary>
public sealed class CsiSanityFactAttribute : FactAttribute
{
    public CsiSanityFactAttribute()
    {
        if (CsiSanityTests.Binary() is null)
        {
            Skip = "csi-sanity is not on PATH and CSI_SANITY is not set: build kubernetes-csi/csi-test v5.2.0 (docs/csi.md) to run the CSI conformance suite";
        }
    }
}

/// <summary>The CSI conformance suite (kubernetes-csi/csi-test v5.2.0) against local.csi.kura.io.</summary>
public sealed class CsiSanityTests
{
    public static string? Binary()
    {
        var env = Environment.GetEnvironmentVariable("CSI_SANITY");
        if (!string.IsNullOrEmpty(env) && File.Exists(env))
        {
            return env;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "csi-sanity")).FirstOrDefault(File.Exists);
    }

    [CsiSanityFact]
    public async Task CsiSanity_LocalDriver_NoFailures()
    {
        var root = Directory.CreateTempSubdirectory("kura-sanity-").FullName;
        var socket = Path.Combine(root, "csi.sock");
        await using var server = await LocalDriverHost.StartAsync("unix://" + socket, "sanity-node", Path.Combine(root, "data"));
        var psi = new ProcessStartInfo(Binary()!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--csi.endpoint", socket, "--csi.mountdir", Path.Combine(root, "mnt"), "--csi.stagingdir", Path.Combine(root, "stage"), "--ginkgo.no-color" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"csi-sanity failed:\n{await output}\n{await errors}");
    }
}
