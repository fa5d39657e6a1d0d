using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kura.ApiServer.Security;

/// <summary>
/// The server's own small PKI, created at first start and kept in the data directory: a CA
/// (whose certificate goes into the kubeconfig) and a serving certificate for the addresses the
/// server listens on. Keys are ECDSA P-256 and files are written owner-only.
/// </summary>
public sealed class Pki
{
    private Pki(string caPem, X509Certificate2 serving)
    {
        CaPem = caPem;
        ServingCertificate = serving;
    }

    /// <summary>The CA certificate in PEM form (certificate-authority-data in the kubeconfig).</summary>
    public string CaPem { get; }

    public X509Certificate2 ServingCertificate { get; }

    /// <summary>Loads the PKI from <paramref name="dir"/>, creating what is missing or does not cover <paramref name="hosts"/>.</summary>
    public static Pki LoadOrCreate(string dir, IReadOnlyCollection<string> hosts, TimeProvider time)
    {
        Directory.CreateDirectory(dir);
        var caCrt = Path.Combine(dir, "ca.crt");
        var caKey = Path.Combine(dir, "ca.key");
        var srvCrt = Path.Combine(dir, "server.crt");
        var srvKey = Path.Combine(dir, "server.key");
        var now = time.GetUtcNow();

        X509Certificate2 ca;
        if (File.Exists(caCrt) && File.Exists(caKey))
        {
            ca = X509Certificate2.CreateFromPemFile(caCrt, caKey);
        }
        else
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=kura-ca", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
            WritePrivate(caKey, key.ExportPkcs8PrivateKeyPem());
            WritePrivate(caCrt, ca.ExportCertificatePem());
        }

        X509Certificate2? serving = null;
        if (File.Exists(srvCrt) && File.Exists(srvKey))
        {
            serving = X509Certificate2.CreateFromPemFile(srvCrt, srvKey);
            if (!Covers(serving, hosts) || serving.NotAfter < now.UtcDateTime.AddDays(30))
            {
                serving = null;
            }
        }

        if (serving is null)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=kura-apiserver", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            foreach (var host in hosts)
            {
                if (IPAddress.TryParse(host, out var ip))
                {
                    san.AddIpAddress(ip);
                }
                else
                {
                    san.AddDnsName(host);
                }
            }

            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            using var signed = request.Create(ca, now.AddMinutes(-5), now.AddYears(2), serial);
            serving = signed.CopyWithPrivateKey(key);
            WritePrivate(srvKey, key.ExportPkcs8PrivateKeyPem());
            WritePrivate(srvCrt, serving.ExportCertificatePem());
            // Reload from PEM so the key is usable by SslStream on every platform.
            serving = X509Certificate2.CreateFromPemFile(srvCrt, srvKey);
        }

        var caPem = File.ReadAllText(caCrt);
        ca.Dispose();
        return new Pki(caPem, serving);
    }

    private static bool Covers(X509Certificate2 cert, IReadOnlyCollection<string> hosts)
    {
        var ext = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (ext is null)
        {
            return false;
        }

        var names = new HashSet<string>(ext.EnumerateDnsNames(), StringComparer.OrdinalIgnoreCase);
        foreach (var ip in ext.EnumerateIPAddresses())
        {
            names.Add(ip.ToString());
        }

        return hosts.All(names.Contains);
    }

    private static void WritePrivate(string path, string contents)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, contents);
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }
}
